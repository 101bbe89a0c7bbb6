/**
 * The shipped bin: the bundle `npm run build` writes to assets/cli/cli.js, run as a child process
 * with nothing but node and the environment, as `npx cdk-apprunner-scheduler` runs it.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type AppRunnerEmulator } from '../../emulator/app-runner-emulator';
import { MARKED_PAUSED } from '../support/scheduler-harness';
import { emulatorEnvironment } from './cli-support';

const run = promisify(execFile);
const PROJECT_ROOT = path.join(__dirname, '..', '..');

let emulator: AppRunnerEmulator;
let dir: string;
/** A copy of the bundle outside the project, so that no node_modules can be reached from it. */
let bin: string;

beforeAll(async () => {
  // The build's own step, as `npm run build` runs it.
  await run(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'bundle-cli.mjs')], { cwd: PROJECT_ROOT });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apprunner-scheduler-bin-'));
  bin = path.join(dir, 'cdk-apprunner-scheduler');
  fs.copyFileSync(path.join(PROJECT_ROOT, 'assets', 'cli', 'cli.js'), bin);
  fs.chmodSync(bin, 0o755);
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The bin's environment: the emulator's, and a PATH with node alone (no dev dependency is reachable). */
function binEnvironment(): NodeJS.ProcessEnv {
  return { ...emulatorEnvironment(emulator.endpoint), PATH: path.dirname(process.execPath), HOME: '/nonexistent', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
}

test('the bundle starts with a node shebang and answers --help', async () => {
  const { stdout } = await run(bin, ['--help'], { env: binEnvironment(), cwd: dir });
  expect(stdout).toMatch(/^Usage: cdk-apprunner-scheduler <command> \[options\]/);
});

test('status against the emulator, configured by the environment alone', async () => {
  emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });

  const { stdout } = await run(bin, ['status', '--time-zone', 'UTC'], { env: binEnvironment(), cwd: dir });

  expect(stdout).toMatch(/^web-admin +eu-west-1 +PAUSED +paused 2026-11-29 19:00 +- +- +leave +resume$/m);
});

test('a bad argument exits 2', async () => {
  await expect(run(bin, ['status', '--tags', 'env'], { env: binEnvironment(), cwd: dir })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--tags: received "env"') });
});
