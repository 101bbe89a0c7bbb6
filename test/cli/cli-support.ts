/**
 * Drives the command line in-process against the emulator: an environment pointing the real SDK
 * clients at it (dummy credentials, a region, `AWS_ENDPOINT_URL_*`), captured streams, a fixed clock.
 */
import type { AppRunnerEmulator } from '../../emulator/app-runner-emulator';
import { main } from '../../cli/main';
import type { OutputStream } from '../../cli/output';
import { FAST_POLL, REGION, TEST_CREDENTIALS } from '../support/scheduler-harness';

/** A captured stream. */
export class Captured implements OutputStream {
  text = '';
  constructor(readonly isTTY = false) {}
  write(text: string): boolean {
    this.text += text;
    return true;
  }
}

/** What one run of the command line printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Tuesday 1 December 2026, 18:00 in London (UTC+0 in winter): an hour before a 19:00 pause. */
export const TUESDAY_EVENING = Date.parse('2026-12-01T18:00:00Z');

/** The environment the bin would get in a shell pointed at the emulator. */
export function emulatorEnvironment(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_APPRUNNER: endpoint,
    AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API: endpoint,
    TZ: 'Europe/London',
    ...extra,
  };
}

/** Options of one run. */
export interface RunOptions {
  readonly env?: Record<string, string>;
  /** Epoch ms the clock starts at; it then moves with real time. @default TUESDAY_EVENING */
  readonly at?: number;
  /** Whether standard error is a terminal. @default false */
  readonly tty?: boolean;
}

/** Runs `cdk-apprunner-scheduler ...argv` against the emulator. */
export async function cli(emulator: AppRunnerEmulator, argv: string[], options: RunOptions = {}): Promise<CliResult> {
  const stdout = new Captured();
  const stderr = new Captured(options.tty ?? false);
  const start = Date.now();
  const at = options.at ?? TUESDAY_EVENING;
  const code = await main(argv, {
    env: options.env ?? emulatorEnvironment(emulator.endpoint),
    stdout,
    stderr,
    clock: () => at + (Date.now() - start),
    poll: FAST_POLL,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
