/**
 * The function role against the engine: the emulator does no IAM, so each configuration's role is
 * synthesized, the handler runs the very event its schedule sends against a fleet that takes every
 * path the run can take (pause, leave, skip, wait, a failed operation, resume, finish a cut-short
 * resume, clear a stale marker, read a resumed service's auto scaling configuration for its savings,
 * the Region's default one and one of its own), and each call in the emulator's log is evaluated against the role's
 * statements: action, resource and conditions. A role missing a call the engine makes fails here,
 * and so does a role allowing an App Runner call that none of these runs makes.
 */
import { App, Stack, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AppRunnerScheduler, DeployAfterResume, type AppRunnerSchedulerProps } from '../../lib';
import { MARKER_TAG_KEY, SKIP_TAG_KEY } from '../../contract/scheduler-tags';
import type { AppRunnerEmulator, CallRecord } from '../../emulator/app-runner-emulator';
import { RunFailedError } from '../../lambda/errors';
import type { RunReport } from '../../lambda/report';
import {
  MARKED_PAUSED,
  MARKED_RESUMED,
  OFFICE_HOURS,
  REGION,
  emulatorGateway,
  harnessHandler,
  outcomeOf,
  startHarness,
  withOverrides,
  type ScheduledHarness,
  type SchedulerHarness,
} from '../support/scheduler-harness';
import { ScaledClock, instantOf } from '../support/scaled-clock';
import { scheduleInput } from './fixtures';

const ACCOUNT = '123456789012';

/** What CloudFormation puts in for the pseudo parameters the role refers to, in the emulator's account and region. */
const PSEUDO_PARAMETERS: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': ACCOUNT, 'AWS::Region': REGION };

interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** The values a call gives IAM's condition keys. */
interface RequestContext {
  readonly action: string;
  readonly resource: string;
  readonly region?: string;
  readonly resourceTags: Readonly<Record<string, string>>;
  readonly requestTagKeys: readonly string[];
  /** For iam:PassRole, the service the role is passed to. */
  readonly passedToService?: string;
}

/** The ARN a role of the template gets here, from its logical id. */
function roleArnOf(logicalId: string): string {
  return `arn:aws:iam::${ACCOUNT}:role/${logicalId}`;
}

/** Resolves the intrinsics a function role holds (Ref to a pseudo parameter, Fn::Join). */
function resolve(value: unknown, template?: Template): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, template));
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('Ref' in object) {
      const resolved = PSEUDO_PARAMETERS[object.Ref as string];
      if (resolved === undefined) throw new Error(`cannot resolve Ref ${String(object.Ref)}`);
      return resolved;
    }
    if ('Fn::GetAtt' in object) {
      // The ARN of a role (the schedules', which the function may pass) or of the dead-letter queue.
      const [logicalId, attribute] = object['Fn::GetAtt'] as [string, string];
      if (attribute !== 'Arn') throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attribute}`);
      const type = template?.toJSON().Resources?.[logicalId]?.Type as string | undefined;
      return type === 'AWS::SQS::Queue' ? `arn:aws:sqs:${REGION}:${ACCOUNT}:${logicalId}` : roleArnOf(logicalId);
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => resolve(part, template)).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolve(inner, template)]));
  }
  return value;
}

/** The function role's statements, resolved. */
function functionRoleStatements(template: Template): Statement[] {
  const role = Object.values(template.findResources('AWS::IAM::Role')).find((r) =>
    JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'),
  )!;
  return resolve(role.Properties.Policies[0].PolicyDocument.Statement) as Statement[];
}

const list = (value: string | string[]) => (typeof value === 'string' ? [value] : value);
const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/** A single-valued condition key's value for the call; throws on a key this evaluator does not know, so nothing passes unread. */
function contextValue(key: string, context: RequestContext): string | undefined {
  if (key === 'aws:RequestedRegion') return context.region;
  if (key === 'iam:PassedToService') return context.passedToService;
  if (key.startsWith('aws:ResourceTag/')) return context.resourceTags[key.slice('aws:ResourceTag/'.length)];
  throw new Error(`unknown condition key ${key}`);
}

function conditionsHold(condition: Statement['Condition'], context: RequestContext): boolean {
  return Object.entries(condition ?? {}).every(([operator, entries]) =>
    Object.entries(entries).every(([key, expected]) => {
      const accepted = list(expected);
      if (operator === 'StringEquals') {
        const actual = contextValue(key, context);
        return actual !== undefined && accepted.includes(actual);
      }
      if (operator === 'ForAllValues:StringEquals' && key === 'aws:TagKeys') return context.requestTagKeys.every((k) => accepted.includes(k));
      throw new Error(`unknown condition ${operator} on ${key}`);
    }),
  );
}

function allows(statements: Statement[], context: RequestContext): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      list(s.Action).includes(context.action) &&
      list(s.Resource).some((pattern) => glob(pattern).test(context.resource)) &&
      conditionsHold(s.Condition, context),
  );
}

const IAM_PREFIXES: Readonly<Record<string, string>> = { ResourceGroupsTaggingAPI: 'tag', Scheduler: 'scheduler', AppRunner: 'apprunner' };

/** The IAM action of a logged call, and what its request gives the condition keys. */
function requestContext(call: CallRecord, emulator: AppRunnerEmulator): RequestContext {
  const input = call.input as { Tags?: { Key: string }[]; TagKeys?: string[] };
  return {
    action: `${IAM_PREFIXES[call.api ?? 'AppRunner']}:${call.operation}`,
    resource: call.targetArn ?? '*',
    region: call.region,
    // The selector tags never change in these runs, so the service's tags now are the ones IAM saw.
    resourceTags: call.targetArn && emulator.hasService(call.targetArn) ? emulator.service(call.targetArn).tags : {},
    requestTagKeys: call.operation === 'TagResource' ? (input.Tags ?? []).map((t) => t.Key) : (input.TagKeys ?? []),
  };
}

type Selection = 'tags' | 'listed ARNs';
type Run = 'pause' | 'resume';

/**
 * A fleet for a run of `action`: one service per path the run can take, all carrying the selector
 * tag, and a production service the tag selection must not touch, after enough others that a region
 * walk is longer than the run's waits and a short walk for listed ARNs (a page per ARN) leaves the
 * fleet out: the run then describes services one by one, as it does in a large account.
 */
function addFleet(emulator: AppRunnerEmulator, action: Run): string[] {
  const add = (name: string, status: 'RUNNING' | 'PAUSED', tags: Record<string, string>) => emulator.addService({ name, status, tags });
  // ListServices returns services in creation order: these come first, so a short walk misses the fleet.
  for (let i = 0; i < 130; i += 1) add(`other-${String(i).padStart(3, '0')}`, 'RUNNING', {});
  const fleet =
    action === 'pause'
      ? [
          add('to-pause', 'RUNNING', OFFICE_HOURS),
          add('paused-by-us', 'PAUSED', MARKED_PAUSED),
          add('paused-by-hand', 'PAUSED', OFFICE_HOURS),
          add('opted-out', 'RUNNING', { ...OFFICE_HOURS, [SKIP_TAG_KEY]: 'true' }),
          add('deploying', 'RUNNING', OFFICE_HOURS),
          add('pause-fails', 'RUNNING', OFFICE_HOURS),
        ]
      : [
          add('to-resume', 'PAUSED', MARKED_PAUSED),
          add('cut-short', 'RUNNING', MARKED_RESUMED),
          add('stale-marker', 'RUNNING', MARKED_PAUSED),
          add('paused-by-hand', 'PAUSED', OFFICE_HOURS),
          add('resume-fails', 'PAUSED', MARKED_PAUSED),
          emulator.addService({
            name: 'own-scaling',
            status: 'PAUSED',
            tags: MARKED_PAUSED,
            autoScalingConfigurationArn: emulator.addAutoScalingConfiguration({ name: 'two-warm', minSize: 2 }),
          }),
        ];
  if (action === 'pause') {
    emulator.deployByHand(fleet[4]);
    emulator.failNextOperation(fleet[5], 'PAUSE_SERVICE');
  } else {
    emulator.failNextOperation(fleet[4], 'RESUME_SERVICE');
  }
  add('production', 'RUNNING', { env: 'prod' });
  return fleet;
}

function schedulerProps(selection: Selection, fleet: string[], action: Run, deployAfterResume: DeployAfterResume, dryRun: boolean): AppRunnerSchedulerProps {
  return {
    ...(selection === 'tags' ? { tags: OFFICE_HOURS } : { services: fleet }),
    ...(action === 'pause' ? { pauseAt: '19:00' } : { resumeAt: '07:00' }),
    deployAfterResume,
    dryRun,
  };
}

const CONFIGURATIONS = (['tags', 'listed ARNs'] as const).flatMap((selection) =>
  (['pause', 'resume'] as const).flatMap((action) =>
    [DeployAfterResume.NEVER, DeployAfterResume.AUTO, DeployAfterResume.ALWAYS].flatMap((policy) =>
      [false, true].map((dryRun) => [selection, action, policy, dryRun] as [Selection, Run, DeployAfterResume, boolean]),
    ),
  ),
);

describe('the role of each configuration allows every call its runs make, and no App Runner call they do not make', () => {
  let harness: SchedulerHarness;

  beforeEach(async () => {
    harness = await startHarness();
  });

  afterEach(() => harness.close());

  test.each(CONFIGURATIONS)('%s, %s-only scheduler, deployAfterResume %s, dryRun %s', async (selection, action, policy, dryRun) => {
    // GIVEN
    const { emulator, invoke } = harness;
    const fleet = addFleet(emulator, action);
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
    new AppRunnerScheduler(stack, 'Scheduler', schedulerProps(selection, fleet, action, policy, dryRun));
    const template = Template.fromStack(stack);
    const statements = functionRoleStatements(template);

    // WHEN
    const outcome = await invoke(scheduleInput(template, action)).catch((error: unknown) => error);

    // THEN
    // A real run fails for the operation that fails; anything but that report is a crash.
    if (outcome instanceof Error && !(outcome instanceof RunFailedError)) throw outcome;
    const report = outcome instanceof RunFailedError ? outcome.report : (outcome as RunReport);
    expect(outcomeOf(report, fleet[0]).outcome).toBe(dryRun ? 'planned' : 'changed');
    const calls = emulator.calls.map((call) => requestContext(call, emulator));
    expect(calls.filter((call) => !allows(statements, call)).map((c) => `${c.action} on ${c.resource}`)).toEqual([]);
    const called = new Set(calls.map((c) => c.action));
    const allowed = statements.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('apprunner:') || a.startsWith('tag:'));
    expect(allowed.filter((a) => !called.has(a))).toEqual([]);
  });
});

describe('a service that loses its selector tag during a run', () => {
  let harness: SchedulerHarness;

  beforeEach(async () => {
    harness = await startHarness();
  });

  afterEach(() => harness.close());

  it('ends failed in the report, naming the denied call, and the other services are handled', async () => {
    // GIVEN: the role's tag conditions then deny every call on it (the emulator does no IAM: a fault stands in)
    const { emulator } = harness;
    const untagged = emulator.addService({ name: 'untagged-now', tags: OFFICE_HOURS });
    const other = emulator.addService({ name: 'still-tagged', tags: OFFICE_HOURS });
    for (let i = 0; i < 50; i += 1) emulator.addService({ name: `other-${String(i).padStart(3, '0')}` });
    const gateway = emulatorGateway(emulator);
    const invoke = harnessHandler(
      withOverrides(gateway, {
        pauseService: async (arn) => {
          const operationId = await gateway.pauseService(arn);
          if (arn === untagged) {
            emulator.setTags(arn, { [MARKER_TAG_KEY]: emulator.service(arn).tags[MARKER_TAG_KEY] });
            emulator.injectFault({ kind: 'accessDenied', serviceArn: arn, forMs: 60_000 });
          }
          return operationId;
        },
      }),
    );

    // WHEN
    const error = await invoke({ action: 'pause', tags: OFFICE_HOURS }).catch((e: unknown) => e);

    // THEN
    expect(error).toBeInstanceOf(RunFailedError);
    const { report } = error as RunFailedError;
    expect(outcomeOf(report, untagged)).toEqual(expect.objectContaining({ outcome: 'failed', reason: expect.stringContaining('AccessDenied') }));
    expect(outcomeOf(report, other)).toEqual(expect.objectContaining({ outcome: 'changed', statusAfter: 'PAUSED' }));
  });
});

describe('the role of a scheduler that pauses and resumes allows every call of snoozes and wakes that end on their own', () => {
  let harness: ScheduledHarness;

  afterEach(() => harness.close());

  /** A CreateSchedule passes the schedule's role to EventBridge Scheduler: IAM checks iam:PassRole too. */
  function passRoleContexts(calls: readonly CallRecord[]): RequestContext[] {
    return calls
      .filter((call) => call.operation === 'CreateSchedule')
      .map((call) => ({
        action: 'iam:PassRole',
        resource: (call.input as { Target: { RoleArn: string } }).Target.RoleArn,
        resourceTags: {},
        requestTagKeys: [],
        passedToService: 'scheduler.amazonaws.com',
      }));
  }

  test.each<[Selection]>([['tags'], ['listed ARNs']])('%s', async (selection) => {
    // GIVEN: a scheduler pausing at 19:00 and resuming at 07:00 in London, told what its template tells it
    const synth = (props: AppRunnerSchedulerProps) => {
      const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
      new AppRunnerScheduler(stack, 'Scheduler', props);
      return Template.fromStack(stack);
    };
    const hours = { pauseAt: '19:00', resumeAt: '07:00', timeZone: TimeZone.EUROPE_LONDON, deployAfterResume: DeployAfterResume.NEVER };
    // What the function is told does not depend on the selection (names come from the construct's
    // path): the harness's function gets it before the services exist.
    const environmentOf = (template: Template) => {
      const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
      return resolve(fn.Properties.Environment.Variables, template) as Record<string, string>;
    };
    const environment = environmentOf(synth({ ...hours, tags: OFFICE_HOURS }));
    const clock = new ScaledClock({ start: instantOf('2026-12-01T19:00', 'Europe/London'), speed: 60 });
    harness = await startHarness({ scheduling: { clock, groupName: environment.SCHEDULER_GROUP_NAME, environment } });
    const { emulator, invoke } = harness;
    const snoozed = emulator.addService({ name: 'snoozed', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });
    const woken = emulator.addService({ name: 'woken', status: 'PAUSED', tags: MARKED_PAUSED });
    emulator.addService({ name: 'production', tags: { env: 'prod' } });
    const template = synth({ ...hours, ...(selection === 'tags' ? { tags: OFFICE_HOURS } : { services: [snoozed, woken] }) });
    expect(environmentOf(template)).toEqual(environment);
    const statements = functionRoleStatements(template);
    const context = { getRemainingTimeInMillis: () => 600_000, invokedFunctionArn: harness.functionArn };

    // WHEN: the evening pause snoozes one, a wake at 21:00 resumes the other for an hour, and both ends fire
    await invoke(scheduleInput(template, 'pause'), context);
    await harness.jumpTo('2026-12-01T21:00', 'Europe/London');
    await invoke({ ...(scheduleInput(template, 'resume') as object), until: 'PT1H' }, context);
    await harness.jumpTo('2026-12-01T22:30', 'Europe/London');

    // THEN
    expect(emulator.services().filter((s) => s.name !== 'production').map((s) => [s.name, s.status])).toEqual([
      ['snoozed', 'PAUSED'],
      ['woken', 'PAUSED'],
    ]);
    expect(harness.created().map((s) => s.name.split('-')[0])).toEqual(['snooze', 'wake']);
    const calls = [...emulator.calls.map((call) => requestContext(call, emulator)), ...passRoleContexts(emulator.calls)];
    expect(calls.filter((call) => !allows(statements, call)).map((c) => `${c.action} on ${c.resource}`)).toEqual([]);
    expect(calls.map((c) => c.action)).toEqual(expect.arrayContaining(['scheduler:CreateSchedule', 'iam:PassRole', 'apprunner:UntagResource']));
  });
});
