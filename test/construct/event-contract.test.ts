/**
 * The construct can never ship an event the handler rejects: it checks each event its schedules
 * send with the event contract at synth. The contract's own suite pins the messages; this one checks
 * that the same field is named, for props passed from JavaScript, where no types stop a bad value.
 */
import { App, Lazy, Stack, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DEPLOY_POLICIES, parseEvent } from '../../contract/event';
import { AppRunnerScheduler, DeployAfterResume, type AppRunnerSchedulerProps } from '../../lib';
import { ARN, REJECTED_EVENT_VALUES } from '../contract/rejected-events';
import { scheduleInput } from './fixtures';

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

describe('the events the schedules send', () => {
  test.each<[string, Partial<AppRunnerSchedulerProps>]>([
    ['by tags in two regions, with every resume option', { tags: { env: 'dev' }, regions: ['eu-west-1', 'us-east-1'], holidays: ['2026-12-25'], deployAfterResume: DeployAfterResume.ALWAYS, resumeManuallyPaused: true }],
    ['by ARN, as a dry run', { services: [ARN], dryRun: true, timeZone: TimeZone.AMERICA_NEW_YORK }],
  ])('are accepted by the handler as they are synthesized: %s', (_, fields) => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    new AppRunnerScheduler(stack, 'Scheduler', { pauseAt: '19:00', resumeAt: '07:00', ...fields });

    // WHEN
    const template = Template.fromStack(stack);

    // THEN
    for (const action of ['pause', 'resume'] as const) {
      const sent = scheduleInput(template, action);
      expect(parseEvent(sent, { defaultRegion: 'eu-west-1' })).toMatchObject({ action, dryRun: fields.dryRun ?? false });
    }
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
