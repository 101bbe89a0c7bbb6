/**
 * The messages a person reads, built from a run report or a deployment outcome: a subject line, a
 * plain-text body for e-mail (with the JSON report beside it) and a custom notification for AWS
 * Chatbot (now Amazon Q Developer in chat applications), which renders it in Slack or Teams. Pure:
 * no SDK, no clock.
 *
 * Chatbot's format (docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html, "Event
 * schema"): `version` must be "1.0", `source` must be "custom", `content.textType` may only be
 * "client-markdown" (rendered in the chat platform's own markdown); `title`, `description`,
 * `nextSteps` and `keywords` are optional content, `metadata` carries `summary`, `eventType`,
 * `relatedResources` and `additionalContext` (string values). Chatbot drops an SNS message that is
 * not in this format. The page as we could read it states no length limits for the fields: the
 * CHAT_LIMITS below are our own conservative bounds (Slack's 3,000 characters of a text block for the
 * description), so that nothing depends on a limit nobody documented.
 */
import type { DeploymentOutcome } from './deployment-outcome';
import { runFigures, type Money, type RunFigures } from './report-figures';
import { selectionFailureTarget, type RunReport, type ServiceOutcome } from './report';

/** SNS accepts a subject of fewer than 100 characters, without line breaks or control characters (Publish API). */
export const SUBJECT_MAX_LENGTH = 99;

/** The bounds a chat notification is kept within (see the module comment). */
export const CHAT_LIMITS = {
  titleLength: 250,
  descriptionLength: 3_000,
  nextSteps: 10,
  nextStepLength: 500,
  keywords: 5,
  keywordLength: 30,
  relatedResources: 10,
} as const;

/** A Chatbot custom notification. */
export interface ChatNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: readonly string[];
    readonly keywords?: readonly string[];
  };
  readonly metadata: {
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources?: readonly string[];
    readonly additionalContext?: Readonly<Record<string, string>>;
  };
}

/** A message for every reader: e-mail gets the subject and the text, chat the Chatbot notification. */
export interface NotificationMessage {
  readonly subject: string;
  /** The e-mail body: what happened, what to do, then the JSON report (or where to find it when too large). */
  readonly text: string;
  readonly chat: ChatNotification;
}

/** Who sends the message. */
export interface MessageContext {
  /** The scheduler's name (SCHEDULER_NAME), which tells two schedulers' messages apart. */
  readonly schedulerName: string;
  /** Most bytes the e-mail body takes in the SNS message; past it the JSON report is left out and the log named instead. @default TEXT_MAX_BYTES */
  readonly textMaxBytes?: number;
}

/** Most bytes of an e-mail body by default: with the chat copy (a few KB) beside it, well inside SNS's 256 KB message. */
export const TEXT_MAX_BYTES = 200_000;

/** A service the text lists at most this many of per section; the rest are counted. */
const LIST_MAX = 200;

// ---------------------------------------------------------------------------------------------
// Run messages

/** The message of a finished run. */
export function runMessage(report: RunReport, context: MessageContext): NotificationMessage {
  const figures = runFigures(report);
  const headline = runHeadline(report, figures);
  const subject = subjectLine(headline, context.schedulerName);
  const steps = report.services.filter((s) => s.outcome === 'failed').map((s) => ({ service: s, step: failureNextStep(s, report) }));
  const selectionSteps = report.selectionFailures.map(
    (f) =>
      `${selectionFailureTarget(f)}: ${f.reason}. The services selected there were not handled: check the function's access (tag:GetResources${f.account === undefined ? '' : ', and the member role of that account'}) to that region, then run again.`,
  );
  const text = boundedText(
    [
      `${headline}.`,
      `Scheduler ${context.schedulerName}, ${report.action} run${report.dryRun ? ' (dry run: nothing was changed)' : ''}, ${report.startedAt} to ${report.finishedAt}.`,
      ...savingsLines(figures),
      '',
      ...sections(report),
      ...(steps.length + selectionSteps.length > 0
        ? ['', 'What to do:', ...steps.map(({ service, step }) => `- ${service.serviceName} (${service.region}): ${service.reason}. ${capitalized(step)}`), ...selectionSteps.map((s) => `- ${s}`)]
        : []),
    ],
    report,
    context.textMaxBytes ?? TEXT_MAX_BYTES,
  );
  const nextSteps = [...steps.map(({ service, step }) => `${service.serviceName}: ${step}`), ...selectionSteps];
  return {
    subject,
    text,
    chat: chatNotification({
      title: `${context.schedulerName}: ${headline}`,
      description: chatDescription(report, figures),
      nextSteps,
      keywords: [report.action, ...(report.dryRun ? ['dry run'] : []), ...(figures.failed + report.selectionFailures.length > 0 ? ['failed'] : []), context.schedulerName],
      summary: subject,
      eventType: report.dryRun ? 'DryRunFinished' : 'RunFinished',
      relatedResources: report.services.filter((s) => s.outcome === 'failed').map((s) => s.serviceArn),
      additionalContext: {
        scheduler: context.schedulerName,
        action: report.action,
        dryRun: String(report.dryRun),
        startedAt: report.startedAt,
        finishedAt: report.finishedAt,
        ...Object.fromEntries(Object.entries(report.counts).map(([outcome, n]) => [outcome, String(n)])),
      },
    }),
  };
}

/** "Resumed 12 services, 1 failed, saved 41.20 USD"; a dry run's speaks in the future. */
export function runHeadline(report: RunReport, figures: RunFigures = runFigures(report)): string {
  const failures = [
    ...(figures.failed > 0 ? [`${figures.failed} failed`] : []),
    ...(report.selectionFailures.length > 0 ? [`${plural(report.selectionFailures.length, 'region')} not listed`] : []),
  ];
  const saved = figures.saved && !report.dryRun ? [`saved ${money(figures.saved)}`] : [];
  const done = report.action === 'pause' ? figures.paused : figures.resumed;
  if (report.dryRun) {
    const verb = report.action === 'pause' ? 'pause' : 'resume';
    const deploy = figures.deployed > 0 ? [`deploy ${figures.deployed}`] : [];
    return ['Dry run: would ' + `${verb} ${plural(done, 'service')}`, ...deploy, ...failures].join(', ');
  }
  if (done === 0 && figures.deployed === 0) {
    return [`${capitalized(report.action)} run changed nothing (${plural(report.services.length, 'service')} selected)`, ...failures].join(', ');
  }
  const verb = report.action === 'pause' ? 'Paused' : 'Resumed';
  const deployed = figures.deployed > 0 ? [`deployed ${figures.deployed}`] : [];
  return [`${verb} ${plural(done, 'service')}`, ...deployed, ...failures, ...saved].join(', ');
}

/**
 * What a person does about a failed service, by what the run got to: a service a pause left
 * running, one a resume left paused, one resumed whose deployment did not start, one still busy,
 * one the run could not read.
 */
export function failureNextStep(service: ServiceOutcome, report: Pick<RunReport, 'action'>): string {
  const where = `--service-arn ${service.serviceArn} --region ${service.region}`;
  if (service.statusBefore === undefined) {
    return `check the ARN in the event: aws apprunner describe-service ${where}`;
  }
  if (service.statusAfter === 'OPERATION_IN_PROGRESS') {
    return `an operation was still in progress when the run stopped waiting; the next run picks it up. To see how it ended: aws apprunner list-operations ${where}`;
  }
  if (report.action === 'pause') {
    if (service.statusAfter === 'PAUSED') return `it is paused; see its latest operations: aws apprunner list-operations ${where}`;
    return `it is still running (and billed). Pause it by hand: aws apprunner pause-service ${where} (a service paused by hand carries no marker, so the next resume run leaves it paused: resume it by hand then)`;
  }
  if (service.statusAfter === 'RUNNING') {
    return `it is running, but its deployment was not started. Start it by hand: aws apprunner start-deployment ${where}`;
  }
  return `it is not running. Resume it by hand: aws apprunner resume-service ${where}`;
}

/** The e-mail's lists: what changed (or would), what was skipped, what stayed as it was. */
function sections(report: RunReport): string[] {
  const future = report.dryRun;
  const changed = report.services.filter((s) => s.outcome === (future ? 'planned' : 'changed'));
  const lines: string[] = [];
  const list = (title: string, services: readonly ServiceOutcome[], line: (s: ServiceOutcome) => string) => {
    if (services.length === 0) return;
    lines.push(`${title} (${services.length}):`, ...services.slice(0, LIST_MAX).map((s) => `- ${line(s)}`));
    if (services.length > LIST_MAX) lines.push(`- and ${services.length - LIST_MAX} more (see the JSON report)`);
  };
  list(future ? 'Would change' : 'Changed', changed, (s) => `${s.serviceName} (${s.region}): ${actionPhrase(s, future)}${serviceSavingsPhrase(s)}`);
  if (future) {
    list('Deployments it would start', changed.filter((s) => s.actions.includes('deploy')), (s) => `${s.serviceName} (${s.region})`);
  }
  list('Failed', report.services.filter((s) => s.outcome === 'failed'), (s) => `${s.serviceName} (${s.region}): ${s.reason}`);
  list('Skipped', report.services.filter((s) => s.outcome === 'skipped'), (s) => `${s.serviceName} (${s.region}): ${s.reason}`);
  list('Left as they were', report.services.filter((s) => s.outcome === 'unchanged'), (s) => `${s.serviceName} (${s.region}): ${s.reason}`);
  return lines;
}

/** "paused", "resumed and deployed (operations a, b)"; in the future for a dry run. */
export function actionPhrase(service: ServiceOutcome, future: boolean): string {
  const past: Record<string, string> = { pause: 'paused', resume: 'resumed', deploy: 'deployed' };
  const verbs = service.actions.map((a) => (future ? a : past[a]));
  const operations = service.operationIds.length > 0 ? ` (operation ${service.operationIds.join(', ')})` : '';
  if (verbs.length === 0) return future ? `would change its marker: ${service.reason}` : service.reason;
  return `${future ? 'would ' : ''}${joinAnd(verbs)}${operations}`;
}

function serviceSavingsPhrase(service: ServiceOutcome): string {
  const savings = service.savings;
  if (!savings) return '';
  const paused = savings.hours === undefined ? '' : ` over ${hours(savings.hours)} paused`;
  switch (savings.status) {
    case 'priced':
      return `; saved ${money(savings)}${paused}`;
    case 'unpriced':
      return `; paused ${hours(savings.hours)}, no saving computed: ${savings.reason}`;
    case 'unknown':
      return `; no savings figure: ${savings.reason}`;
  }
}

function savingsLines(figures: RunFigures): string[] {
  if (!figures.saved && figures.hoursPaused === undefined) return [];
  const parts = [
    ...(figures.saved ? [`Saved ${money(figures.saved)} (at least: the provisioned memory of the paused instances)`] : []),
    ...(figures.hoursPaused !== undefined ? [`${figures.saved ? 'over' : 'Paused'} ${hours(figures.hoursPaused)} of service time`] : []),
  ];
  const missing = [
    ...(figures.unpricedServices ? [`${plural(figures.unpricedServices, 'service')} in a region without a price`] : []),
    ...(figures.unknownSavings ? [`${plural(figures.unknownSavings, 'service')} without a figure`] : []),
  ];
  return [`${parts.join(' ')}${missing.length > 0 ? `; not counted: ${missing.join(', ')}` : ''}.`];
}

/** The chat description: the figures and the changed services, short enough for one chat block. */
function chatDescription(report: RunReport, figures: RunFigures): string {
  const future = report.dryRun;
  const lines = [
    `${capitalized(report.action)} run${future ? ' (dry run: nothing was changed)' : ''}, ${report.startedAt} to ${report.finishedAt}`,
    [
      future
        ? `Would pause ${figures.paused} · would resume ${figures.resumed} · would deploy ${figures.deployed}`
        : `Paused ${figures.paused} · resumed ${figures.resumed} · deployed ${figures.deployed}`,
      `skipped ${figures.skipped} · failed ${figures.failed} · paused now ${figures.pausedNow}`,
    ].join(' · '),
    ...savingsLines(figures),
    ...report.services
      .filter((s) => s.outcome === (future ? 'planned' : 'changed') || s.outcome === 'failed')
      .map((s) => `• \`${s.serviceName}\` (${s.region}): ${s.outcome === 'failed' ? `failed: ${s.reason}` : actionPhrase(s, future)}`),
  ];
  return truncatedLines(lines, CHAT_LIMITS.descriptionLength, (left) => `• and ${left} more: see the e-mail or the function's log`);
}

/** The size a text takes in the SNS message: UTF-8 bytes once JSON-escaped as a value of the structured message. */
export function encodedSize(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}

/** The e-mail body with the JSON report beside it, unless that makes it too large; then the body's lines that fit. */
function boundedText(lines: readonly string[], report: RunReport, maxBytes: number): string {
  const body = lines.join('\n');
  const json = JSON.stringify(report, null, 2);
  const full = `${body}\n\nThe JSON report:\n${json}\n`;
  if (encodedSize(full) <= maxBytes) return full;
  const pointer = `\n\nThe JSON report (${json.length} characters) is too large for this message: it is the "run report" line of the function's log (the dashboard's last reports query finds it).\n`;
  if (encodedSize(body + pointer) <= maxBytes) return body + pointer;
  const kept: string[] = [];
  let size = encodedSize(pointer) + encodedSize('\n… (the rest is in the log)');
  for (const line of lines) {
    size += encodedSize(`${line}\n`) - 2;
    if (size > maxBytes) break;
    kept.push(line);
  }
  return `${kept.join('\n')}\n… (the rest is in the log)${pointer}`;
}

// ---------------------------------------------------------------------------------------------
// Deployment messages

/** What each final deployment status means, and what to do about it. */
function deploymentMeaning(outcome: DeploymentOutcome): { readonly headline: string; readonly meaning: string; readonly steps: readonly string[] } {
  const where = `--service-arn ${outcome.serviceArn} --region ${outcome.region}`;
  const retry = `once the cause is fixed, start it again: aws apprunner start-deployment ${where}`;
  const look = `read why in the service's deployment log (App Runner console, Logs) or: aws apprunner list-operations ${where}`;
  switch (outcome.status) {
    case 'SUCCEEDED':
      return { headline: 'succeeded', meaning: 'the service runs the newly deployed version', steps: [] };
    case 'FAILED':
    case 'ROLLBACK_SUCCEEDED':
      return {
        headline: 'failed and was rolled back',
        meaning: 'the service runs the version from before the pause, not the latest one',
        steps: [look, retry],
      };
    case 'ROLLBACK_IN_PROGRESS':
      return {
        headline: 'failed and is being rolled back',
        meaning: 'the service returns to the version from before the pause, not the latest one',
        steps: [look, retry],
      };
    case 'ROLLBACK_FAILED':
      return {
        headline: 'failed, and so did its rollback',
        meaning: 'the service may not be serving; check it now',
        steps: [`check the service: aws apprunner describe-service ${where}`, look, retry],
      };
    default:
      return {
        headline: `ended ${outcome.status}`,
        meaning: 'a status the scheduler does not know: check the service',
        steps: [`check the service: aws apprunner describe-service ${where}`, look],
      };
  }
}

/** The message of a deployment the scheduler started after a resume, once App Runner reports its end. */
export function deploymentMessage(outcome: DeploymentOutcome, context: MessageContext): NotificationMessage {
  const { headline, meaning, steps } = deploymentMeaning(outcome);
  const ours = outcome.attribution === 'scheduler';
  const title = `${ours ? 'Deployment after resume' : 'Deployment'} ${headline}: ${outcome.serviceName}`;
  const subject = subjectLine(title, context.schedulerName);
  const operation = `operation ${outcome.operationId ?? 'not known'}, status ${outcome.status}`;
  const detail = ours
    ? `The deployment the scheduler ${context.schedulerName} started after resuming ${outcome.serviceName} (${outcome.region}) ${headline} (${operation}): ${meaning}.`
    : `A deployment of ${outcome.serviceName} (${outcome.region}) ${headline} (${operation}), announced after a later run of the scheduler ${context.schedulerName} replaced its record, so it cannot tell whether it started it: ${meaning}.`;
  const text = [
    detail,
    ...(steps.length > 0 ? ['', 'What to do:', ...steps.map((s) => `- ${s}`)] : []),
    '',
    'The deployment outcome:',
    JSON.stringify(outcome, null, 2),
    '',
  ].join('\n');
  return {
    subject,
    text,
    chat: chatNotification({
      title: `${context.schedulerName}: ${title}`,
      description: detail,
      nextSteps: steps,
      keywords: ['deployment', outcome.status, context.schedulerName],
      summary: subject,
      eventType: 'DeploymentFinished',
      relatedResources: [outcome.serviceArn],
      additionalContext: {
        scheduler: context.schedulerName,
        serviceArn: outcome.serviceArn,
        operationId: outcome.operationId ?? 'not known',
        status: outcome.status,
        attribution: outcome.attribution,
      },
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Shared wording and bounds

/** The parts of a chat notification before they are bounded. */
interface ChatParts {
  readonly title: string;
  readonly description: string;
  readonly nextSteps: readonly string[];
  readonly keywords: readonly string[];
  readonly summary: string;
  readonly eventType: string;
  readonly relatedResources: readonly string[];
  readonly additionalContext: Record<string, string>;
}

/** A Chatbot custom notification within CHAT_LIMITS. */
function chatNotification(parts: ChatParts): ChatNotification {
  const nextSteps = boundedList(parts.nextSteps, CHAT_LIMITS.nextSteps, (left) => `and ${left} more: see the e-mail or the function's log`).map((s) =>
    truncated(s, CHAT_LIMITS.nextStepLength),
  );
  const keywords = [...new Set(parts.keywords.map((k) => truncated(k, CHAT_LIMITS.keywordLength)))].slice(0, CHAT_LIMITS.keywords);
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: truncated(parts.title, CHAT_LIMITS.titleLength),
      description: truncated(parts.description, CHAT_LIMITS.descriptionLength),
      ...(nextSteps.length > 0 ? { nextSteps } : {}),
      keywords,
    },
    metadata: {
      summary: parts.summary,
      eventType: parts.eventType,
      ...(parts.relatedResources.length > 0 ? { relatedResources: parts.relatedResources.slice(0, CHAT_LIMITS.relatedResources) } : {}),
      additionalContext: parts.additionalContext,
    },
  };
}

/**
 * A subject SNS accepts: printable ASCII (SNS rewrites subjects with other characters), one line,
 * at most SUBJECT_MAX_LENGTH characters. The scheduler's name goes in brackets in front when it fits.
 */
export function subjectLine(headline: string, schedulerName: string): string {
  const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');
  const named = `[${ascii(schedulerName)}] ${ascii(headline)}`;
  return named.length <= SUBJECT_MAX_LENGTH ? named : truncated(ascii(headline), SUBJECT_MAX_LENGTH, '...');
}

function truncated(text: string, max: number, ellipsis = '…'): string {
  return text.length <= max ? text : `${text.slice(0, max - ellipsis.length)}${ellipsis}`;
}

/** At most `max` items; the last says how many more there were. */
function boundedList(items: readonly string[], max: number, more: (left: number) => string): string[] {
  if (items.length <= max) return [...items];
  return [...items.slice(0, max - 1), more(items.length - max + 1)];
}

/** Lines joined within `max` characters; the last says how many lines were left out. */
function truncatedLines(lines: readonly string[], max: number, more: (left: number) => string): string {
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const tail = more(lines.length - index);
    if (length + line.length + 1 + tail.length > max && index < lines.length - 1) {
      kept.push(tail);
      return kept.join('\n');
    }
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function joinAnd(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** "41.20 USD". */
export function money(value: Money): string {
  return `${value.amount.toFixed(2)} ${value.currency}`;
}

function hours(value: number): string {
  return `${value.toFixed(1)} h`;
}
