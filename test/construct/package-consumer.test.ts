/**
 * Packs the library the way it is published and synthesizes a plain JavaScript CDK app against the
 * tarball: the consumer has neither esbuild nor Docker, only the package, aws-cdk-lib, constructs
 * and cdk-nag.
 *
 * By default the consumer gets this project's aws-cdk-lib, constructs and cdk-nag, offline. With
 * `CONSUMER_PEERS=minimum` (CI, `npm run test:minimum-cdk`) it installs from the npm registry the
 * lowest versions that package.json's peerDependencies accept (and the lowest cdk-nag the
 * devDependencies accept), synthesizes with them and type-checks the app against their typings: the
 * proof that the declared floor works.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const NODE_MODULES = path.join(PROJECT_ROOT, 'node_modules');
const PEERS = ['aws-cdk-lib', 'constructs'] as const;
/** The consumer also runs cdk-nag, so that the construct's acknowledgements are seen to match its findings. */
const NAG = 'cdk-nag';
const MINIMUM_PEERS = process.env.CONSUMER_PEERS === 'minimum';

/** What `npm pack` reads, without compiled output lying beside the sources. */
const PACKED_SOURCES = ['package.json', 'tsconfig.json', 'tsconfig.jsii.json', 'README.md', 'LICENSE', 'API.md', 'cli', 'contract', 'lib', 'lambda', 'bin', 'scripts'];

const CONSUMER_APP = `
const { App, Stack, Validations } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');
const { Key } = require('aws-cdk-lib/aws-kms');
const { Topic } = require('aws-cdk-lib/aws-sns');
const { AppRunnerScheduler, DeployAfterResume } = require('cdk-apprunner-scheduler');

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer');
new AppRunnerScheduler(stack, 'Scheduler', {
  tags: { env: 'dev' },
  pauseAt: '19:00',
  resumeAt: '07:00',
  deployAfterResume: DeployAfterResume.ALWAYS,
});
// Listed ARNs and an encrypted summary topic: the construct's other statements and acknowledgements.
const byArn = new Stack(app, 'ConsumerByArn');
new AppRunnerScheduler(byArn, 'Scheduler', {
  services: ['arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef'],
  pauseAt: '19:00',
  summaryTopic: new Topic(byArn, 'Summaries', { masterKey: new Key(byArn, 'SummaryKey', { enableKeyRotation: true }), enforceSSL: true }),
});
// Any finding the construct does not acknowledge fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
`;

/** tsc options that type-check the consumer's JavaScript app against every typing it loads, libraries' included. */
const TYPE_CHECK_JS = ['--noEmit', '--allowJs', '--checkJs', '--strict', '--skipLibCheck', 'false', '--target', 'ES2022', '--module', 'commonjs', '--types', 'node', '--typeRoots', path.join(NODE_MODULES, '@types')];

/** The lowest version a peer range such as `^2.186.0` or `>= 10.0.0` accepts. */
function floorOf(range: string): string {
  const floor = /^(?:\^|>=\s*)?(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!floor) throw new Error(`peer range ${JSON.stringify(range)} has no single floor: use ^X.Y.Z or >= X.Y.Z`);
  return floor[1];
}

/** The consumer's aws-cdk-lib, constructs and cdk-nag: the floors from the npm registry, or this project's, linked. */
function consumerDependencies(): Record<string, string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
  const declared: Record<string, string> = { ...manifest.peerDependencies, [NAG]: manifest.devDependencies[NAG] };
  return Object.fromEntries([...PEERS, NAG].map((name) => [name, MINIMUM_PEERS ? floorOf(declared[name]) : `file:${path.join(NODE_MODULES, name)}`]));
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Copies the package sources into `dir`, with this project's node_modules linked for the build tools. */
function copySources(dir: string): void {
  for (const entry of PACKED_SOURCES.filter((e) => fs.existsSync(path.join(PROJECT_ROOT, e)))) {
    fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(dir, entry), {
      recursive: true,
      filter: (source) => !/\.(js|d\.ts)$/.test(source) || source.includes(`${path.sep}scripts${path.sep}`),
    });
  }
  fs.symlinkSync(NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
}

describe('the published package', () => {
  let workDir: string;
  let tarball: string;

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'apprunner-scheduler-pack-'));
    const sources = path.join(workDir, 'source');
    fs.mkdirSync(sources);
    copySources(sources);
    // prepack runs `npm run build`: jsii (about a minute, up to two on a busy machine), the handler bundle, API.md.
    const packed = run('npm', ['pack', '--offline', '--silent', '--pack-destination', workDir], sources).trim().split('\n');
    tarball = path.join(workDir, packed[packed.length - 1]);
  }, 300_000);

  afterAll(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('ships the compiled library, its types, the jsii assembly, API.md, the bundled handler and command line, and no sources or tests', () => {
    const files = run('tar', ['-tzf', tarball], workDir)
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));

    expect(files).toEqual(expect.arrayContaining(['package.json', 'lib/index.js', 'lib/index.d.ts', 'lib/app-runner-scheduler.js', 'contract/event.js', 'contract/problems.js', 'contract/scheduler-tags.js', 'assets/handler/index.js', 'assets/cli/cli.js', '.jsii', 'API.md', 'README.md', 'LICENSE']));
    // The assembly is the one jsii-pacmak's bindings load at run time: it must describe this package's API.
    const assembly = JSON.parse(run('tar', ['-xzOf', tarball, 'package/.jsii'], workDir));
    expect(assembly).toMatchObject({ schema: 'jsii/0.10.0', name: 'cdk-apprunner-scheduler', targets: { python: { module: 'cdk_apprunner_scheduler' } } });
    expect(Object.keys(assembly.types)).toContain('cdk-apprunner-scheduler.AppRunnerScheduler');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)test\/|\.test\.|^bin\/|^scripts\//.test(f))).toEqual([]);
  });

  test('synthesizes in a plain JavaScript app with no build tools of its own', () => {
    // GIVEN a consumer that depends on the tarball, with aws-cdk-lib and constructs (linked from here, or the minimum)
    const consumer = path.join(workDir, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(
      path.join(consumer, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        dependencies: { 'cdk-apprunner-scheduler': `file:${tarball}`, ...consumerDependencies() },
      }),
    );
    fs.writeFileSync(path.join(consumer, 'app.js'), CONSUMER_APP);
    // --legacy-peer-deps: the peers are listed above; npm's peer placement fails on linked directories, and
    // cdk-nag asks for constructs ^10.5.1 where the construct needs only 10.5.0.
    run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', ...(MINIMUM_PEERS ? [] : ['--offline'])], consumer);
    if (MINIMUM_PEERS) {
      const installed = PEERS.map((peer) => JSON.parse(fs.readFileSync(path.join(consumer, 'node_modules', peer, 'package.json'), 'utf8')).version);
      expect(installed).toEqual(PEERS.map((peer) => consumerDependencies()[peer]));
      // The shipped .d.ts files, compiled against this project's aws-cdk-lib, also type-check against the minimum's.
      run(process.execPath, [path.join(NODE_MODULES, 'typescript', 'bin', 'tsc'), ...TYPE_CHECK_JS, 'app.js'], consumer);
    }
    expect(fs.existsSync(path.join(consumer, 'node_modules', 'esbuild'))).toBe(false);

    // WHEN the app runs with nothing on its PATH but node
    run(process.execPath, ['app.js'], consumer, { PATH: path.dirname(process.execPath), HOME: consumer });

    // AND the command line runs from the package alone, with none of the dev dependencies
    const bin = path.join(consumer, 'node_modules', '.bin', 'cdk-apprunner-scheduler');
    const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    expect(run(bin, ['--version'], consumer, { PATH: path.dirname(process.execPath), HOME: consumer }).trim()).toBe(manifest.version);
    expect(run(bin, ['--help'], consumer, { PATH: path.dirname(process.execPath), HOME: consumer })).toContain('Usage: cdk-apprunner-scheduler <command>');

    // THEN the template has the function, loaded from a staged asset, and both schedules
    const cdkOut = path.join(consumer, 'cdk.out');
    const template = JSON.parse(fs.readFileSync(path.join(cdkOut, 'Consumer.template.json'), 'utf8'));
    const resources = Object.values(template.Resources) as { Type: string; Properties: Record<string, unknown> }[];
    const [fn] = resources.filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) } });
    const assetHash = (fn.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
    expect(fs.readFileSync(path.join(cdkOut, `asset.${assetHash}`, 'index.js'), 'utf8')).toContain('apprunner-scheduler');
    const schedules = resources.filter((r) => r.Type === 'AWS::Scheduler::Schedule').map((r) => r.Properties.ScheduleExpression);
    expect(schedules.sort()).toEqual(['cron(0 19 ? * MON-FRI *)', 'cron(0 7 ? * MON-FRI *)']);
    const byArn = JSON.parse(fs.readFileSync(path.join(cdkOut, 'ConsumerByArn.template.json'), 'utf8'));
    expect(Object.values(byArn.Resources).filter((r) => (r as { Type: string }).Type === 'AWS::Scheduler::Schedule')).toHaveLength(1);
  });
});
