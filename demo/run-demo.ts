/**
 * The offline demo: starts the App Runner emulator with a handful of services in different states,
 * then runs the production handler (the same module the Lambda runs, with its production polling)
 * through the real AWS SDK: an evening pause, versions pushed overnight, a morning resume with
 * deployments, and what each resumed service saved. Then an evening on a fast clock: a snooze and a
 * wake that end on their own, through the emulator's EventBridge Scheduler. Prints what happened to
 * each service. No AWS account is needed.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { RunReport, ServiceSavings } from '../lambda/report';
import { MARKER_TAG_KEY, SKIP_TAG_KEY, WAKE_TAG_KEY } from '../contract/scheduler-tags';
import { startEmulator, type AppRunnerEmulator, type ServiceSpec } from '../emulator/app-runner-emulator';
import { ScaledClock, instantOf } from '../test/support/scaled-clock';

const SELECTOR = { schedule: 'office-hours' };

function seedServices(emulator: AppRunnerEmulator): Map<string, string> {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const notes = new Map<string, string>();
  const add = (name: string, note: string, spec: Omit<ServiceSpec, 'name'>) => {
    notes.set(emulator.addService({ ...spec, name }), note);
  };
  const threeWarm = emulator.addAutoScalingConfiguration({ name: 'three-warm', minSize: 3, maxSize: 10 });
  add('storefront-web', 'running, automatic deployments on, 1 vCPU / 2 GB, 1 provisioned instance', { tags: SELECTOR, autoDeploymentsEnabled: true });
  add('orders-api', 'running, automatic deployments off, 2 vCPU / 4 GB, 3 provisioned instances', {
    tags: SELECTOR,
    autoDeploymentsEnabled: false,
    cpu: '2 vCPU',
    memory: '4 GB',
    autoScalingConfigurationArn: threeWarm,
  });
  add('catalog-api', 'running in eu-central-1, a region without a price in the table', { tags: SELECTOR, region: 'eu-central-1' });
  add('reports-worker', 'paused by a person (no marker)', { tags: SELECTOR, status: 'PAUSED' });
  add('payments-api', `opted out: ${SKIP_TAG_KEY}=true`, { tags: { ...SELECTOR, [SKIP_TAG_KEY]: 'true' } });
  add('search-api', `opted out until ${tomorrow}`, { tags: { ...SELECTOR, [SKIP_TAG_KEY]: tomorrow } });
  add('legacy-admin', 'creation failed', { tags: SELECTOR, status: 'CREATE_FAILED' });
  add('billing-api', 'not tagged: never selected', { tags: { schedule: 'always-on' } });
  return notes;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function printRun(title: string, report: RunReport, emulator: AppRunnerEmulator): void {
  const rows = [['service', 'before', 'after', 'actions', 'outcome', 'marker tag', 'live version', 'reason']];
  for (const s of report.services) {
    const now = emulator.service(s.serviceArn);
    rows.push([
      s.serviceName,
      s.statusBefore ?? '-',
      now.status,
      s.actions.join('+') || '-',
      s.outcome,
      now.tags[MARKER_TAG_KEY] ?? '-',
      `v${now.deployedVersion} of v${now.latestVersion}`,
      s.reason,
    ]);
  }
  const counts = Object.entries(report.counts)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
  console.log(`\n${title}\n${table(rows)}\n${counts}; ${emulator.mutatingCalls().length} state-changing App Runner calls`);
}

/** USD for display only: the report keeps every figure unrounded. */
function usd(amount: number): string {
  return `$${amount.toFixed(amount < 0.01 ? 6 : 2)}`;
}

function describeSavings(savings: ServiceSavings): string[] {
  const paused = savings.hours === undefined ? '-' : `${(savings.hours * 3600).toFixed(1)} s (${savings.basis})`;
  if (savings.status !== 'priced') return [paused, '-', '-', `${savings.status}: ${savings.reason}`];
  const { provisionedInstances, memoryGb, vcpu, pricePerGbHour } = savings.inputs;
  const perNight = provisionedInstances * memoryGb * pricePerGbHour * 12;
  return [paused, `${provisionedInstances} x ${vcpu} vCPU / ${memoryGb} GB at $${pricePerGbHour}/GB-h`, usd(savings.amount), `a 12-hour night: ${usd(perNight)}`];
}

function printSavings(report: RunReport): void {
  const rows = [['service', 'paused for', 'provisioned', 'saved', 'at this rate']];
  for (const s of report.services) if (s.savings) rows.push([s.serviceName, ...describeSavings(s.savings)]);
  const total = report.savings!;
  const amount = total.amount === undefined ? 'no priced service' : usd(total.amount);
  console.log(`
What each resumed service saved (at least: the memory of its provisioned instances while paused)
${table(rows)}`);
  console.log(`total: ${amount} for ${total.priced} priced, ${total.unpriced} unpriced, ${total.unknown} unknown`);
}

async function main(): Promise<void> {
  const emulator = await startEmulator({ timings: { pause: 1_500, resume: 2_500, deploy: 3_000 }, latencyMs: 20 });
  try {
    // The production handler reads its endpoint, region and credentials the way it does in Lambda: from the environment.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
      AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API: emulator.endpoint,
      // Invoked with no Lambda context, the function asks STS which account it is in.
      AWS_ENDPOINT_URL_STS: emulator.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEMO',
      AWS_SECRET_ACCESS_KEY: 'demo-secret',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      // The function's metrics (EMF lines on stdout, read by CloudWatch in Lambda) would bury the demo's tables.
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const { handler } = await import('../lambda/index');
    const notes = seedServices(emulator);
    console.log(`App Runner emulator on ${emulator.endpoint}, region eu-west-1, with these services:`);
    console.log(table([['service', 'status', 'set-up'], ...[...notes].map(([arn, note]) => [emulator.service(arn).name, emulator.service(arn).status, note])]));

    const regions = ['eu-west-1', 'eu-central-1'];
    const pauseEvent = { action: 'pause', tags: SELECTOR, regions, timeZone: 'Europe/London' };
    console.log(`\n19:00 Europe/London: the pause schedule invokes the function with ${JSON.stringify(pauseEvent)}`);
    printRun('Pause run', (await handler(pauseEvent)) as RunReport, emulator);

    emulator.clearCalls();
    for (const arn of notes.keys()) {
      if (['storefront-web', 'orders-api'].includes(emulator.service(arn).name)) emulator.publishVersion(arn);
    }
    console.log('\nOvernight: new versions of storefront-web and orders-api are pushed; paused services do not pick them up.');

    const resumeEvent = { action: 'resume', tags: SELECTOR, regions, timeZone: 'Europe/London', deployAfterResume: 'auto' };
    console.log(`\n07:00 Europe/London: the resume schedule invokes the function with ${JSON.stringify(resumeEvent)}`);
    const resumed = (await handler(resumeEvent)) as RunReport;
    await emulator.settled();
    printRun('Resume run (after the deployments finished)', resumed, emulator);
    printSavings(resumed);
    console.log(
      '\nstorefront-web came back and deployed the version pushed overnight; orders-api (automatic deployments off) came back on' +
        ' its old version, as deployAfterResume "auto" intends; reports-worker stays paused because a person paused it.' +
        ' The demo\'s night lasts seconds, so its savings are fractions of a cent; the last column is the same rate over 12 hours.',
    );
  } finally {
    await emulator.close();
  }
}

const LONDON = 'Europe/London';
const GROUP = 'apprunner-scheduler';

/** A weekday evening in London, lived through on a clock ten virtual minutes per real second fast. */
async function snoozeAndWake(): Promise<void> {
  const clock = new ScaledClock({ start: instantOf('2026-12-01T19:00', LONDON), speed: 600 });
  const emulator = await startEmulator({ timings: { pause: 300, resume: 500, deploy: 500 }, scheduler: { clock: clock.now, groups: [GROUP] } });
  try {
    process.env.AWS_ENDPOINT_URL_APPRUNNER = emulator.endpoint;
    process.env.AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API = emulator.endpoint;
    process.env.AWS_ENDPOINT_URL_SCHEDULER = emulator.endpoint;
    const { createHandler } = await import('../lambda/index');
    // What the construct tells the function: its hours as the schedules run, its group, its schedules' role.
    const environment = {
      SCHEDULER_HOURS: JSON.stringify({
        pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: LONDON },
        resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: LONDON },
      }),
      SCHEDULER_GROUP_NAME: GROUP,
      SCHEDULER_TARGET_ROLE_ARN: 'arn:aws:iam::123456789012:role/apprunner-scheduler-invoke',
    };
    // The production handler, deciding on the fast clock; the emulator's Lambda runs it when a schedule fires.
    const handler = createHandler({ now: clock.now, environment, logger: new Logger({ logLevel: 'SILENT' }) });
    const functionArn = emulator.lambda.addFunction({ name: 'apprunner-scheduler', region: 'eu-west-1', handler: (event, context) => handler(event, context), environment });
    const context = { getRemainingTimeInMillis: () => 600_000, invokedFunctionArn: functionArn };
    const snoozed = emulator.addService({ name: 'checkout-api', tags: { ...SELECTOR, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });
    const woken = emulator.addService({ name: 'admin-portal', status: 'PAUSED', tags: { ...SELECTOR, [MARKER_TAG_KEY]: 'paused 2026-11-30T19:00:00Z' } });
    const at = (local: string) => `${local} ${LONDON}`;
    const show = (when: string) => {
      const rows = [['service', 'status', 'skip tag', 'wake tag', 'marker tag']];
      for (const arn of [snoozed, woken]) {
        const s = emulator.service(arn);
        rows.push([s.name, s.status, s.tags[SKIP_TAG_KEY] ?? '-', s.tags[WAKE_TAG_KEY] ?? '-', s.tags[MARKER_TAG_KEY] ?? '-']);
      }
      const schedules = emulator.scheduler.schedules().map((sc) => `${sc.name} ${sc.expression}`);
      console.log(`\n${when}\n${table(rows)}\none-time schedules: ${schedules.join(', ') || 'none'}`);
    };
    const endings = (report: RunReport) => report.services.filter((s) => s.ending).map((s) => `  ${s.serviceName}: ${s.ending!.arrangement}, ${s.ending!.reason}`).join('\n');
    const liveTo = async (local: string) => {
      clock.jumpTo(local, LONDON);
      await emulator.scheduler.fireDue();
      await emulator.settled();
    };

    console.log(`\n--- An evening with a snooze and a wake (a clock 600 times fast; EventBridge Scheduler emulated too) ---`);
    console.log(`checkout-api is snoozed with ${SKIP_TAG_KEY}=2026-12-01T22:00; admin-portal was paused last night.`);
    const pause = await handler({ action: 'pause', tags: SELECTOR, timeZone: LONDON }, context);
    console.log(`\n${at('19:00')}: the pause run skips checkout-api and arranges its pause:\n${endings(pause)}`);
    await liveTo('2026-12-01T21:00');
    const wakeEvent = { action: 'resume', services: [woken], timeZone: LONDON, deployAfterResume: 'never', until: 'PT90M' };
    const wake = await handler(wakeEvent, context);
    await emulator.settled();
    console.log(`\n${at('21:00')}: someone needs admin-portal and invokes the function with ${JSON.stringify({ ...wakeEvent, services: ['<admin-portal>'] })}:\n${endings(wake)}`);
    show(at('21:00'));
    await liveTo('2026-12-01T22:01');
    show(`${at('22:01')}: the snooze ended; its one-time schedule fired, paused checkout-api and deleted itself`);
    await liveTo('2026-12-01T22:35');
    show(`${at('22:35')}: the wake ended; admin-portal is paused again and its wake tag removed`);
  } finally {
    await emulator.close();
  }
}

main()
  .then(() => snoozeAndWake())
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
