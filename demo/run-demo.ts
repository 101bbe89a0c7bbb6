/**
 * The offline demo: starts the App Runner emulator with a handful of services in different states,
 * then runs the production handler (the same module the Lambda runs, with its production polling)
 * through the real AWS SDK: an evening pause, versions pushed overnight, a morning resume with
 * deployments. Prints what happened to each service. No AWS account is needed.
 */
import type { RunReport } from '../lambda/report';
import { MARKER_TAG_KEY, SKIP_TAG_KEY } from '../contract/scheduler-tags';
import { startEmulator, type AppRunnerEmulator, type ServiceSpec } from '../emulator/app-runner-emulator';

const SELECTOR = { schedule: 'office-hours' };

function seedServices(emulator: AppRunnerEmulator): Map<string, string> {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const notes = new Map<string, string>();
  const add = (name: string, note: string, spec: Omit<ServiceSpec, 'name'>) => {
    notes.set(emulator.addService({ ...spec, name }), note);
  };
  add('storefront-web', 'running, automatic deployments on', { tags: SELECTOR, autoDeploymentsEnabled: true });
  add('orders-api', 'running, automatic deployments off', { tags: SELECTOR, autoDeploymentsEnabled: false });
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

async function main(): Promise<void> {
  const emulator = await startEmulator({ timings: { pause: 1_500, resume: 2_500, deploy: 3_000 }, latencyMs: 20 });
  try {
    // The production handler reads its endpoint, region and credentials the way it does in Lambda: from the environment.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
      AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API: emulator.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEMO',
      AWS_SECRET_ACCESS_KEY: 'demo-secret',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const { handler } = await import('../lambda/index');
    const notes = seedServices(emulator);
    console.log(`App Runner emulator on ${emulator.endpoint}, region eu-west-1, with these services:`);
    console.log(table([['service', 'status', 'set-up'], ...[...notes].map(([arn, note]) => [emulator.service(arn).name, emulator.service(arn).status, note])]));

    const pauseEvent = { action: 'pause', tags: SELECTOR, timeZone: 'Europe/London' };
    console.log(`\n19:00 Europe/London: the pause schedule invokes the function with ${JSON.stringify(pauseEvent)}`);
    printRun('Pause run', (await handler(pauseEvent)) as RunReport, emulator);

    emulator.clearCalls();
    for (const arn of notes.keys()) {
      if (['storefront-web', 'orders-api'].includes(emulator.service(arn).name)) emulator.publishVersion(arn);
    }
    console.log('\nOvernight: new versions of storefront-web and orders-api are pushed; paused services do not pick them up.');

    const resumeEvent = { action: 'resume', tags: SELECTOR, timeZone: 'Europe/London', deployAfterResume: 'auto' };
    console.log(`\n07:00 Europe/London: the resume schedule invokes the function with ${JSON.stringify(resumeEvent)}`);
    const resumed = (await handler(resumeEvent)) as RunReport;
    await emulator.settled();
    printRun('Resume run (after the deployments finished)', resumed, emulator);
    console.log(
      '\nstorefront-web came back and deployed the version pushed overnight; orders-api (automatic deployments off) came back on' +
        ' its old version, as deployAfterResume "auto" intends; reports-worker stays paused because a person paused it.',
    );
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
