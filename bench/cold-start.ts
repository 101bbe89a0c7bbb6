/**
 * Cold start of the bundled handler: the asset's size, and the time a fresh Node process takes to
 * load it and to answer its first invocation, next to loading `@aws-sdk/client-apprunner` from
 * node_modules. Every figure is the median of `repeats` fresh processes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { startEmulator } from '../emulator/app-runner-emulator';
import { median } from './median';

const ROOT = path.join(__dirname, '..');
const ASSET = path.join(ROOT, 'assets', 'handler', 'index.js');

/** What loading one module cost in fresh processes (medians, ms). */
export interface LoadTime {
  readonly what: string;
  /** `require()` of the module. */
  readonly requireMs: number;
  /** The whole process, spawn to exit (Node's own start included). */
  readonly processMs: number;
  /** For the handler: its first invocation after the require (SDK clients built, first connection). */
  readonly firstInvokeMs?: number;
  /** For the handler: a second invocation in the same process. */
  readonly warmInvokeMs?: number;
}

/** The cold-start figures. */
export interface ColdStartResult {
  readonly assetBytes: number;
  /** The asset deflated, about what the deployment zip holds. */
  readonly assetDeflatedBytes: number;
  readonly repeats: number;
  readonly loads: LoadTime[];
}

/** Loads argv[1] and, when BENCH_EVENT is set, invokes its `handler` twice; prints one `BENCH {json}` line. */
const PROBE = `
const { performance } = require('node:perf_hooks');
const t0 = performance.now();
const loaded = require(process.argv[1]);
const requireMs = performance.now() - t0;
(async () => {
  const result = { requireMs };
  if (process.env.BENCH_EVENT) {
    const event = JSON.parse(process.env.BENCH_EVENT);
    let t = performance.now();
    await loaded.handler(event);
    result.firstInvokeMs = performance.now() - t;
    t = performance.now();
    await loaded.handler(event);
    result.warmInvokeMs = performance.now() - t;
  }
  // Exit at once: the SDK's kept-alive sockets would hold the process open.
  process.stdout.write('BENCH ' + JSON.stringify(result) + '\\n', () => process.exit(0));
})();
`;

/** Runs the probe in a fresh process (asynchronously: the emulator answering the handler lives in this one). */
function probeOnce(target: string, env: NodeJS.ProcessEnv): Promise<Omit<LoadTime, 'what'>> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', PROBE, target], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', () => {
      const processMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH '));
      if (!line) reject(new Error(`loading ${target} failed: ${stderr}`));
      else resolve({ processMs, ...(JSON.parse(line.slice('BENCH '.length)) as Omit<LoadTime, 'what' | 'processMs'>) });
    });
  });
}

async function probe(what: string, target: string, repeats: number, env: NodeJS.ProcessEnv = {}): Promise<LoadTime> {
  const runs: Omit<LoadTime, 'what'>[] = [];
  for (let i = 0; i < repeats; i += 1) runs.push(await probeOnce(target, env));
  const pick = (key: 'firstInvokeMs' | 'warmInvokeMs') => (runs[0][key] === undefined ? {} : { [key]: median(runs.map((r) => r[key] ?? 0)) });
  return {
    what,
    requireMs: median(runs.map((r) => r.requireMs)),
    processMs: median(runs.map((r) => r.processMs)),
    ...pick('firstInvokeMs'),
    ...pick('warmInvokeMs'),
  };
}

/** Builds the asset with the project's bundling script, then measures. */
export async function measureColdStart(repeats: number, latencyMs: number): Promise<ColdStartResult> {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle-handler.mjs')], { cwd: ROOT, stdio: 'ignore' });
  const asset = readFileSync(ASSET);
  const emulator = await startEmulator({ latencyMs });
  try {
    const arn = emulator.addService({ name: 'cold-start' });
    const lambdaEnv = {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      BENCH_EVENT: JSON.stringify({ action: 'pause', services: [arn], dryRun: true }),
    };
    return {
      assetBytes: asset.byteLength,
      assetDeflatedBytes: deflateRawSync(asset, { level: 9 }).byteLength,
      repeats,
      loads: [
        await probe('node itself (an empty module)', path.join(__dirname, 'empty-module.cjs'), repeats),
        await probe('@aws-sdk/client-apprunner from node_modules', '@aws-sdk/client-apprunner', repeats),
        await probe('the bundled handler (assets/handler/index.js)', ASSET, repeats, lambdaEnv),
      ],
    };
  } finally {
    await emulator.close();
  }
}
