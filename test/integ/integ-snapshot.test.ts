/**
 * The deployable integration test (integ.scheduler.ts) is never deployed in CI. Its snapshot is: this
 * synthesizes the integration app offline and fails when a template differs from the committed one in
 * integ.scheduler.ts.snapshot/, so the test a maintainer deploys is the one reviewed here. Asset hashes
 * and the assertions' salt do not count: a change to the handler's code alone leaves the snapshot
 * as it was. `npm run integ:snapshot` writes the snapshot again.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SNAPSHOT_DIR = path.join(__dirname, 'integ.scheduler.ts.snapshot');
const UPDATE = process.env.INTEG_SNAPSHOT_UPDATE === '1';

/** Runs the integration app as the CDK CLI would, into a fresh directory, and returns that directory. */
async function synthesizeIntegApp(): Promise<string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'apprunner-scheduler-integ-'));
  const previous = process.env.CDK_OUTDIR;
  process.env.CDK_OUTDIR = outdir;
  try {
    await jest.isolateModulesAsync(async () => {
      await import('./integ.scheduler');
    });
  } finally {
    if (previous === undefined) delete process.env.CDK_OUTDIR;
    else process.env.CDK_OUTDIR = previous;
  }
  return outdir;
}

function templatesIn(dir: string): Record<string, unknown> {
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort();
  return Object.fromEntries(names.map((name) => [name, JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))]));
}

/** An integ-tests-alpha assertion's custom resource properties. */
interface ApiCallProperties {
  readonly service?: string;
  readonly api?: string;
  readonly parameters?: unknown;
  readonly expected?: string;
  readonly stateMachineArn?: unknown;
}

/**
 * Replaces what changes on every synth or with the handler's code alone: asset hashes (64 hex
 * characters, in S3 keys and asset paths) and the assertions' salt (the synth time, which makes
 * CloudFormation run them on every deployment).
 */
function normalized(templates: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(templates).replace(/[0-9a-f]{64}/g, '<asset hash>').replace(/"salt":"\d+"/g, '"salt":"<synth time>"'));
}

describe('the deployable integration test', () => {
  let outdir: string;

  beforeAll(async () => {
    outdir = await synthesizeIntegApp();
  });

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes the service, the scheduler and the assertion stack the committed snapshot shows', () => {
    const synthesized = templatesIn(outdir);
    if (UPDATE) {
      fs.rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
      fs.mkdirSync(SNAPSHOT_DIR);
      for (const [name, template] of Object.entries(synthesized)) {
        fs.writeFileSync(path.join(SNAPSHOT_DIR, name), `${JSON.stringify(template, null, 1)}\n`);
      }
    }

    expect(Object.keys(synthesized)).toEqual(['AppRunnerSchedulerInteg.template.json', expect.stringMatching(/^AppRunnerSchedulerIntegTestDefaultTestDeployAssert[0-9A-F]+\.template\.json$/)]);
    expect(normalized(synthesized)).toEqual(normalized(templatesIn(SNAPSHOT_DIR)));
  });

  it('pauses, then resumes with a deployment, through the scheduler’s own function, and waits for each state', () => {
    const [, assertions] = Object.values(templatesIn(outdir)) as { Resources: Record<string, { Properties?: ApiCallProperties }> }[];
    const calls = Object.values(assertions.Resources).flatMap((r) => (typeof r.Properties?.api === 'string' ? [r.Properties] : []));
    const invocations = calls.filter((c) => c.service === 'Lambda' && c.api === 'invoke').map((c) => JSON.stringify(c.parameters));
    const waits = calls.filter((c) => c.service === 'AppRunner');

    expect(invocations).toHaveLength(2);
    expect(invocations.every((p) => /InvocationType\W+Event\W/.test(p))).toBe(true);
    expect(invocations.filter((p) => /action\W+pause\W/.test(p))).toHaveLength(1);
    expect(invocations.filter((p) => /action\W+resume\W+deployAfterResume\W+always\W/.test(p))).toHaveLength(1);
    expect(waits.map((c) => `${c.api} ${c.expected}`).sort()).toEqual([
      expect.stringMatching(/^describeService .*"PAUSED"/),
      expect.stringMatching(/^describeService .*"RUNNING"/),
      expect.stringMatching(/^listOperations .*"START_DEPLOYMENT".*"SUCCEEDED"/),
    ]);
    expect(waits.every((c) => c.stateMachineArn !== undefined)).toBe(true);
  });
});
