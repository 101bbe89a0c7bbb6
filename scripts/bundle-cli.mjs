// Bundles the command line into assets/cli/cli.js, the package's `cdk-apprunner-scheduler` bin.
// Everything it imports is bundled (the AWS SDK clients included), so the shipped bin needs none of
// the dev dependencies at run time. Run by `npm run build`; the CLI's bin test bundles it too.
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The command line's source entry point. */
const CLI_ENTRY = join(PACKAGE_ROOT, 'cli', 'index.ts');

/** Where the bin is written; package.json's `bin` points here. */
export const CLI_BUNDLE = join(PACKAGE_ROOT, 'assets', 'cli', 'cli.js');

/**
 * Writes the bundle, replaced in one rename so that a run at the same time reads a whole file.
 * @returns the size of the bundle in bytes
 */
export async function bundleCli() {
  const { outputFiles } = await build({
    entryPoints: [CLI_ENTRY],
    outfile: CLI_BUNDLE,
    write: false,
    bundle: true,
    platform: 'node',
    // The package supports Node.js 20 and 22 (package.json engines).
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    minify: true,
    keepNames: true,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  const [bundle] = outputFiles;
  mkdirSync(dirname(CLI_BUNDLE), { recursive: true });
  const partial = `${CLI_BUNDLE}.${process.pid}.partial`;
  writeFileSync(partial, bundle.contents);
  chmodSync(partial, 0o755);
  renameSync(partial, CLI_BUNDLE);
  return bundle.contents.byteLength;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bytes = await bundleCli();
  process.stderr.write(`bundled ${relative(PACKAGE_ROOT, CLI_ENTRY)} -> ${relative(PACKAGE_ROOT, CLI_BUNDLE)} (${Math.round(bytes / 1024)} KiB)\n`);
}
