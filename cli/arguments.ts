/**
 * Reads the command line into a command, with Node's `util.parseArgs`. Pure: nothing is called. Every
 * bad argument is a problem naming the argument, the value received and what is accepted; values
 * the event contract knows (regions, tags, time zones, deploy policies) are checked by the contract
 * itself, so that the command line accepts exactly what the function does.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ACTIONS, DEPLOY_POLICIES, eventProblems, parseServiceArn, type Action, type DeployPolicy, type SchedulerEvent } from '../contract/event';
import { ProblemList, type FieldProblem } from '../contract/problems';
import { DURATION_FORMAT, isoDuration, parseDuration, parseUntil, UNTIL_FORMAT } from './when';

/** The commands, as typed after `cdk-apprunner-scheduler`. */
export const COMMANDS = ['status', 'plan', 'pause', 'resume', 'snooze', 'wake'] as const;

/** One of `COMMANDS`. */
export type CommandName = (typeof COMMANDS)[number];

/** Which services a command is about, as given: `--services` entries are ARNs or names. */
export interface SelectionArguments {
  readonly tags?: Readonly<Record<string, string>>;
  readonly services?: readonly string[];
  readonly regions?: readonly string[];
}

/** When something ends: after a duration, or at a time read later in the command's time zone. */
export type EndArgument = { readonly kind: 'for'; readonly ms: number } | { readonly kind: 'until'; readonly text: string };

/** A command read from the command line. */
export type Command =
  | { readonly kind: 'help'; readonly topic?: CommandName }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'status';
      readonly selection: SelectionArguments;
      readonly timeZone?: string;
      readonly functionName?: string;
      readonly json: boolean;
    }
  | {
      readonly kind: 'run';
      readonly action: Action;
      readonly dryRun: boolean;
      readonly selection: SelectionArguments;
      readonly deploy?: DeployPolicy;
      readonly until?: EndArgument;
      readonly timeZone?: string;
      readonly functionName?: string;
      readonly json: boolean;
    }
  | OneServiceCommand;

/** `snooze` or `wake`: one service, until when. */
export interface OneServiceCommand {
  readonly kind: 'snooze' | 'wake';
  /** An ARN or a name. */
  readonly service: string;
  readonly end: EndArgument;
  readonly region?: string;
  readonly deploy?: DeployPolicy;
  readonly timeZone?: string;
  readonly functionName?: string;
  readonly json: boolean;
}

/** A command line that cannot be run. Nothing was called. */
export class UsageError extends Error {
  constructor(
    /** Every problem found, one per bad argument. */
    readonly problems: readonly FieldProblem[],
    /** The command whose help applies. */
    readonly command?: CommandName,
  ) {
    super(problems.map((p) => `${p.field}: received ${p.received}; expected ${p.accepted}`).join('\n'));
    this.name = 'UsageError';
  }
}

/** What a service name looks like, for messages. */
const SERVICE_NAME_FORMAT = "an App Runner service ARN, or a service name (4-40 letters, digits, '-' or '_', starting with a letter or digit)";

/** An ARN of the same name, so that the contract's ARN rule checks a name's syntax before any lookup. */
function placeholderArn(name: string): string {
  return `arn:aws:apprunner:us-east-1:000000000000:service/${name}/${'0'.repeat(32)}`;
}

/** True for an App Runner service ARN, or for a string that can be a service name. */
export function isServiceReference(value: string): boolean {
  return value.startsWith('arn:') ? parseServiceArn(value) !== undefined : parseServiceArn(placeholderArn(value)) !== undefined;
}

type Values = Record<string, string | boolean | undefined>;

const SELECTION_OPTIONS = {
  tags: { type: 'string' },
  services: { type: 'string' },
  regions: { type: 'string' },
} as const;
const COMMON_OPTIONS = {
  'time-zone': { type: 'string' },
  function: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const OPTIONS: Record<CommandName, NonNullable<ParseArgsConfig['options']>> = {
  status: { ...SELECTION_OPTIONS, ...COMMON_OPTIONS },
  plan: { ...SELECTION_OPTIONS, ...COMMON_OPTIONS, deploy: { type: 'string' } },
  pause: { ...SELECTION_OPTIONS, ...COMMON_OPTIONS },
  resume: { ...SELECTION_OPTIONS, ...COMMON_OPTIONS, deploy: { type: 'string' }, until: { type: 'string' }, for: { type: 'string' } },
  snooze: { ...COMMON_OPTIONS, until: { type: 'string' }, for: { type: 'string' }, region: { type: 'string' } },
  wake: { ...COMMON_OPTIONS, until: { type: 'string' }, for: { type: 'string' }, region: { type: 'string' }, deploy: { type: 'string' } },
};

/** Where an event field comes from on the command line. */
const FLAG_OF_FIELD: Record<string, string> = {
  services: '--services',
  tags: '--tags',
  timeZone: '--time-zone',
  deployAfterResume: '--deploy',
};

function list(value: string): string[] {
  return value.split(',').map((item) => item.trim());
}

function readTags(problems: ProblemList, value: string): Record<string, string> | undefined {
  const tags: Record<string, string> = {};
  for (const pair of list(value)) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      problems.add('--tags', value, 'key=value pairs separated by commas, e.g. env=dev,team=web');
      return undefined;
    }
    tags[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return tags;
}

function readSelection(problems: ProblemList, values: Values): SelectionArguments {
  const tags = typeof values.tags === 'string' ? readTags(problems, values.tags) : undefined;
  const services = typeof values.services === 'string' ? list(values.services) : undefined;
  services?.forEach((service, i) => {
    if (!isServiceReference(service)) problems.add(`--services[${i}]`, service, SERVICE_NAME_FORMAT);
  });
  const regions = typeof values.regions === 'string' ? list(values.regions) : undefined;
  return { tags, services, regions };
}

/**
 * Checks the values the event contract knows, through the contract: regions (as tag selection takes
 * them), tags, the time zone and the deploy policy. Names in `--services` were checked above.
 */
function checkWithContract(
  problems: ProblemList,
  selection: SelectionArguments,
  fields: Partial<SchedulerEvent>,
  regionsFlag: string,
  until?: { readonly flag: string; readonly duration: string },
): void {
  const event = {
    action: until ? 'resume' : 'pause',
    ...(until ? { until: until.duration } : {}),
    services: [placeholderArn('validation')],
    tags: selection.tags ?? (selection.regions ? { 'apprunner-scheduler:cli': 'validation' } : undefined),
    regions: selection.regions,
    ...fields,
  };
  for (const problem of eventProblems(event, { defaultRegion: 'us-east-1' })) {
    const field = problem.field.split(/[[.]/)[0];
    const flag = field === 'regions' ? regionsFlag : field === 'until' ? until?.flag : FLAG_OF_FIELD[field];
    if (flag) problems.include([{ ...problem, field: flag }]);
  }
}

function readEnd(problems: ProblemList, values: Values, required: boolean): EndArgument | undefined {
  const forText = values.for as string | undefined;
  const untilText = values.until as string | undefined;
  if (forText !== undefined && untilText !== undefined) {
    problems.add('--for', forText, 'either --for or --until, not both');
    return undefined;
  }
  if (forText !== undefined) {
    const ms = parseDuration(forText);
    if (ms === undefined) problems.add('--for', forText, DURATION_FORMAT);
    return ms === undefined ? undefined : { kind: 'for', ms };
  }
  if (untilText !== undefined) {
    if (parseUntil(untilText, 'UTC', new Date(0)) === undefined) problems.add('--until', untilText, UNTIL_FORMAT);
    return { kind: 'until', text: untilText };
  }
  if (required) problems.add('--until', undefined, `--until (${UNTIL_FORMAT}) or --for (${DURATION_FORMAT})`);
  return undefined;
}

/**
 * A `--for` duration as the event's `until`, for the contract to check before anything is called (its
 * limit does not depend on the time); an `--until` time is checked once its time zone is known.
 */
function untilFlag(end: EndArgument | undefined): { readonly flag: string; readonly duration: string } | undefined {
  return end?.kind === 'for' ? { flag: '--for', duration: isoDuration(end.ms) } : undefined;
}

function readDeploy(problems: ProblemList, values: Values): DeployPolicy | undefined {
  const deploy = values.deploy as string | undefined;
  if (deploy !== undefined && !(DEPLOY_POLICIES as readonly string[]).includes(deploy)) {
    problems.add('--deploy', deploy, `one of ${DEPLOY_POLICIES.join(', ')}`);
    return undefined;
  }
  return deploy as DeployPolicy | undefined;
}

function isCommand(value: string | undefined): value is CommandName {
  return (COMMANDS as readonly string[]).includes(value ?? '');
}

/**
 * Reads `argv` (without the node and script paths).
 * @throws UsageError naming every bad argument.
 */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    return { kind: 'help', topic: isCommand(topic) ? topic : undefined };
  }
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (!isCommand(first)) {
    throw new UsageError([{ field: 'command', received: JSON.stringify(first), accepted: `one of ${COMMANDS.join(', ')}, --help or --version` }]);
  }
  const command = first;
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options: OPTIONS[command], allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError([{ field: 'arguments', received: JSON.stringify(rest.join(' ')), accepted: `the options of ${command}: ${(error as Error).message}` }], command);
  }
  const values = parsed.values as Values;
  if (values.help) return { kind: 'help', topic: command };
  const problems = new ProblemList();
  const positionals = parsed.positionals;
  const json = values.json === true;
  const timeZone = values['time-zone'] as string | undefined;
  const functionName = values.function as string | undefined;
  if (functionName !== undefined && functionName.trim() === '') problems.add('--function', functionName, 'a Lambda function name or ARN');
  const deploy = readDeploy(problems, values);

  const fail = () => {
    if (problems.problems.length > 0) throw new UsageError(problems.problems, command);
  };

  if (command === 'status' || command === 'plan' || command === 'pause' || command === 'resume') {
    let action: Action = command === 'resume' ? 'resume' : 'pause';
    let extra = positionals;
    if (command === 'plan') {
      const [planned, ...others] = positionals;
      if (!(ACTIONS as readonly string[]).includes(planned ?? '')) problems.add('action', planned, 'plan pause or plan resume');
      else action = planned as Action;
      extra = others;
    }
    if (extra.length > 0) problems.add('arguments', extra.join(' '), `no further arguments to ${command} (select with --tags, --services and --regions)`);
    const selection = readSelection(problems, values);
    const until = command === 'resume' ? readEnd(problems, values, false) : undefined;
    if (until && functionName === undefined) {
      problems.add(
        values.for !== undefined ? '--for' : '--until',
        values.for ?? values.until,
        'it together with --function NAME: the pause at the end of the wake is run by the deployed function through its schedule group, which a run on this machine cannot arrange',
      );
    }
    checkWithContract(problems, selection, { timeZone, deployAfterResume: deploy }, '--regions', untilFlag(until));
    if (command !== 'status' && !selection.tags && !selection.services) {
      problems.add('--services', undefined, 'a selection: --tags key=value,..., --services ARN-or-name,..., or both');
    }
    fail();
    if (command === 'status') return { kind: 'status', selection, timeZone, functionName, json };
    return { kind: 'run', action, dryRun: command === 'plan', selection, deploy, until, timeZone, functionName, json };
  }

  const [service, ...others] = positionals;
  if (service === undefined) problems.add('service', undefined, SERVICE_NAME_FORMAT);
  else if (!isServiceReference(service)) problems.add('service', service, SERVICE_NAME_FORMAT);
  if (others.length > 0) problems.add('arguments', others.join(' '), `one service only after ${command}`);
  const end = readEnd(problems, values, true);
  const region = values.region as string | undefined;
  checkWithContract(problems, { regions: region === undefined ? undefined : [region] }, { timeZone, deployAfterResume: deploy }, '--region', command === 'wake' ? untilFlag(end) : undefined);
  if (command === 'wake' && functionName === undefined) {
    problems.add('--function', undefined, "the scheduler's function name: a wake is run by the deployed function, which arranges the pause at its end");
  }
  fail();
  return { kind: command, service: service!, end: end!, region, deploy, timeZone, functionName, json };
}
