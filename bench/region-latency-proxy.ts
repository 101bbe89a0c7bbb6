/**
 * Distance in front of the emulator: every request waits `extraMs[region]` more, half on the way in
 * and half on the way back, the region read from the SigV4 credential scope (`Credential=<key>/<date>/
 * <region>/<service>/aws4_request`), as a function in one region calling App Runner in others would.
 * The emulator's own `latencyMs` stays the same-region round trip; a region not named adds nothing.
 * The figures are the benchmark's assumption (public inter-region round trips), not App Runner facts.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy. */
export interface LatencyProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

const CREDENTIAL_SCOPE_REGION = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//;

/** The region a signed request names, or undefined. */
export function signedRegion(authorization: string | undefined): string | undefined {
  return CREDENTIAL_SCOPE_REGION.exec(authorization ?? '')?.[1];
}

/** Starts a proxy on 127.0.0.1 in front of `target` (http://127.0.0.1:<port>). */
export async function startLatencyProxy(target: string, extraMs: Readonly<Record<string, number>>): Promise<LatencyProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const server = http.createServer((req, res) => {
    const region = signedRegion(req.headers.authorization);
    const half = (region === undefined ? 0 : (extraMs[region] ?? 0)) / 2;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      setTimeout(() => {
        const forward = http.request(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
          (answer) => {
            const body: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => body.push(chunk));
            answer.on('end', () =>
              setTimeout(() => {
                res.writeHead(answer.statusCode ?? 500, answer.headers);
                res.end(Buffer.concat(body));
              }, half),
            );
          },
        );
        forward.on('error', () => res.destroy());
        forward.end(Buffer.concat(chunks));
      }, half);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
