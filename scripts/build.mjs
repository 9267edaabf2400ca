// Builds the compiled entry points with esbuild: the CLI and one file per hook.
// Every output is a self-contained ESM bundle, so the plugin runs without node_modules
// and each hook process loads exactly one file (its start-up time is part of the product).
// Each output file is written to a temporary name and renamed into place, so a process that
// runs dist/ while a rebuild happens (parallel test runs) never reads a half-written bundle.
import { build } from 'esbuild';
import { readdirSync, existsSync, mkdirSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

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

// The CLI is an ES module; bundled CommonJS dependencies that read __filename/__dirname get them
// from scripts/cjs-shims.mjs.
writeOutputs(
  await build({ ...common, inject: [join(root, 'scripts/cjs-shims.mjs')], entryPoints: { cli: join(root, 'src/cli/main.ts') }, outdir: join(root, 'dist') }),
);
// The dashboard's page script (src/dashboard/client/): a browser bundle the dashboard inlines into
// its one page, so the page needs no CDN and no second request.
writeOutputs(
  await build({ ...common, banner: undefined, platform: 'browser', target: 'es2020', minify: true, entryPoints: { client: join(root, 'src/dashboard/client/main.ts') }, outdir: join(root, 'dist/dashboard') }),
);
if (hookEntries.length > 0) {
  // Hooks start once per tool call, so their start-up is tuned (docs/safety-policy.md, "Hooks and
  // their cost"): CommonJS (no ESM loader), and each dist/hooks/<name>.js is a tiny loader that runs
  // dist/hooks/core/<name>.js with a V8 code cache (src/hooks/loader/run-cached.ts).
  // The code cache's file name carries a hash of the core's text: V8 checks a cache only against
  // the source's length, so a rebuilt core must never meet an old cache.
  const hook = { ...common, format: 'cjs', banner: undefined, minify: true };
  const coreDir = join(root, 'dist/hooks/core');
  // Each core starts with a `//overnight-core:<hash>` line the loader checks, so a loader and a
  // core from different builds (a rebuild racing a running hook) never share a cache.
  const cores = await build({ ...hook, entryPoints: hookEntries, outdir: coreDir });
  if (existsSync(coreDir)) for (const f of readdirSync(coreDir)) if (f.endsWith('.v8cache')) rmSync(join(coreDir, f), { force: true });
  const hashes = new Map();
  const stamped = cores.outputFiles.map((f) => {
    const hash = createHash('sha256').update(f.contents).digest('hex').slice(0, 16);
    hashes.set(basename(f.path), hash);
    return { path: f.path, contents: Buffer.concat([Buffer.from(`//overnight-core:${hash}\n`), Buffer.from(f.contents)]) };
  });
  writeOutputs({ outputFiles: stamped });
  for (const entry of hookEntries) {
    const name = basename(entry, '.ts');
    const hash = hashes.get(`${name}.js`);
    const contents =
      `import { runCached } from './run-cached.js';\n` +
      `runCached(require('node:path').join(__dirname, 'core', ${JSON.stringify(`${name}.js`)}), ${name !== 'audit'}, require, ${JSON.stringify(hash)});\n`;
    writeOutputs(
      await build({
        ...hook,
        stdin: { contents, resolveDir: join(root, 'src/hooks/loader'), sourcefile: `${name}-loader.ts`, loader: 'ts' },
        outfile: join(root, 'dist/hooks', `${name}.js`),
      }),
    );
  }
  writeOutputs({ outputFiles: [{ path: join(root, 'dist/hooks/package.json'), contents: '{ "type": "commonjs" }\n' }] });
}
