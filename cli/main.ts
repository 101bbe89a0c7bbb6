/**
 * The command line `cdk-apprunner-scheduler`: reads the arguments, calls AWS with the caller's
 * credentials (or the deployed function), and prints. `main` runs in-process with the environment
 * and the streams it is given, so tests drive it against the emulator exactly as the bin runs.
 */
import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { SdkAppRunnerGateway, type AppRunnerGateway } from '../lambda/app-runner';
import { runFailed, type RunReport } from '../lambda/report';
import { runScheduler } from '../lambda/run';
import { selectServices, type SelectedService } from '../lambda/select';
import { DEFAULT_POLL, type PollSettings } from '../lambda/status-watcher';
import { errorMessage } from '../lambda/errors';
import { eventProblems, parseEvent, LIMITS, type SchedulerEvent } from '../contract/event';
import { SKIP_TAG_KEY } from '../contract/scheduler-tags';
import { COMMANDS, parseCommandLine, UsageError, type Command, type CommandName, type EndArgument, type OneServiceCommand, type SelectionArguments } from './arguments';
import { awsSettings, type AwsSettings, type Environment } from './aws-environment';
import { SdkDeployedFunction, type DeployedFunction, type InvocationResult } from './deployed-function';
import { HELP } from './help';
import { outcomesText, reportText, table, type OutputStream } from './output';
import { ProgressLine, progressText } from './progress-line';
import { resolveServices, ServiceLookupError } from './service-lookup';
import { hoursStatus, hoursText, scheduleCell, serviceStatus, statusCells, STATUS_HEADERS, type ServiceStatus } from './service-status';
import { endAfter, formatElapsed, formatLocal, isoDuration, parseUntil, tagTimestamp } from './when';
import { officeHoursAt, parseOfficeHours, SCHEDULER_HOURS_ENV, type OfficeHours } from '../contract/office-hours';
import { SCHEDULER_SCHEDULES_ENV } from '../contract/function-environment';
import { parseSchedules, type Schedules } from '../contract/schedules';
import { version } from '../package.json';

/** What `main` runs with; the bin passes the process's own. */
export interface CliDependencies {
  readonly env: Environment;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** The clock, in epoch ms. @default Date.now */
  readonly clock?: () => number;
  /** Status polling of runs made here. @default DEFAULT_POLL */
  readonly poll?: PollSettings;
}

/** Exit codes. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * How long a pause or resume run made here may wait for App Runner before it reports what is
 * unfinished as failed: what the deployed function gets (15 minutes, less its 30 s safety margin).
 */
export const LOCAL_RUN_BUDGET_MS = 870_000;

/** Runs the command line; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], dependencies: CliDependencies): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    const usage = error as UsageError;
    return usageFailure(usage.message, usage.command, dependencies.stderr);
  }
  try {
    return await new Cli(dependencies).run(command);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error.message, error.command, dependencies.stderr);
    if (error instanceof ServiceLookupError) return usageFailure(error.message, commandOf(argv), dependencies.stderr);
    dependencies.stderr.write(`cdk-apprunner-scheduler: ${errorMessage(error)}\n`);
    return EXIT.failed;
  }
}

function untilFlagOf(end: EndArgument | undefined): string | undefined {
  return end && (end.kind === 'for' ? '--for' : '--until');
}

function commandOf(argv: readonly string[]): CommandName | undefined {
  return (COMMANDS as readonly string[]).includes(argv[0]) ? (argv[0] as CommandName) : undefined;
}

function usageFailure(message: string, command: CommandName | undefined, stderr: OutputStream): number {
  const name = `cdk-apprunner-scheduler${command ? ` ${command}` : ''}`;
  stderr.write(`${name}: ${message}\nNothing was changed. See ${name} --help.\n`);
  return EXIT.usage;
}

/** What the function's configuration tells: the hours it was deployed with, when it knows them, and its named schedules. */
interface DeployedSettings {
  readonly hours?: OfficeHours;
  readonly timeZone?: string;
  readonly holidays: readonly string[];
  /** Its named schedules (`SCHEDULER_SCHEDULES`), when it has any. */
  readonly schedules?: Schedules;
}

class Cli {
  private readonly settings: AwsSettings;
  private readonly clock: () => number;
  private region?: string | null;

  constructor(private readonly dependencies: CliDependencies) {
    this.settings = awsSettings(dependencies.env);
    this.clock = dependencies.clock ?? Date.now;
  }

  async run(command: Command): Promise<number> {
    switch (command.kind) {
      case 'help':
        this.out(HELP[command.topic ?? 'top']);
        return EXIT.ok;
      case 'version':
        this.out(`${version}\n`);
        return EXIT.ok;
      case 'status':
        return this.status(command);
      case 'run':
        return this.runAction(command);
      case 'snooze':
        return this.snooze(command);
      case 'wake':
        return this.wake(command);
    }
  }

  private out(text: string): void {
    this.dependencies.stdout.write(text);
  }

  private now(): Date {
    return new Date(this.clock());
  }

  /** The region from the environment, else the profile's config; undefined when neither says. */
  private async defaultRegion(): Promise<string | undefined> {
    if (this.region === undefined) {
      this.region = this.settings.region ?? null;
      if (!this.region) {
        try {
          this.region = await new AppRunnerClient({ ...(this.settings.profile ? { profile: this.settings.profile } : {}) }).config.region();
        } catch {
          this.region = null;
        }
      }
    }
    return this.region ?? undefined;
  }

  private async regionsFor(command: CommandName, argument: string, regions: readonly string[] | undefined): Promise<string[]> {
    if (regions) return [...regions];
    const region = await this.defaultRegion();
    if (!region) {
      throw new UsageError([{ field: argument, received: 'no region', accepted: 'a region: set AWS_REGION (or a region in your AWS profile), or pass it as an argument' }], command);
    }
    return [region];
  }

  private gateway(): AppRunnerGateway {
    return new SdkAppRunnerGateway({
      credentials: this.settings.credentials,
      profile: this.settings.profile,
      endpoint: this.settings.endpoint('APPRUNNER'),
      taggingEndpoint: this.settings.endpoint('RESOURCE_GROUPS_TAGGING_API'),
    });
  }

  private deployedFunction(name: string): DeployedFunction {
    return new SdkDeployedFunction(name, this.settings, this.functionRegion(name));
  }

  /** The function's region: the one its ARN names, else the configured one. */
  private functionRegion(name: string): string | undefined {
    const arnRegion = name.startsWith('arn:') ? name.split(':')[3] : undefined;
    return arnRegion || this.settings.region;
  }

  /** The deployed hours, from the function's `SCHEDULER_HOURS` (a function deployed before it has none), and its named schedules. */
  private async deployedSettings(fn: DeployedFunction): Promise<DeployedSettings> {
    const { environment } = await fn.configuration();
    const read = <T>(name: string, parse: (json: string) => T): T | undefined => {
      const raw = environment[name];
      if (raw === undefined) return undefined;
      try {
        return parse(raw);
      } catch (error) {
        throw new Error(`the function ${fn.name}: ${errorMessage(error)}`, { cause: error });
      }
    };
    const hours = read(SCHEDULER_HOURS_ENV, parseOfficeHours);
    const schedules = read(SCHEDULER_SCHEDULES_ENV, parseSchedules);
    return {
      ...(hours ? { hours, timeZone: hours.pause.timeZone } : {}),
      holidays: hours?.holidays ?? [],
      ...(schedules ? { schedules } : {}),
    };
  }

  /** The zone: --time-zone, else the deployed one, else TZ, else this machine's. */
  private zoneOf(given: string | undefined, deployed: DeployedSettings | undefined): string {
    return given ?? deployed?.timeZone ?? this.dependencies.env.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  /** The event a selection makes, with names resolved to ARNs. */
  private async selectionEvent(command: CommandName, selection: SelectionArguments, gateway: AppRunnerGateway): Promise<Pick<SchedulerEvent, 'services' | 'tags' | 'regions'>> {
    const services = selection.services
      ? await resolveServices(selection.services, await this.regionsFor(command, '--regions', selection.regions), gateway, '--services')
      : undefined;
    return {
      ...(services ? { services } : {}),
      ...(selection.tags ? { tags: { ...selection.tags } } : {}),
      ...(selection.tags && selection.regions ? { regions: [...selection.regions] } : {}),
    };
  }

  private async status(command: Extract<Command, { kind: 'status' }>): Promise<number> {
    const deployed = command.functionName ? await this.deployedSettings(this.deployedFunction(command.functionName)) : undefined;
    const timeZone = this.zoneOf(command.timeZone, deployed);
    const gateway = this.gateway();
    const now = this.now();
    const { selection } = command;
    const regions = await this.regionsFor('status', '--regions', selection.regions);
    let selected: SelectedService[] = [];
    const unreadable: string[] = [];
    const collect = async (event: SchedulerEvent) => {
      const found = await selectServices(parseEvent(event, { defaultRegion: regions[0], now: this.clock() }), gateway);
      selected.push(...found.services);
      for (const u of found.unreadable) unreadable.push(`${u.arn}: ${errorMessage(u.error)}`);
      for (const r of found.unlistedRegions) unreadable.push(`${r.region}: ${errorMessage(r.error)}`);
    };
    if (selection.tags || selection.services) {
      await collect({ action: 'pause', ...(await this.selectionEvent('status', selection, gateway)), ...(selection.tags ? { regions } : {}) });
    } else {
      for (const region of regions) {
        const arns = (await gateway.listServices(region)).services.map((s) => s.arn);
        for (let i = 0; i < arns.length; i += LIMITS.services) await collect({ action: 'pause', services: arns.slice(i, i + LIMITS.services) });
      }
    }
    selected = selected.sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
    const schedules = deployed?.schedules;
    const lines: ServiceStatus[] = selected.map((s) => serviceStatus(s, { now, timeZone, holidays: deployed?.holidays ?? [], ...(schedules ? { schedules, home: { region: this.functionRegion(command.functionName!) } } : {}) }));
    const hours = deployed?.hours ? hoursStatus(officeHoursAt(deployed.hours, now)) : undefined;
    if (command.json) {
      this.out(`${JSON.stringify({ at: now.toISOString(), timeZone, ...(hours ? { hours } : {}), services: lines, unreadable }, null, 2)}\n`);
    } else {
      this.out(`${formatLocal(now, timeZone)} ${timeZone}${hours ? `: ${hoursText(hours, timeZone)}` : ''}\n`);
      // The SCHEDULE column only for a function with named schedules: every service follows its one schedule otherwise.
      const headers = schedules ? [...STATUS_HEADERS, 'SCHEDULE'] : STATUS_HEADERS;
      const rows = lines.map((l) => (schedules ? [...statusCells(l, timeZone), scheduleCell(l)] : statusCells(l, timeZone)));
      this.out(lines.length > 0 ? table(headers, rows) : 'no service selected\n');
      for (const u of unreadable) this.out(`could not read: ${u}\n`);
    }
    return unreadable.length > 0 ? EXIT.failed : EXIT.ok;
  }

  private async runAction(command: Extract<Command, { kind: 'run' }>): Promise<number> {
    const fn = command.functionName ? this.deployedFunction(command.functionName) : undefined;
    const deployed = fn ? await this.deployedSettings(fn) : undefined;
    const timeZone = this.zoneOf(command.timeZone, deployed);
    const gateway = this.gateway();
    const event: SchedulerEvent & { readonly timeZone: string } = {
      action: command.action,
      ...(await this.selectionEvent(command.dryRun ? 'plan' : command.action, command.selection, gateway)),
      timeZone,
      ...(deployed && deployed.holidays.length > 0 ? { holidays: [...deployed.holidays] } : {}),
      ...(command.deploy ? { deployAfterResume: command.deploy } : {}),
      ...(command.dryRun ? { dryRun: true } : {}),
      ...(command.until ? { until: this.untilField(command.until, timeZone) } : {}),
    };
    const verb = command.dryRun ? `planning the ${command.action} of` : command.action === 'pause' ? 'pausing' : 'resuming';
    if (fn) return this.invoke(fn, event, command.dryRun ? 'plan' : command.action, verb, command.json, untilFlagOf(command.until));
    const request = parseEvent(event, { defaultRegion: await this.defaultRegion(), now: this.clock() });
    const line = new ProgressLine(this.dependencies.stderr, this.dependencies.stderr.isTTY === true && !command.json);
    const startedAt = this.clock();
    let report: RunReport;
    try {
      report = await runScheduler(request, {
        gateway,
        deadline: startedAt + LOCAL_RUN_BUDGET_MS,
        poll: this.dependencies.poll ?? DEFAULT_POLL,
        clock: this.clock,
        onProgress: (progress) => line.show(() => progressText(verb, progress, this.clock() - startedAt)),
      });
    } finally {
      line.stop();
    }
    return this.printReport(report, command.json, timeZone);
  }

  /** The event's `until`: an ISO-8601 duration for --for, an exact date-time with its offset for --until. */
  private untilField(end: EndArgument, timeZone: string): string {
    return end.kind === 'for' ? isoDuration(end.ms) : tagTimestamp(parseUntil(end.text, timeZone, this.now())!, timeZone);
  }

  private printReport(report: RunReport, json: boolean, timeZone: string): number {
    this.out(json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report, timeZone));
    return runFailed(report) ? EXIT.failed : EXIT.ok;
  }

  /** Checks an event with the contract, invokes the function, prints what it came to. */
  private async invoke(fn: DeployedFunction, event: SchedulerEvent & { readonly timeZone: string }, command: CommandName, verb: string, json: boolean, untilFlag?: string): Promise<number> {
    const problems = eventProblems(event, { defaultRegion: (await this.defaultRegion()) ?? 'us-east-1', now: this.clock() });
    if (problems.length > 0) {
      throw new UsageError(problems.map((p) => ({ ...p, field: p.field === 'until' && untilFlag ? untilFlag : `the event's ${p.field}` })), command);
    }
    const line = new ProgressLine(this.dependencies.stderr, this.dependencies.stderr.isTTY === true && !json);
    const startedAt = this.clock();
    let result: InvocationResult;
    try {
      line.show(() => `${verb} through the function ${fn.name}: waiting for its run, ${formatElapsed(this.clock() - startedAt)}`);
      result = await fn.invoke(event);
    } finally {
      line.stop();
    }
    if (result.ok) return this.printReport(result.report, json, event.timeZone);
    // A failed run's Invoke answer is Lambda's error alone: the outcomes are the ones its message carries.
    if (result.report) this.printReport(result.report, json, event.timeZone);
    else if (json) this.out(`${JSON.stringify({ errorType: result.errorType, errorMessage: result.errorMessage, ...(result.outcomes ? { outcomes: result.outcomes } : {}) }, null, 2)}\n`);
    else if (result.outcomes) this.out(outcomesText(result.outcomes));
    this.dependencies.stderr.write(`cdk-apprunner-scheduler: the function ${fn.name} failed: ${result.errorType}: ${result.errorMessage}\n`);
    return EXIT.failed;
  }

  private async oneService(command: OneServiceCommand, gateway: AppRunnerGateway): Promise<string> {
    const regions = command.service.startsWith('arn:') ? [] : await this.regionsFor(command.kind, '--region', command.region ? [command.region] : undefined);
    const [arn] = await resolveServices([command.service], regions, gateway, 'service');
    return arn;
  }

  private async snooze(command: OneServiceCommand): Promise<number> {
    const fn = command.functionName ? this.deployedFunction(command.functionName) : undefined;
    const deployed = fn ? await this.deployedSettings(fn) : undefined;
    const timeZone = this.zoneOf(command.timeZone, deployed);
    const now = this.now();
    const until = command.end.kind === 'for' ? endAfter(now, command.end.ms) : parseUntil(command.end.text, timeZone, now)!;
    if (until.getTime() <= now.getTime()) {
      throw new UsageError(
        [{ field: '--until', received: JSON.stringify((command.end as { text: string }).text), accepted: `a time after now (${formatLocal(now, timeZone)} ${timeZone})` }],
        'snooze',
      );
    }
    const gateway = this.gateway();
    const arn = await this.oneService(command, gateway);
    const value = tagTimestamp(until, timeZone);
    await gateway.tagService(arn, SKIP_TAG_KEY, value);
    const name = arn.split('/')[1];
    const said = `${name} snoozed until ${formatLocal(until, timeZone)} (${timeZone}): ${SKIP_TAG_KEY}=${value}`;
    if (!fn) {
      if (command.json) this.out(`${JSON.stringify({ serviceArn: arn, skip: value, until: until.toISOString() }, null, 2)}\n`);
      else this.out(`${said}\nPause runs skip it until then; the first scheduled pause run after that pauses it (with --function, the function arranges a pause at its end).\n`);
      return EXIT.ok;
    }
    if (!command.json) this.out(`${said}\n`);
    return this.invoke(fn, { action: 'pause', services: [arn], timeZone }, 'snooze', 'arranging the pause', command.json);
  }

  private async wake(command: OneServiceCommand): Promise<number> {
    const fn = this.deployedFunction(command.functionName!);
    const deployed = await this.deployedSettings(fn);
    const timeZone = this.zoneOf(command.timeZone, deployed);
    const gateway = this.gateway();
    const arn = await this.oneService(command, gateway);
    const event: SchedulerEvent & { readonly timeZone: string } = {
      action: 'resume',
      services: [arn],
      timeZone,
      until: this.untilField(command.end, timeZone),
      ...(command.deploy ? { deployAfterResume: command.deploy } : {}),
    };
    return this.invoke(fn, event, 'wake', 'waking', command.json, untilFlagOf(command.end));
  }
}
