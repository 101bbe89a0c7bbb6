/**
 * The child process of `emulator-host.ts`: starts an emulator (and its quota proxy) with the options
 * in argv[2], sends its endpoint, then answers the parent's requests until the IPC channel closes.
 */
import { hostEmulator, serve, type HostRequest, type HostResponse } from './emulator-host';

async function main(): Promise<void> {
  const hosted = await hostEmulator(JSON.parse(process.argv[2] ?? '{}'));
  const handle = serve(hosted);
  process.on('message', (message) => {
    const { id, method, args } = message as HostRequest;
    handle(method, args).then(
      (result) => process.send?.({ id, result } satisfies HostResponse),
      (error: unknown) => process.send?.({ id, error: String(error) } satisfies HostResponse),
    );
  });
  process.on('disconnect', () => {
    void handle('close', []).then(() => process.exit(0));
  });
  process.send?.({ endpoint: hosted.endpoint });
}

void main();
