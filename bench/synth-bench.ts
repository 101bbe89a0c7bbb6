/**
 * `cdk synth` of a stack with the construct, next to the same stack with one plain Lambda function
 * in its place: in-process `app.synth()` (fresh processes, then warm), and the CDK CLI end to end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { median } from './median';

const ROOT = path.join(__dirname, '..');
const APP = path.join(__dirname, 'synth-app.ts');
const TS_NODE = ['--require', 'ts-node/register/transpile-only'];

/** The stack variants. */
export type SynthVariant = 'scheduler' | 'function';

/** One variant's synth figures (medians, ms). */
export interface SynthResult {
  readonly variant: SynthVariant;
  readonly resources: number;
  /** Importing aws-cdk-lib (and the construct) in a fresh process. */
  readonly importMs: number;
  /** Building the construct tree, first time in a process. */
  readonly firstBuildMs: number;
  /** `app.synth()`, first time in a process (aws-cdk-lib compiles its template validator then). */
  readonly firstSynthMs: number;
  /** Building and synthesizing again in the same process, or undefined when not measured. */
  readonly warmBuildMs?: number;
  readonly warmSynthMs?: number;
  /** `cdk synth` with the CLI, spawn to exit (the app run with ts-node), or undefined when not measured. */
  readonly cliMs?: number;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, TS_NODE_PREFER_TS_EXTS: 'true', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code === 0) resolve({ stdout, ms });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

interface AppReport {
  importMs: number;
  first: { buildMs: number; synthMs: number; resources: number };
  warm?: { buildMs: number; synthMs: number };
}

/** Measures one variant: `processes` fresh processes of 1 + `warmRepeats` synths each, and `cliRuns` CLI runs. */
export async function measureSynth(variant: SynthVariant, processes: number, warmRepeats: number, cliRuns: number): Promise<SynthResult> {
  const reports: AppReport[] = [];
  for (let i = 0; i < processes; i += 1) {
    const outdir = mkdtempSync(path.join(tmpdir(), 'synth-bench-'));
    try {
      const { stdout } = await run(process.execPath, [...TS_NODE, APP, variant], {
        BENCH_SYNTH_REPEATS: String(warmRepeats),
        CDK_OUTDIR: outdir,
      });
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH '));
      if (!line) throw new Error(`the synth app printed no figures: ${stdout}`);
      reports.push(JSON.parse(line.slice('BENCH '.length)) as AppReport);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  const cli: number[] = [];
  for (let i = 0; i < cliRuns; i += 1) {
    const outdir = mkdtempSync(path.join(tmpdir(), 'synth-bench-cli-'));
    try {
      const appCommand = `"${process.execPath}" ${TS_NODE.join(' ')} "${APP}" ${variant}`;
      const cdkCli = path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
      cli.push((await run(process.execPath, [cdkCli, 'synth', '--app', appCommand, '--output', outdir, '--quiet', '--no-notices'], {})).ms);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  return {
    variant,
    resources: reports[0].first.resources,
    importMs: median(reports.map((r) => r.importMs)),
    firstBuildMs: median(reports.map((r) => r.first.buildMs)),
    firstSynthMs: median(reports.map((r) => r.first.synthMs)),
    ...(warmRepeats > 0 && {
      warmBuildMs: median(reports.map((r) => r.warm?.buildMs ?? 0)),
      warmSynthMs: median(reports.map((r) => r.warm?.synthMs ?? 0)),
    }),
    ...(cli.length > 0 && { cliMs: median(cli) }),
  };
}
