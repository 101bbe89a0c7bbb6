/**
 * The App Runner emulator as the benchmarks use it: either in this process (the smoke test), or in
 * a child process of its own (`npm run bench`), so that the emulator's CPU time is neither counted
 * as the engine's nor taken from the engine's event loop, as with the real App Runner.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  startEmulator,
  type AppRunnerEmulator,
  type CallRecord,
  type EmulatorOptions,
  type FaultSpec,
  type ServiceSnapshot,
  type ServiceSpec,
} from '../emulator/app-runner-emulator';
import { startLatencyProxy, type LatencyProxy } from './region-latency-proxy';
import { startThrottlingProxy, type RateQuota, type ThrottlingProxy } from './throttling-proxy';

/** What the benchmarks ask of an emulator; every call is asynchronous so that it can live elsewhere. */
export interface BenchEmulator {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** Creates the services and returns their ARNs, in order. */
  addServices(specs: readonly ServiceSpec[]): Promise<string[]>;
  /** Creates the member role (MEMBER_ROLE_NAME) in each account. */
  addRoles(accounts: readonly string[]): Promise<void>;
  /** Every request received since the start or the last `clearCalls()`. */
  calls(): Promise<CallRecord[]>;
  clearCalls(): Promise<void>;
  /** Every service as it is now, with its operations. */
  services(): Promise<ServiceSnapshot[]>;
  /** The most requests in flight at once since the last `clearCalls()`. */
  peakInFlight(): Promise<number>;
  /** Requests the quota refused (ThrottlingException), since the start. */
  throttled(): Promise<number>;
  injectFault(spec: FaultSpec): Promise<void>;
  close(): Promise<void>;
}

/** The emulator's options, and optionally a request-rate quota and distance to regions in front of it. */
export interface BenchEmulatorOptions extends EmulatorOptions {
  readonly quota?: RateQuota;
  /** Extra round trip per region, in ms, on top of `latencyMs` (`region-latency-proxy.ts`). @default none */
  readonly regionLatencyMs?: Readonly<Record<string, number>>;
}

/** Where the emulator runs. */
export type EmulatorPlacement = 'in-process' | 'child-process';

/** A request to the child process, and its answer. */
export interface HostRequest {
  readonly id: number;
  readonly method: keyof Omit<BenchEmulator, 'endpoint'>;
  readonly args: unknown[];
}

/** The child's answer to a `HostRequest`. */
export interface HostResponse {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

/** Starts an emulator where asked. */
export function startBenchEmulator(placement: EmulatorPlacement, options: BenchEmulatorOptions): Promise<BenchEmulator> {
  return placement === 'in-process' ? startInProcess(options) : startChildProcess(options);
}

/** An emulator and, with a quota or distances, the proxies in front of it: what `serve` answers for. */
export interface HostedEmulator {
  readonly emulator: AppRunnerEmulator;
  readonly proxy?: ThrottlingProxy;
  readonly distance?: LatencyProxy;
  /** Where clients go: the proxy when there is one. */
  readonly endpoint: string;
}

/** Starts the emulator and, with distances, the latency proxy in front of it, and with a quota, the quota's proxy in front of those. */
export async function hostEmulator(options: BenchEmulatorOptions): Promise<HostedEmulator> {
  const { quota, regionLatencyMs, ...emulatorOptions } = options;
  const emulator = await startEmulator(emulatorOptions);
  const distance = regionLatencyMs ? await startLatencyProxy(emulator.endpoint, regionLatencyMs) : undefined;
  const near = distance?.endpoint ?? emulator.endpoint;
  const proxy = quota ? await startThrottlingProxy(near, quota, options.latencyMs ?? 0) : undefined;
  return { emulator, proxy, distance, endpoint: proxy?.endpoint ?? near };
}

/** Serves `HostRequest`s against a hosted emulator: the child process side, also used in-process. */
export function serve({ emulator, proxy, distance }: HostedEmulator): (method: HostRequest['method'], args: unknown[]) => Promise<unknown> {
  return async (method, args) => {
    switch (method) {
      case 'addServices':
        return (args[0] as ServiceSpec[]).map((spec) => emulator.addService(spec));
      case 'addRoles':
        for (const account of args[0] as string[]) emulator.addRole(account);
        return undefined;
      case 'calls':
        return [...emulator.calls];
      case 'clearCalls':
        return emulator.clearCalls();
      case 'services':
        return emulator.services();
      case 'peakInFlight':
        return emulator.peakInFlight();
      case 'throttled':
        return proxy?.throttled ?? 0;
      case 'injectFault':
        emulator.injectFault(args[0] as FaultSpec);
        return undefined;
      case 'close':
        await proxy?.close();
        await distance?.close();
        return emulator.close();
    }
  };
}

async function startInProcess(options: BenchEmulatorOptions): Promise<BenchEmulator> {
  const hosted = await hostEmulator(options);
  const call = serve(hosted);
  return adapt(hosted.endpoint, call, () => call('close', []) as Promise<void>);
}

async function startChildProcess(options: BenchEmulatorOptions): Promise<BenchEmulator> {
  const child = fork(path.join(__dirname, 'emulator-process.ts'), [JSON.stringify(options)], {
    execArgv: ['--require', 'ts-node/register/transpile-only'],
    env: { ...process.env, TS_NODE_PREFER_TS_EXTS: 'true' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { endpoint: string }).endpoint));
    child.once('exit', (code) => reject(new Error(`the emulator process exited (code ${code}) before it listened`)));
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.on('message', (message) => {
    const { id, result, error } = message as HostResponse;
    const waiter = pending.get(id);
    pending.delete(id);
    if (error === undefined) waiter?.resolve(result);
    else waiter?.reject(new Error(`emulator process: ${error}`));
  });
  let nextId = 1;
  const call = (method: HostRequest['method'], args: unknown[] = []): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, method, args } satisfies HostRequest);
    });
  return adapt(endpoint, call, async () => {
    await call('close');
    await stop(child);
  });
}

/** A `BenchEmulator` whose methods are requests through `call`; `close` is given, as each placement closes differently. */
function adapt(
  endpoint: string,
  call: (method: HostRequest['method'], args: unknown[]) => Promise<unknown>,
  close: () => Promise<void>,
): BenchEmulator {
  return {
    endpoint,
    addServices: (specs) => call('addServices', [specs]) as Promise<string[]>,
    addRoles: (accounts) => call('addRoles', [accounts]) as Promise<void>,
    calls: () => call('calls', []) as Promise<CallRecord[]>,
    clearCalls: () => call('clearCalls', []) as Promise<void>,
    services: () => call('services', []) as Promise<ServiceSnapshot[]>,
    peakInFlight: () => call('peakInFlight', []) as Promise<number>,
    throttled: () => call('throttled', []) as Promise<number>,
    injectFault: (spec) => call('injectFault', [spec]) as Promise<void>,
    close,
  };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.disconnect();
  });
}
