// Removes what `npm run build` and `npm run package:python` write: compiled JavaScript beside the
// sources, the jsii assembly, the handler asset and the Python distribution. API.md stays: it is committed.
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
for (const built of ['assets', '.jsii', 'tsconfig.tsbuildinfo', '.pacmak', 'dist']) rmSync(built, { recursive: true, force: true });
