/**
 * Two runs of the same event at once, as two Lambda execution environments would run them (a Lambda
 * retry overlapping a slow run, a person invoking the function by hand during a scheduled run, or no
 * reserved concurrency): each has its own SDK client and its own memory, and they share only App
 * Runner. The engine needs no lock for this: the marker tag, App Runner's refusal of a second pause,
 * resume or deployment, and the operation history that the run which did not make the resume reads
 * before it deploys keep the work to once per service.
 */
import type { RunReport } from '../../lambda/report';
import { awaitedDeployment, readMarker } from '../../lambda/decide';
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';
import type { AppRunnerEmulator } from '../../emulator/app-runner-emulator';
import {
  MARKED_PAUSED,
  OFFICE_HOURS,
  emulatorGateway,
  harnessHandler,
  outcomeOf,
  startHarness,
  type Invoke,
  type SchedulerHarness,
} from '../support/scheduler-harness';

const FLEET_SIZE = 6;
const PAUSED_MARKER_FORMAT = /^paused \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let harness: SchedulerHarness;
let emulator: AppRunnerEmulator;
let invokeInOneEnvironment: Invoke;
let invokeInAnother: Invoke;

beforeEach(async () => {
  // The run that made the resume deploys without reading the history; the other reads it, finds that
  // resume just ended, waits (deployGraceMs, 5 x FAST_POLL.maxMs) and reads it again. Either may still
  // deploy first; App Runner then refuses the later StartDeployment because the first deployment is
  // still running (minutes on App Runner). With the emulator's default 50 ms deployments the first can
  // finish before the later call arrives and a second deployment goes through, a race no client can
  // close without a lock App Runner lacks. 400 ms keeps the emulator's deployments longer than the gap
  // between the two runs' calls.
  harness = await startHarness({ emulator: { timings: { deploy: 400 } } });
  emulator = harness.emulator;
  invokeInOneEnvironment = harness.invoke;
  invokeInAnother = harnessHandler(emulatorGateway(emulator));
});

afterEach(() => harness.close());

type Selection = 'tags' | 'ARNs';

/** Six services that the event selects, and one beside them that it does not. */
function fleet(selection: Selection, spec: { status?: 'RUNNING' | 'PAUSED'; tags?: Record<string, string> } = {}): { selected: string[]; bystander: string } {
  const selected = Array.from({ length: FLEET_SIZE }, (_, i) =>
    emulator.addService({ name: `web-${i}`, status: spec.status, tags: spec.tags ?? OFFICE_HOURS }),
  );
  const bystander = emulator.addService({ name: 'bystander', status: spec.status, tags: selection === 'tags' ? { schedule: 'always-on' } : (spec.tags ?? OFFICE_HOURS) });
  return { selected, bystander };
}

function eventFor(selection: Selection, action: 'pause' | 'resume', selected: readonly string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return selection === 'tags' ? { action, tags: OFFICE_HOURS, ...extra } : { action, services: [...selected], ...extra };
}

/** Both invocations at once; rejects if either throws. */
async function runTwiceAtOnce(event: unknown): Promise<[RunReport, RunReport]> {
  const settled = await Promise.allSettled([invokeInOneEnvironment(event), invokeInAnother(event)]);
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
  if (failures.length > 0) throw new Error(`an overlapping run threw: ${failures.join('; ')}`);
  return settled.map((s) => (s as PromiseFulfilledResult<RunReport>).value) as [RunReport, RunReport];
}

/** How many calls of `operation` on `arn` App Runner accepted (HTTP 200), and how many it refused. */
function callsOn(operation: string, arn: string): { accepted: number; refused: number } {
  const calls = emulator.mutatingCalls().filter((c) => c.operation === operation && c.targetArn === arn);
  const accepted = calls.filter((c) => c.httpStatus === 200).length;
  return { accepted, refused: calls.length - accepted };
}

function accepted(operation: string, arns: readonly string[]): number[] {
  return arns.map((arn) => callsOn(operation, arn).accepted);
}

/**
 * What the marker says once both resume runs ended: nothing to do (`readMarker` undefined), and at
 * most the id of the one deployment, for its App Runner event. Which of the two runs' last tag calls
 * lands last decides whether the deploying run's `deployed <id>` stays or the other run removes it.
 */
function finishedMarker(arn: string): { readonly state: string | undefined; readonly awaitsTheDeployment: boolean } {
  const { tags, operations } = emulator.service(arn);
  const awaited = awaitedDeployment(tags);
  const deployment = operations.find((o) => o.type === 'START_DEPLOYMENT');
  return { state: readMarker(tags), awaitsTheDeployment: awaited === undefined || awaited === deployment?.id };
}

/** The tags besides the marker. */
function otherTags(arn: string): Record<string, string> {
  return Object.fromEntries(Object.entries(emulator.service(arn).tags).filter(([key]) => key !== MARKER_TAG_KEY));
}

const FINISHED = { state: undefined, awaitsTheDeployment: true };

describe.each<Selection>(['tags', 'ARNs'])('two runs of the same event at once (selection by %s)', (selection) => {
  it('two pause runs pause each service exactly once, mark it, and both resolve', async () => {
    const { selected, bystander } = fleet(selection);

    const reports = await runTwiceAtOnce(eventFor(selection, 'pause', selected));

    expect(accepted('PauseService', selected)).toEqual(Array(FLEET_SIZE).fill(1));
    expect(selected.map((arn) => emulator.service(arn).status)).toEqual(Array(FLEET_SIZE).fill('PAUSED'));
    for (const arn of selected) expect(emulator.service(arn).tags[MARKER_TAG_KEY]).toMatch(PAUSED_MARKER_FORMAT);
    expect(accepted('ResumeService', selected)).toEqual(Array(FLEET_SIZE).fill(0));
    expect(reports.map((r) => r.counts.failed)).toEqual([0, 0]);
    // Between them the two runs account for every service once as paused by them: the other run saw it paused already, or lost the race.
    for (const arn of selected) {
      const outcomes = reports.map((r) => outcomeOf(r, arn).outcome);
      expect(outcomes.filter((o) => o === 'changed')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'unchanged')).toHaveLength(1);
    }
    expect(emulator.service(bystander)).toMatchObject({ status: 'RUNNING' });
    expect(emulator.mutatingCalls().filter((c) => c.targetArn === bystander)).toEqual([]);
  });

  it('two resume runs resume and deploy each service exactly once, remove the marker, and both resolve', async () => {
    const { selected, bystander } = fleet(selection, { status: 'PAUSED', tags: MARKED_PAUSED });

    const reports = await runTwiceAtOnce(eventFor(selection, 'resume', selected, { deployAfterResume: 'always' }));
    await emulator.settled();

    expect(accepted('ResumeService', selected)).toEqual(Array(FLEET_SIZE).fill(1));
    expect(accepted('StartDeployment', selected)).toEqual(Array(FLEET_SIZE).fill(1));
    expect(selected.map((arn) => emulator.service(arn).deployments)).toEqual(Array(FLEET_SIZE).fill(1));
    expect(accepted('PauseService', selected)).toEqual(Array(FLEET_SIZE).fill(0));
    expect(selected.map((arn) => emulator.service(arn).status)).toEqual(Array(FLEET_SIZE).fill('RUNNING'));
    expect(selected.map(otherTags)).toEqual(Array(FLEET_SIZE).fill(OFFICE_HOURS));
    expect(selected.map(finishedMarker)).toEqual(Array(FLEET_SIZE).fill(FINISHED));
    expect(reports.map((r) => r.counts.failed)).toEqual([0, 0]);
    expect(emulator.service(bystander).status).toBe('PAUSED');
    if (selection === 'tags') expect(emulator.mutatingCalls().filter((c) => c.targetArn === bystander)).toEqual([]);
  });

  it('a night and a morning of overlapping runs: paused once, resumed once, deployed once, the versions pushed overnight live', async () => {
    const { selected } = fleet(selection);

    await runTwiceAtOnce(eventFor(selection, 'pause', selected));
    const pushed = selected.map((arn) => emulator.publishVersion(arn));
    await runTwiceAtOnce(eventFor(selection, 'resume', selected, { deployAfterResume: 'always' }));
    await emulator.settled();

    expect(accepted('PauseService', selected)).toEqual(Array(FLEET_SIZE).fill(1));
    expect(accepted('ResumeService', selected)).toEqual(Array(FLEET_SIZE).fill(1));
    expect(accepted('StartDeployment', selected)).toEqual(Array(FLEET_SIZE).fill(1));
    expect(selected.map((arn) => emulator.service(arn).deployedVersion)).toEqual(pushed);
    expect(selected.map((arn) => emulator.service(arn).status)).toEqual(Array(FLEET_SIZE).fill('RUNNING'));
    expect(selected.map(finishedMarker)).toEqual(Array(FLEET_SIZE).fill(FINISHED));
  });
});
