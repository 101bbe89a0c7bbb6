/**
 * One service's run, against a scripted gateway: how a state conflict is handled (the one place
 * where App Runner's refusals are read), step by step.
 */
import type { AppRunnerGateway, OperationRecord, ServiceDetail } from '../../lambda/app-runner';
import { ServiceStateConflictError } from '../../lambda/errors';
import { parseEvent } from '../../contract/event';
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';
import type { SelectedService } from '../../lambda/select';
import { runService } from '../../lambda/service-run';
import { StatusWatcher } from '../../lambda/status-watcher';

const ARN = 'arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef';

/** A service as selection saw it, read by ARN (its region not walked, so the watcher describes it). */
function selected(status: string, tags: Record<string, string> = {}): SelectedService {
  return { arn: ARN, name: 'web-api', region: 'eu-west-1', status, tags, tagsFromTaggingApi: false };
}

function refused(operation: string): ServiceStateConflictError {
  return new ServiceStateConflictError(operation, ARN, Object.assign(new Error('busy'), { name: 'InvalidStateException' }));
}

/**
 * A gateway whose DescribeService answers the statuses in `statuses`, one per call (the last one
 * repeats), whose ListOperations answers the histories in `histories` the same way, and whose
 * methods in `refuse` throw a state conflict for their API operation; it records every call.
 */
function scriptedGateway(statuses: string[], refuse: Partial<Record<keyof AppRunnerGateway, string>>, histories: OperationRecord[][] = [[]]) {
  const calls: string[] = [];
  let described = 0;
  let listed = 0;
  const detail = (status: string): ServiceDetail => ({ arn: ARN, name: 'web-api', status, autoDeploymentsEnabled: true });
  const answers: Partial<Record<keyof AppRunnerGateway, () => Promise<unknown>>> = {
    describeService: async () => detail(statuses[Math.min(described++, statuses.length - 1)]),
    listRecentOperations: async () => histories[Math.min(listed++, histories.length - 1)],
    pauseService: async () => 'pause-1',
    resumeService: async () => ({ operationId: 'resume-1', service: detail('OPERATION_IN_PROGRESS') }),
    startDeployment: async () => 'deploy-1',
    tagService: async () => undefined,
    untagService: async () => undefined,
  };
  const gateway = new Proxy({} as AppRunnerGateway, {
    get: (_target, method: keyof AppRunnerGateway) => async () => {
      calls.push(method);
      const operation = refuse[method];
      if (operation) throw refused(operation);
      return answers[method]!();
    },
  });
  return { gateway, calls };
}

/** The watcher's sleeps, in ms, of the latest `run`. */
let sleeps: number[] = [];

function run(action: 'pause' | 'resume', service: SelectedService, gateway: AppRunnerGateway) {
  const request = parseEvent({ action, services: [ARN], deployAfterResume: 'always' });
  sleeps = [];
  const watcher = new StatusWatcher({
    gateway,
    poll: { initialMs: 1, maxMs: 1, factor: 1, deployGraceMs: 20_000 },
    deadline: Number.MAX_SAFE_INTEGER,
    walkedRegions: new Map(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return runService(service, { request, gateway, watcher, clock: Date.now });
}

describe('a state conflict', () => {
  it('after a refused pause that finds the service paused: unchanged, marker kept, no further call', async () => {
    const { gateway, calls } = scriptedGateway(['OPERATION_IN_PROGRESS', 'PAUSED'], { pauseService: 'PauseService' });

    const outcome = await run('pause', selected('RUNNING'), gateway);

    expect(outcome).toMatchObject({ outcome: 'unchanged', statusAfter: 'PAUSED', actions: [], reason: expect.stringContaining('another pause got there first') });
    expect(calls).toEqual(['tagService', 'pauseService', 'describeService', 'describeService']);
  });

  it('after a refused pause that finds the service running: reads it and decides again', async () => {
    const { gateway, calls } = scriptedGateway(['RUNNING'], { pauseService: 'PauseService' });

    const outcome = await run('pause', selected('RUNNING'), gateway);

    expect(outcome).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('kept changing under the scheduler (8 attempts)') });
    expect(calls.filter((c) => c === 'pauseService')).toHaveLength(8);
  });

  it('after any other refused call: reads the service and decides again from what it finds', async () => {
    const { gateway, calls } = scriptedGateway(['RUNNING'], { resumeService: 'ResumeService' });

    const outcome = await run('resume', selected('PAUSED', { [MARKER_TAG_KEY]: 'paused 2026-11-29T19:00:00Z' }), gateway);

    expect(outcome).toMatchObject({ outcome: 'changed', statusAfter: 'OPERATION_IN_PROGRESS', actions: ['deploy'], reason: expect.stringContaining('an earlier resume was cut short') });
    expect(calls).toEqual(['tagService', 'resumeService', 'describeService', 'listRecentOperations', 'startDeployment', 'tagService']);
  });
});

describe('the deployment after a resume', () => {
  const MARKED_PAUSED = { [MARKER_TAG_KEY]: 'paused 2026-11-29T19:00:00Z' };
  const MARKED_RESUMED = { [MARKER_TAG_KEY]: 'resumed 2026-11-30T07:00:00Z' };
  const justNow = () => Date.now() - 1_000;
  const theirResume = (): OperationRecord => ({ id: 'resume-by-another-run', type: 'RESUME_SERVICE', status: 'SUCCEEDED', endedAt: justNow() });

  it("after this run's own resume: deploys without reading the history", async () => {
    const { gateway, calls } = scriptedGateway(['RUNNING'], {});

    const outcome = await run('resume', selected('PAUSED', MARKED_PAUSED), gateway);

    expect(outcome).toMatchObject({ outcome: 'changed', actions: ['resume', 'deploy'] });
    expect(calls).toEqual(['tagService', 'resumeService', 'describeService', 'startDeployment', 'tagService']);
  });

  it("after a refused deployment: reads the history, and someone else's deployment since the resume ends it as done, with no second one", async () => {
    const deployedByAnother = [{ id: 'deploy-by-another', type: 'START_DEPLOYMENT', status: 'IN_PROGRESS' }, { id: 'resume-1', type: 'RESUME_SERVICE', status: 'SUCCEEDED' }];
    const { gateway, calls } = scriptedGateway(['RUNNING', 'OPERATION_IN_PROGRESS', 'RUNNING'], { startDeployment: 'StartDeployment' }, [deployedByAnother]);

    const outcome = await run('resume', selected('PAUSED', MARKED_PAUSED), gateway);

    expect(outcome).toMatchObject({ outcome: 'changed', actions: ['resume'] });
    expect(calls).toEqual(['tagService', 'resumeService', 'describeService', 'startDeployment', 'describeService', 'describeService', 'listRecentOperations', 'untagService']);
  });

  it('fails the service with App Runner\'s answer when the deployment is refused again and no other deployment ran since the resume', async () => {
    const { gateway, calls } = scriptedGateway(['RUNNING'], { startDeployment: 'StartDeployment' }, [[{ id: 'resume-1', type: 'RESUME_SERVICE', status: 'SUCCEEDED' }]]);

    const outcome = await run('resume', selected('PAUSED', MARKED_PAUSED), gateway);

    expect(outcome).toMatchObject({ outcome: 'failed', actions: ['resume'], reason: 'StartDeployment on ' + ARN + ' failed: InvalidStateException: busy' });
    expect(calls.filter((c) => c === 'startDeployment')).toHaveLength(2);
    expect(calls).not.toContain('untagService');
  });

  it("finishing a resume that another run made moments ago: waits for that run to deploy first, and then starts none", async () => {
    const resume = theirResume();
    const deployedByIt = [{ id: 'deploy-by-another', type: 'START_DEPLOYMENT', status: 'IN_PROGRESS' }, resume];
    const { gateway, calls } = scriptedGateway(['RUNNING'], {}, [[resume], deployedByIt]);

    const outcome = await run('resume', selected('RUNNING', MARKED_RESUMED), gateway);

    expect(outcome).toMatchObject({ outcome: 'changed', actions: [] });
    expect(sleeps).toEqual([20_000]);
    expect(calls).toEqual(['listRecentOperations', 'listRecentOperations', 'untagService']);
  });

  it('finishing a resume that another run made moments ago: deploys after the wait when that run started no deployment (it was cut short)', async () => {
    const { gateway, calls } = scriptedGateway(['RUNNING'], {}, [[theirResume()]]);

    const outcome = await run('resume', selected('RUNNING', MARKED_RESUMED), gateway);

    expect(outcome).toMatchObject({ outcome: 'changed', actions: ['deploy'] });
    expect(sleeps).toEqual([20_000]);
    expect(calls).toEqual(['listRecentOperations', 'listRecentOperations', 'startDeployment', 'tagService']);
  });

  it('finishing a resume that another run made moments ago: starts no deployment when the wait lasts until the run\'s deadline, and keeps the marker for a retry', async () => {
    const { gateway, calls } = scriptedGateway(['RUNNING'], {}, [[theirResume()]]);
    let now = Date.now();
    const watcher = new StatusWatcher({
      gateway,
      poll: { initialMs: 1, maxMs: 1, factor: 1, deployGraceMs: 20_000 },
      deadline: now + 10_000,
      walkedRegions: new Map(),
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const request = parseEvent({ action: 'resume', services: [ARN], deployAfterResume: 'always' });

    const outcome = await runService(selected('RUNNING', MARKED_RESUMED), { request, gateway, watcher, clock: () => now });

    expect(outcome).toMatchObject({ outcome: 'failed', actions: [], reason: expect.stringContaining("its deployment was not started: the run's deadline came first") });
    // The history is read again after the wait: had the other run deployed meanwhile, the service would be done.
    expect(calls).toEqual(['listRecentOperations', 'listRecentOperations']);
  });

  it('finishing a resume that ended long ago (a retry of a run cut short): reads the history once and deploys without waiting', async () => {
    const { gateway, calls } = scriptedGateway(['RUNNING'], {}, [[{ ...theirResume(), endedAt: Date.now() - 60_000 }]]);

    const outcome = await run('resume', selected('RUNNING', MARKED_RESUMED), gateway);

    expect(outcome).toMatchObject({ outcome: 'changed', actions: ['deploy'] });
    expect(sleeps).toEqual([]);
    expect(calls).toEqual(['listRecentOperations', 'startDeployment', 'tagService']);
  });
});
