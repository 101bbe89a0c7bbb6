/**
 * The real handler wired to the App Runner emulator through the real AWS SDK, with polling scaled
 * down to the emulator's short operations. Shared by the integration tests, the reliability suite,
 * the demo and the benchmarks.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SdkAppRunnerGateway, type SdkGatewayOptions } from '../../lambda/app-runner';
import { createHandler, type HandlerDependencies, type InvocationContext } from '../../lambda/index';
import type { RunReport } from '../../lambda/report';
import type { PollSettings } from '../../lambda/status-watcher';
import { startEmulator, type AppRunnerEmulator, type EmulatorOptions } from '../../emulator/app-runner-emulator';

/** The region the emulator's services live in by default, and the function's own region here. */
export const REGION = 'eu-west-1';

/** Polling for operations that take tens of milliseconds. */
export const FAST_POLL: PollSettings = { initialMs: 10, maxMs: 40, factor: 1.5 };

/** Credentials the emulator accepts (it does not verify signatures). */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' };

/** A handler invocation: the event and, optionally, a Lambda context. */
export type Invoke = (event: unknown, context?: InvocationContext) => Promise<RunReport>;

/** A running emulator and a handler that talks to it. */
export interface SchedulerHarness {
  readonly emulator: AppRunnerEmulator;
  readonly invoke: Invoke;
  close(): Promise<void>;
}

/** Options for `startHarness`. */
export interface HarnessOptions {
  readonly emulator?: EmulatorOptions;
  readonly gateway?: Omit<SdkGatewayOptions, 'endpoint' | 'credentials'>;
  readonly handler?: Omit<HandlerDependencies, 'gateway'>;
}

/** The SDK gateway pointed at an emulator: 4 standard attempts unless `options` says otherwise, so faults surface quickly. */
export function emulatorGateway(emulator: AppRunnerEmulator, options: HarnessOptions['gateway'] = {}): SdkAppRunnerGateway {
  return new SdkAppRunnerGateway({ maxAttempts: 4, retryMode: 'standard', ...options, endpoint: emulator.endpoint, credentials: TEST_CREDENTIALS });
}

/** Starts an emulator and builds a handler against it; the logger is silent unless one is given. */
export async function startHarness(options: HarnessOptions = {}): Promise<SchedulerHarness> {
  const emulator = await startEmulator(options.emulator);
  const gateway = emulatorGateway(emulator, options.gateway);
  const invoke = createHandler({
    region: REGION,
    poll: FAST_POLL,
    logger: new Logger({ logLevel: 'SILENT' }),
    ...options.handler,
    gateway,
  });
  return { emulator, invoke, close: () => emulator.close() };
}

/** A Lambda context with this much time left. */
export function contextWithRemaining(ms: number): InvocationContext {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => end - Date.now() };
}
