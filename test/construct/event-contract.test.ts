/**
 * The construct can never ship an event the handler rejects: it checks each event its schedules
 * send with the event contract at synth. The contract's own suite pins the messages; this one checks
 * that the same field is named, for props passed from JavaScript, where no types stop a bad value.
 */
import { App, Lazy, Stack, TimeZone } from 'aws-cdk-lib';
import { DEPLOY_POLICIES } from '../../contract/event';
import { AppRunnerScheduler, DeployAfterResume } from '../../lib';
import { ARN, REJECTED_EVENT_VALUES } from '../contract/rejected-events';

/** Creates a scheduler as JavaScript would, with no types: each event field is the prop of the same name. */
function createFromJavaScript(fields: Readonly<Record<string, unknown>>): () => AppRunnerScheduler {
  const { timeZone, ...sameAsEvent } = fields;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JavaScript caller's props
  const props: any = { pauseAt: '19:00', resumeAt: '07:00', ...sameAsEvent, ...(timeZone !== undefined && { timeZone: TimeZone.of(timeZone as string) }) };
  return () => new AppRunnerScheduler(new Stack(new App(), 'Stack'), 'Scheduler', props);
}

describe('props the event contract rejects', () => {
  test.each(REJECTED_EVENT_VALUES.map((row) => [row.name, row]))('fail the synth for %s, naming the same field', (_, row) => {
    expect(createFromJavaScript(row.fields)).toThrow(`${row.field}: received`);
  });

  test('fail the synth for a resume-only field even when only the pause is scheduled', () => {
    expect(createFromJavaScript({ services: [ARN], resumeAt: undefined, deployAfterResume: 'Always' })).toThrow(
      /^Invalid AppRunnerScheduler props: .*deployAfterResume: received "Always"/,
    );
  });

  test('offer exactly the deployment policies the contract accepts', () => {
    expect(Object.values(DeployAfterResume).sort()).toEqual([...DEPLOY_POLICIES].sort());
  });
});

describe('props resolved at deployment', () => {
  test('are left to deploy time', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const token = (value: string) => Lazy.string({ produce: () => value });

    // WHEN
    const created = () =>
      new AppRunnerScheduler(stack, 'Scheduler', {
        services: [token('not checked at synth')],
        tags: { env: token('x'.repeat(300)) },
        regions: [token('eu-west-1')],
        holidays: [token('2026-12-25')],
        timeZone: TimeZone.of(token('Mars/Olympus_Mons')),
        pauseAt: '19:00',
      });

    // THEN
    expect(created).not.toThrow();
  });
});
