/**
 * The CDK app `synth-bench.ts` times: a stack with an AppRunnerScheduler (`scheduler`), or the same
 * stack with one plain Lambda function on the same asset in its place (`function`). `cdk synth --app`
 * runs it as it is. With BENCH_SYNTH_REPEATS=n (0 allowed) it also builds and synthesizes n more apps in the same
 * process, and prints one `BENCH {json}` line: import, first build and synth (a fresh process), and
 * the median of the later ones (the libraries loaded and compiled).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './median';

const t0 = performance.now();
/* eslint-disable @typescript-eslint/no-require-imports -- timed imports: a static import would run before t0 */
const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda') as typeof import('aws-cdk-lib/aws-lambda');
const variant = process.argv[2] ?? 'scheduler';
const construct = variant === 'scheduler' ? (require('../lib') as typeof import('../lib')) : undefined;
/* eslint-enable @typescript-eslint/no-require-imports */
const importMs = performance.now() - t0;

/** Builds and synthesizes one app; returns the times and the number of resources. */
function synthOnce(outdir?: string): { buildMs: number; synthMs: number; resources: number } {
  const start = performance.now();
  const app = new cdk.App(outdir ? { outdir } : {});
  const stack = new cdk.Stack(app, 'SynthBench');
  if (construct) {
    new construct.AppRunnerScheduler(stack, 'Scheduler', {
      tags: { 'apprunner-scheduler:schedule': 'office-hours' },
      timeZone: cdk.TimeZone.EUROPE_LONDON,
      pauseAt: '19:00',
      resumeAt: '07:00',
    });
  } else {
    new lambda.Function(stack, 'Function', {
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'assets', 'handler')),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
    });
  }
  const built = performance.now();
  const assembly = app.synth();
  const resources = Object.keys(assembly.getStackByName('SynthBench').template.Resources ?? {}).length;
  return { buildMs: built - start, synthMs: performance.now() - built, resources };
}

const first = synthOnce();
if (process.env.BENCH_SYNTH_REPEATS !== undefined) {
  const repeats = Number(process.env.BENCH_SYNTH_REPEATS);
  const later = Array.from({ length: repeats }, () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'synth-bench-'));
    try {
      return synthOnce(outdir);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
  const report = {
    importMs,
    first,
    warm: repeats > 0 ? { buildMs: median(later.map((r) => r.buildMs)), synthMs: median(later.map((r) => r.synthMs)) } : undefined,
  };
  process.stdout.write(`BENCH ${JSON.stringify(report)}\n`);
}
