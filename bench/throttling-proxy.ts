/**
 * A request-rate quota in front of the emulator, as AWS applies one per account and API: a token
 * bucket of `ratePerSecond` requests with `burst` capacity. A request that finds the bucket empty is
 * answered `ThrottlingException` (HTTP 400, App Runner's unmodelled throttling error) after the same
 * latency as any call; the others go through to the emulator unchanged. App Runner publishes no
 * quota, so the rate is a parameter of the benchmark, not a fact.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The quota. */
export interface RateQuota {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/** A running proxy. */
export interface ThrottlingProxy {
  readonly endpoint: string;
  /** Requests answered with ThrottlingException so far. */
  readonly throttled: number;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 in front of `target` (http://127.0.0.1:<port>). */
export async function startThrottlingProxy(target: string, quota: RateQuota, latencyMs: number): Promise<ThrottlingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let tokens = quota.burst;
  let refilledAt = Date.now();
  let throttled = 0;
  const take = (): boolean => {
    const now = Date.now();
    tokens = Math.min(quota.burst, tokens + ((now - refilledAt) / 1000) * quota.ratePerSecond);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (!take()) {
        throttled += 1;
        const body = JSON.stringify({ __type: 'ThrottlingException', Message: 'Rate exceeded' });
        setTimeout(() => {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-ErrorType': 'ThrottlingException', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        }, latencyMs);
        return;
      }
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get throttled() {
      return throttled;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
