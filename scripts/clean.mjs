// Removes what `npm run build` writes: compiled JavaScript beside the sources and the handler asset.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

function removeCompiled(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) removeCompiled(path);
    else if (name.endsWith('.js') || name.endsWith('.d.ts')) rmSync(path);
  }
}

for (const dir of ['contract', 'lib', 'lambda', 'bin']) removeCompiled(dir);
rmSync('assets', { recursive: true, force: true });
