// Builds the compiled entry points with esbuild: the CLI and one file per hook.
// Every output is a self-contained ESM bundle, so the plugin runs without node_modules
// and each hook process loads exactly one file (its start-up time is part of the product).
import { build } from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

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
  banner: {
    js: "import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);",
  },
};

await build({ ...common, entryPoints: { cli: join(root, 'src/cli/main.ts') }, outdir: join(root, 'dist') });
if (hookEntries.length > 0) {
  await build({ ...common, entryPoints: hookEntries, outdir: join(root, 'dist/hooks'), minify: true });
}
