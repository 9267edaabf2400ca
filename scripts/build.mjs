// Builds the compiled entry points with esbuild: the CLI and one file per hook.
// Every output is a self-contained ESM bundle, so the plugin runs without node_modules
// and each hook process loads exactly one file (its start-up time is part of the product).
// Each output file is written to a temporary name and renamed into place, so a process that
// runs dist/ while a rebuild happens (parallel test runs) never reads a half-written bundle.
import { build } from 'esbuild';
import { readdirSync, existsSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const hooksDir = join(root, 'src/hooks/entry');
const hookEntries = existsSync(hooksDir)
  ? readdirSync(hooksDir).filter((f) => f.endsWith('.ts')).map((f) => join(hooksDir, f))
  : [];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  banner: {
    js: "import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);",
  },
};

/** Writes esbuild's in-memory outputs atomically (temp file + rename). */
function writeOutputs(result) {
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

writeOutputs(await build({ ...common, entryPoints: { cli: join(root, 'src/cli/main.ts') }, outdir: join(root, 'dist') }));
if (hookEntries.length > 0) {
  writeOutputs(await build({ ...common, entryPoints: hookEntries, outdir: join(root, 'dist/hooks'), minify: true }));
}
