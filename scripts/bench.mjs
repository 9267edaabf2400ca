// `npm run bench`: builds dist/, then bundles and runs every bench/*.bench.ts in turn.
// Each benchmark prints its own side-by-side figures against a baseline measured in the same run.
import { build } from 'esbuild';
import { readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
const only = process.argv[2];
const benches = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)));
// Inside the project so that bundles with external packages resolve node_modules.
const out = join(root, 'node_modules/.cache/overnight-bench');
mkdirSync(out, { recursive: true });
let failed = false;
for (const file of benches) {
  const outfile = join(out, file.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(root, 'bench', file)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm',
    packages: 'external', logLevel: 'warning', absWorkingDir: root,
  });
  console.log(`\n=== ${file} ===`);
  try {
    execFileSync(process.execPath, [outfile], { stdio: 'inherit', cwd: root, env: { ...process.env, OVERNIGHT_PLUGIN_ROOT: root } });
  } catch {
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
