/**
 * The messages a person reads: the subject line, the e-mail text with what to do about each failure,
 * a dry run's future tense, and the Chatbot custom notification's format and bounds.
 */
import type { DeploymentOutcome } from '../../lambda/deployment-outcome';
import {
  CHAT_LIMITS,
  SUBJECT_MAX_LENGTH,
  deploymentMessage,
  encodedSize,
  failureNextStep,
  runMessage,
  subjectLine,
  type ChatNotification,
} from '../../lambda/notification-message';
import { snsPublishInput } from '../../lambda/notify';
import type { Outcome, RunReport, ServiceOutcome, ServiceSavings } from '../../lambda/report';
import { SNS_MESSAGE_MAX_BYTES } from '../../emulator/sns-emulator';
import { deploymentOutcomeOf } from '../support/scheduler-harness';

const CONTEXT = { schedulerName: 'office-hours' };
const REGION = 'eu-west-1';

function arnOf(name: string, region = REGION): string {
  return `arn:aws:apprunner:${region}:123456789012:service/${name}/0123456789abcdef0123456789abcdef`;
}

function service(name: string, row: Partial<ServiceOutcome> & { outcome: Outcome }): ServiceOutcome {
  return {
    serviceArn: arnOf(name, row.region),
    serviceName: name,
    region: REGION,
    statusBefore: 'PAUSED',
    statusAfter: 'RUNNING',
    actions: [],
    operationIds: [],
    reason: 'already running',
    ...row,
  };
}

function report(fields: Partial<RunReport> & { services: ServiceOutcome[] }): RunReport {
  const counts: Record<Outcome, number> = { changed: 0, unchanged: 0, skipped: 0, failed: 0, planned: 0 };
  for (const s of fields.services) counts[s.outcome] += 1;
  return {
    action: 'resume',
    dryRun: false,
    startedAt: '2026-12-01T07:00:00.000Z',
    finishedAt: '2026-12-01T07:03:12.000Z',
    selectionFailures: [],
    counts,
    ...fields,
  };
}

const resumed = (name: string, extra: Partial<ServiceOutcome> = {}) =>
  service(name, { outcome: 'changed', actions: ['resume'], operationIds: [`op-${name}`], reason: 'paused by the scheduler: resumed', ...extra });

/** A resume run of 12 services, one of which could not be resumed, that saved 41.20 USD. */
function resumeWithOneFailure(): RunReport {
  const services = Array.from({ length: 12 }, (_, i) => resumed(`svc-${String(i).padStart(2, '0')}`));
  services.push(service('stuck', { outcome: 'failed', statusAfter: 'PAUSED', reason: 'ResumeService on stuck failed: InternalServiceErrorException: boom' }));
  return { ...report({ services }), savings: { amount: 41.2, currency: 'USD', hours: 144, priced: 12, unpriced: 0, unknown: 0 } };
}

describe('the subject line', () => {
  it('says what a resume run did, what failed and what it saved', () => {
    const message = runMessage(resumeWithOneFailure(), CONTEXT);
    expect(message.subject).toBe('[office-hours] Resumed 12 services, 1 failed, saved 41.20 USD');
  });

  it('leaves the savings out when the report has no figure, rather than saying 0.00', () => {
    const message = runMessage(report({ services: [resumed('api')] }), CONTEXT);
    expect(message.subject).toBe('[office-hours] Resumed 1 service');
  });

  it('counts the deployments a resume started', () => {
    const message = runMessage(report({ services: [resumed('api', { actions: ['resume', 'deploy'], operationIds: ['op-1', 'op-2'] }), resumed('web')] }), CONTEXT);
    expect(message.subject).toBe('[office-hours] Resumed 2 services, deployed 1');
  });

  it('says a pause run that found nothing to do changed nothing, and names regions it could not list', () => {
    const message = runMessage(
      report({
        action: 'pause',
        services: [service('api', { outcome: 'unchanged', statusBefore: 'PAUSED', statusAfter: 'PAUSED', reason: 'already paused by the scheduler' })],
        selectionFailures: [{ target: 'us-east-1', reason: 'could not list the services selected by tags: AccessDenied' }],
      }),
      CONTEXT,
    );
    expect(message.subject).toBe('[office-hours] Pause run changed nothing (1 service selected), 1 region not listed');
  });

  it('stays within SNS limits: printable ASCII, one line, fewer than 100 characters', () => {
    const longName = 'Bureau-é'.repeat(20);
    const subject = subjectLine('Resumed 12 services, 1 failed, saved 41.20 USD', longName);
    expect(subject).toBe('Resumed 12 services, 1 failed, saved 41.20 USD');
    expect(subjectLine('Paused\n3 services – done', 'x')).toBe('[x] Paused?3 services ? done');
    expect(subjectLine('y'.repeat(150), 'x')).toHaveLength(SUBJECT_MAX_LENGTH);
  });
});

describe('the e-mail text', () => {
  it('lists the changes, the failures with what to do, and the JSON report', () => {
    const original = resumeWithOneFailure();
    const { text } = runMessage(original, CONTEXT);

    expect(text).toContain('Changed (12):\n- svc-00 (eu-west-1): resumed (operation op-svc-00)');
    expect(text).toContain(
      `What to do:\n- stuck (eu-west-1): ResumeService on stuck failed: InternalServiceErrorException: boom. It is not running. Resume it by hand: aws apprunner resume-service --service-arn ${arnOf('stuck')} --region eu-west-1`,
    );
    expect(text).toContain('Saved 41.20 USD (at least: the provisioned memory of the paused instances) over 144.0 h of service time.');
    const json = text.slice(text.indexOf('The JSON report:\n') + 'The JSON report:\n'.length);
    expect(JSON.parse(json)).toEqual(original);
  });

  it('names the log line instead of the JSON report when the report would not fit', () => {
    const big = report({ services: Array.from({ length: 300 }, (_, i) => resumed(`service-${i}`)) });
    const { text } = runMessage(big, { ...CONTEXT, textMaxBytes: 20_000 });
    expect(encodedSize(text)).toBeLessThanOrEqual(20_000);
    expect(text).toContain('is too large for this message: it is the "run report" line of the function\'s log');
    expect(text).toContain('- and 100 more (see the JSON report)');
  });

  it('shows what each resumed service saved, or why there is no figure, never a zero', () => {
    const paused = { pausedFrom: '2026-11-28T19:00:00Z', pausedTo: '2026-11-30T09:00:00Z', hours: 38, basis: 'marker' } as const;
    const priced: ServiceSavings = { ...paused, status: 'priced', amount: 3.2, currency: 'USD', inputs: { vcpu: 1, memoryGb: 2, provisionedInstances: 1, pricePerGbHour: 0.007 } };
    const unpriced: ServiceSavings = { ...paused, status: 'unpriced', reason: 'no App Runner price for ap-east-2' };
    const unknown: ServiceSavings = { status: 'unknown', reason: 'could not read the auto scaling configuration' };
    const services = [resumed('api', { savings: priced }), resumed('hk', { savings: unpriced }), resumed('web', { savings: unknown }), resumed('other')];
    const { text } = runMessage({ ...report({ services }), savings: { amount: 3.2, currency: 'USD', hours: 76, priced: 1, unpriced: 1, unknown: 1 } }, CONTEXT);
    expect(text).toContain('- api (eu-west-1): resumed (operation op-api); saved 3.20 USD over 38.0 h paused');
    expect(text).toContain('- hk (eu-west-1): resumed (operation op-hk); paused 38.0 h, no saving computed: no App Runner price for ap-east-2');
    expect(text).toContain('- web (eu-west-1): resumed (operation op-web); no savings figure: could not read the auto scaling configuration');
    expect(text).toContain('- other (eu-west-1): resumed (operation op-other)\n');
    expect(text).toContain(
      'Saved 3.20 USD (at least: the provisioned memory of the paused instances) over 76.0 h of service time; not counted: 1 service in a region without a price, 1 service without a figure.',
    );
    expect(text).not.toContain('0.00 USD');
  });
});

describe('what to do about a failure', () => {
  const where = (name: string) => `--service-arn ${arnOf(name)} --region eu-west-1`;

  it.each([
    ['a pause left it running', 'pause', { statusBefore: 'RUNNING', statusAfter: 'RUNNING' }, `Pause it by hand: aws apprunner pause-service ${where('x')}`],
    ['a resume left it paused', 'resume', { statusAfter: 'PAUSED' }, `Resume it by hand: aws apprunner resume-service ${where('x')}`],
    ['resumed, deployment not started', 'resume', { statusAfter: 'RUNNING' }, `Start it by hand: aws apprunner start-deployment ${where('x')}`],
    ['still busy at the deadline', 'resume', { statusAfter: 'OPERATION_IN_PROGRESS' }, `To see how it ended: aws apprunner list-operations ${where('x')}`],
    ['the ARN could not be read', 'resume', { statusBefore: undefined, statusAfter: undefined }, `check the ARN in the event: aws apprunner describe-service ${where('x')}`],
  ] as const)('%s', (_kind, action, row, step) => {
    expect(failureNextStep(service('x', { outcome: 'failed', ...row }), { action })).toContain(step);
  });

  it('warns that a service paused by hand stays paused at the next resume', () => {
    const step = failureNextStep(service('x', { outcome: 'failed', statusBefore: 'RUNNING', statusAfter: 'RUNNING' }), { action: 'pause' });
    expect(step).toContain('the next resume run leaves it paused');
  });
});

describe('a dry run', () => {
  const plan = report({
    dryRun: true,
    services: [
      service('api', { outcome: 'planned', actions: ['resume', 'deploy'], reason: 'paused by the scheduler: resumed' }),
      service('web', { outcome: 'planned', actions: ['resume'], reason: 'paused by the scheduler: resumed' }),
      service('db-admin', { outcome: 'unchanged', reason: 'paused outside the scheduler (no marker tag): left paused', statusAfter: 'PAUSED' }),
    ],
  });

  it('speaks in the future in the subject and the text, and lists the deployments it would start', () => {
    const message = runMessage(plan, CONTEXT);
    expect(message.subject).toBe('[office-hours] Dry run: would resume 2 services, deploy 1');
    expect(message.text).toContain('resume run (dry run: nothing was changed)');
    expect(message.text).toContain('Would change (2):\n- api (eu-west-1): would resume and deploy\n- web (eu-west-1): would resume');
    expect(message.text).toContain('Deployments it would start (1):\n- api (eu-west-1)');
    expect(message.text).not.toMatch(/\b(Resumed|Changed|resumed \(operation)/);
  });

  it('speaks in the future in chat too', () => {
    const { chat } = runMessage(plan, CONTEXT);
    expect(chat.content.title).toBe('office-hours: Dry run: would resume 2 services, deploy 1');
    expect(chat.content.description).toContain('Would pause 0 · would resume 2 · would deploy 1');
    expect(chat.content.description).toContain('• `api` (eu-west-1): would resume and deploy');
    expect(chat.metadata.eventType).toBe('DryRunFinished');
    expect(chat.content.keywords).toContain('dry run');
  });

  it('says "would pause" for a pause plan', () => {
    const pausePlan = report({ action: 'pause', dryRun: true, services: [service('api', { outcome: 'planned', actions: ['pause'], statusBefore: 'RUNNING' })] });
    expect(runMessage(pausePlan, CONTEXT).subject).toBe('[office-hours] Dry run: would pause 1 service');
  });
});

/** Checks a notification against Chatbot's custom notification schema and our bounds. */
function expectValidChatNotification(chat: ChatNotification): void {
  const parsed = JSON.parse(JSON.stringify(chat)) as Record<string, unknown>;
  expect(Object.keys(parsed).sort()).toEqual(['content', 'metadata', 'source', 'version']);
  expect(parsed).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
  const content = chat.content;
  expect(Object.keys(content).every((k) => ['textType', 'title', 'description', 'nextSteps', 'keywords'].includes(k))).toBe(true);
  expect(Object.keys(chat.metadata).every((k) => ['threadId', 'summary', 'eventType', 'relatedResources', 'additionalContext'].includes(k))).toBe(true);
  expect(content.title.length).toBeLessThanOrEqual(CHAT_LIMITS.titleLength);
  expect(content.description.length).toBeLessThanOrEqual(CHAT_LIMITS.descriptionLength);
  expect((content.nextSteps ?? []).length).toBeLessThanOrEqual(CHAT_LIMITS.nextSteps);
  for (const step of content.nextSteps ?? []) expect(step.length).toBeLessThanOrEqual(CHAT_LIMITS.nextStepLength);
  expect((content.keywords ?? []).length).toBeLessThanOrEqual(CHAT_LIMITS.keywords);
  for (const value of Object.values(chat.metadata.additionalContext ?? {})) expect(typeof value).toBe('string');
}

describe('the chat notification', () => {
  it('follows the Chatbot custom notification schema, with a next step per failure', () => {
    const { chat } = runMessage(resumeWithOneFailure(), CONTEXT);
    expectValidChatNotification(chat);
    expect(chat.content.title).toBe('office-hours: Resumed 12 services, 1 failed, saved 41.20 USD');
    expect(chat.content.nextSteps).toEqual([
      `stuck: it is not running. Resume it by hand: aws apprunner resume-service --service-arn ${arnOf('stuck')} --region eu-west-1`,
    ]);
    expect(chat.metadata.relatedResources).toEqual([arnOf('stuck')]);
    expect(chat.metadata.additionalContext).toMatchObject({ scheduler: 'office-hours', action: 'resume', dryRun: 'false', changed: '12', failed: '1' });
  });

  it('stays within its bounds for a run of 1,000 services, 300 of them failed', () => {
    const services = Array.from({ length: 1000 }, (_, i) =>
      i < 300 ? service(`failed-${i}`, { outcome: 'failed', statusAfter: 'PAUSED', reason: 'ResumeService failed: ThrottlingException: Rate exceeded' }) : resumed(`ok-${i}`),
    );
    const { chat } = runMessage(report({ services }), CONTEXT);
    expectValidChatNotification(chat);
    expect(chat.content.nextSteps?.[CHAT_LIMITS.nextSteps - 1]).toBe("and 291 more: see the e-mail or the function's log");
    expect(chat.content.description).toMatch(/• and \d+ more: see the e-mail or the function's log$/);
  });

  it('keeps the SNS message of that run, e-mail and chat copies together, within SNS\'s 256 KB', () => {
    const services = Array.from({ length: 1000 }, (_, i) => service(`service-with-a-long-name-${i}`, { outcome: 'failed', statusAfter: 'PAUSED', reason: 'é"'.repeat(300) }));
    const input = snsPublishInput('arn:aws:sns:eu-west-1:123456789012:summary', runMessage(report({ services }), CONTEXT));
    expect(Buffer.byteLength(input.Message, 'utf8') + Buffer.byteLength(input.Subject, 'utf8')).toBeLessThanOrEqual(SNS_MESSAGE_MAX_BYTES);
  });
});

describe('a deployment outcome', () => {
  const outcome = (status: string): DeploymentOutcome => deploymentOutcomeOf(status, { serviceArn: arnOf('api') });

  it('says a rolled-back deployment left the version from before the pause running, and what to do', () => {
    const message = deploymentMessage(outcome('ROLLBACK_SUCCEEDED'), CONTEXT);
    expect(message.subject).toBe('[office-hours] Deployment after resume failed and was rolled back: api');
    expect(message.text).toContain('the service runs the version from before the pause, not the latest one');
    expect(message.text).toContain(`start it again: aws apprunner start-deployment --service-arn ${arnOf('api')} --region eu-west-1`);
    expectValidChatNotification(message.chat);
    expect(message.chat.metadata.eventType).toBe('DeploymentFinished');
  });

  it('asks for a check now when the rollback failed too', () => {
    const message = deploymentMessage(outcome('ROLLBACK_FAILED'), CONTEXT);
    expect(message.chat.content.nextSteps?.[0]).toBe(`check the service: aws apprunner describe-service --service-arn ${arnOf('api')} --region eu-west-1`);
  });

  it('records a success without next steps', () => {
    const message = deploymentMessage(outcome('SUCCEEDED'), CONTEXT);
    expect(message.subject).toBe('[office-hours] Deployment after resume succeeded: api');
    expect(message.chat.content.nextSteps).toBeUndefined();
  });

  it('says a deployment still rolling back is returning to the version from before the pause', () => {
    const message = deploymentMessage(outcome('ROLLBACK_IN_PROGRESS'), CONTEXT);
    expect(message.subject).toBe('[office-hours] Deployment after resume failed and is being rolled back: api');
    expect(message.text).toContain('the service returns to the version from before the pause, not the latest one');
  });

  it('says so when a deployment cannot be attributed to the scheduler', () => {
    const message = deploymentMessage({ ...outcome('ROLLBACK_SUCCEEDED'), attribution: 'unattributable' }, CONTEXT);
    expect(message.subject).toBe('[office-hours] Deployment failed and was rolled back: api');
    expect(message.text).toContain('so it cannot tell whether it started it');
    expect(message.chat.metadata.additionalContext).toMatchObject({ attribution: 'unattributable' });
  });

  it('treats a status it does not know as one to check', () => {
    expect(deploymentMessage(outcome('SOMETHING_NEW'), CONTEXT).text).toContain('a status the scheduler does not know: check the service');
  });
});
