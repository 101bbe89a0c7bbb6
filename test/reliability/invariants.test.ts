/**
 * The invariant check itself: a check that never fails proves nothing, so each invariant is shown
 * catching a scheduler broken on purpose (its App Runner gateway sabotaged) in the way it guards against.
 */
import type { AppRunnerGateway } from '../../lambda/app-runner';
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';
import { MARKED_PAUSED, OFFICE_HOURS, PAUSED_MARKER, withOverrides } from '../support/scheduler-harness';
import { checkInvariants, type InvariantId } from './invariants';
import { observeStatuses, startReliabilityHarness, type ReliabilityHarness } from './reliability-harness';
import { recordSummary, selfCheckLine } from './summary';

let harness: ReliabilityHarness;

afterEach(() => harness?.close());

/** Breaks a gateway on purpose: it behaves as before except for the methods in `overrides`. */
function sabotage(overrides: Partial<AppRunnerGateway>): (gateway: AppRunnerGateway) => AppRunnerGateway {
  return (gateway) => withOverrides(gateway, overrides);
}

/** The invariants the check reports broken, and a line for the summary. */
function brokenInvariants(invariant: InvariantId, retries: Parameters<typeof checkInvariants>[1] = []): InvariantId[] {
  const broken = [...new Set(checkInvariants(harness, retries).map((v) => v.invariant))];
  recordSummary(selfCheckLine(invariant, broken.includes(invariant)));
  return broken;
}

describe('the invariant check', () => {
  it('catches a service paused without its marker (1)', async () => {
    harness = await startReliabilityHarness({ wrapGateway: sabotage({ tagService: () => Promise.resolve() }) });
    harness.emulator.addService({ name: 'unmarked', tags: OFFICE_HOURS });

    await harness.run({ action: 'pause', tags: OFFICE_HOURS });

    expect(brokenInvariants(1)).toContain(1);
  });

  it('catches a resume of a service someone else paused (2)', async () => {
    const forgeMarker = (gateway: AppRunnerGateway) =>
      sabotage({
        findTaggedServices: async (region, tags) => {
          const found = await gateway.findTaggedServices(region, tags);
          for (const serviceTags of found.values()) serviceTags[MARKER_TAG_KEY] = PAUSED_MARKER;
          return found;
        },
      })(gateway);
    harness = await startReliabilityHarness({ wrapGateway: forgeMarker });
    harness.emulator.addService({ name: 'paused-by-hand', status: 'PAUSED', tags: OFFICE_HOURS });

    await harness.run({ action: 'resume', tags: OFFICE_HOURS });

    expect(brokenInvariants(2)).toContain(2);
  });

  it('catches a StartDeployment sent before the run saw the service RUNNING (3)', async () => {
    const calls: string[] = [];
    const stub = new Proxy({} as AppRunnerGateway, {
      get: (_target, property) => async () => {
        calls.push(String(property));
        return property === 'describeService' ? { arn: 'a', name: 'a', status: 'PAUSED', autoDeploymentsEnabled: true } : 'operation';
      },
    });
    const { gateway, blindDeployments } = observeStatuses(stub);

    await gateway.describeService('a');
    await gateway.startDeployment('a');

    expect(calls).toEqual(['describeService', 'startDeployment']);
    expect(blindDeployments).toEqual([{ serviceArn: 'a', lastSeen: 'PAUSED' }]);
    recordSummary(selfCheckLine(3, blindDeployments.length === 1));
  });

  it('reads statuses for invariant 3 in the order App Runner answered them, never from a read sent before the run started an operation', async () => {
    // A stub whose DescribeService answers wait until the test releases them, with the status given then.
    const pending: ((status: string) => void)[] = [];
    const stub = new Proxy({} as AppRunnerGateway, {
      get: (_target, property) => async () =>
        property === 'describeService'
          ? new Promise((resolve) => pending.push((status) => resolve({ arn: 'a', name: 'a', status, autoDeploymentsEnabled: true })))
          : 'operation',
    });
    const { gateway, blindDeployments } = observeStatuses(stub);

    // A read sent before the resume, answered RUNNING after it: old news, the run knows of its resume.
    const before = gateway.describeService('a');
    await gateway.resumeService('a');
    pending.shift()!('RUNNING');
    await before;
    await gateway.startDeployment('a');
    // Two reads after the deployment: the first sent is retried by the SDK and answered last, RUNNING.
    const retried = gateway.describeService('a');
    const later = gateway.describeService('a');
    pending.pop()!('OPERATION_IN_PROGRESS');
    await later;
    pending.pop()!('RUNNING');
    await retried;
    await gateway.startDeployment('a');

    expect(blindDeployments).toEqual([{ serviceArn: 'a', lastSeen: 'OPERATION_IN_PROGRESS' }]);
  });

  it('catches a service reported unchanged that never reached its target (4)', async () => {
    const claimPaused = (gateway: AppRunnerGateway) =>
      sabotage({
        listServices: async (region) => {
          const scan = await gateway.listServices(region);
          return { ...scan, services: scan.services.map((s) => ({ ...s, status: 'PAUSED' })) };
        },
        describeService: async (arn) => ({ ...(await gateway.describeService(arn)), status: 'PAUSED' }),
      })(gateway);
    harness = await startReliabilityHarness({ wrapGateway: claimPaused });
    harness.emulator.addService({ name: 'still-running', tags: OFFICE_HOURS });

    await harness.run({ action: 'pause', tags: OFFICE_HOURS });

    expect(brokenInvariants(4)).toContain(4);
  });

  it('catches a member account\'s selected service missing from the report (4)', async () => {
    const member = '210987654321';
    const blindInMember = (account: string, gateway: AppRunnerGateway) =>
      account === member ? sabotage({ findTaggedServices: () => Promise.resolve(new Map()) })(gateway) : gateway;
    harness = await startReliabilityHarness({ members: { wrapGateway: blindInMember } });
    harness.emulator.addRole(member);
    harness.emulator.addService({ name: 'member-service', account: member, tags: OFFICE_HOURS });

    const run = await harness.run({ action: 'pause', tags: OFFICE_HOURS, accounts: [member] });

    expect(run.report.services).toEqual([]);
    expect(brokenInvariants(4)).toContain(4);
  });

  it('catches a retry that deploys a second time (5)', async () => {
    // The run's last marker write (the deployment's id) fails, so the run fails and is retried.
    const failLastMarkerWrite = (gateway: AppRunnerGateway) =>
      sabotage({
        listRecentOperations: () => Promise.resolve([]),
        startDeployment: async (target) => {
          const id = await gateway.startDeployment(target);
          harness.emulator.injectFault({ kind: 'internal', operation: 'TagResource', serviceArn: target, times: 4 });
          return id;
        },
      })(gateway);
    harness = await startReliabilityHarness({ wrapGateway: failLastMarkerWrite });
    harness.emulator.addService({ name: 'deployed-twice', status: 'PAUSED', tags: MARKED_PAUSED });
    const resume = { action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'always' };

    await harness.run(resume);
    await harness.emulator.settled();
    const retry = await harness.run(resume);

    expect(brokenInvariants(5, [retry])).toContain(5);
  });

  it('catches a savings figure made from a size App Runner does not have (6)', async () => {
    const inflate = (gateway: AppRunnerGateway) =>
      sabotage({ describeAutoScalingConfiguration: async (arn) => ({ ...(await gateway.describeAutoScalingConfiguration(arn)), minSize: 3 }) })(gateway);
    harness = await startReliabilityHarness({ wrapGateway: inflate });
    harness.emulator.addService({ name: 'one-instance', status: 'PAUSED', tags: MARKED_PAUSED });

    await harness.run({ action: 'resume', tags: OFFICE_HOURS });

    expect(brokenInvariants(6)).toContain(6);
  });
});
