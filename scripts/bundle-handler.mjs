// Bundles the Lambda handler into assets/handler/index.js, the directory the construct loads with
// Code.fromAsset. Everything the handler imports is bundled, the AWS SDK and Powertools included,
// so the versions that run are the ones this package was tested with (not whatever the Lambda
// runtime happens to ship), and consumers need neither esbuild nor Docker.
// Run by `npm run build` and by the jest global setup; importable so both share these options.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The handler's source entry point. */
const HANDLER_ENTRY = join(PACKAGE_ROOT, 'lambda', 'index.ts');

/** The asset directory; lib/app-runner-scheduler.ts points Code.fromAsset here. */
const HANDLER_ASSET_DIR = join(PACKAGE_ROOT, 'assets', 'handler');

/**
 * Writes the bundle. The file is replaced in one rename, so a synth running at the same time (another
 * jest worker, a watch) reads either the old bundle or the new one, never half of one.
 * @returns the size of the bundle in bytes
 */
export async function bundleHandler() {
  const outfile = join(HANDLER_ASSET_DIR, 'index.js');
  const { outputFiles } = await build({
    entryPoints: [HANDLER_ENTRY],
    outfile,
    write: false,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // ES module builds of the SDK tree-shake far better than their CommonJS builds.
    mainFields: ['module', 'main'],
    minify: true,
    // Error names (InvalidEventError, RunFailedError) are what Lambda reports as the error type.
    keepNames: true,
    logLevel: 'warning',
  });
  const [bundle] = outputFiles;
  mkdirSync(HANDLER_ASSET_DIR, { recursive: true });
  const partial = `${outfile}.${process.pid}.partial`;
  writeFileSync(partial, bundle.contents);
  renameSync(partial, outfile);
  return bundle.contents.byteLength;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bytes = await bundleHandler();
  // Standard error: cdk.json runs this before every synth, and `cdk synth > template.yaml` must get the template alone.
  process.stderr.write(`bundled ${relative(PACKAGE_ROOT, HANDLER_ENTRY)} -> ${relative(PACKAGE_ROOT, HANDLER_ASSET_DIR)}/index.js (${Math.round(bytes / 1024)} KiB)\n`);
}
