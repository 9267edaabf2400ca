// Builds dist/ with esbuild: the CLI (an entry point plus code-split chunks), the dashboard's page
// script, and one file per hook.
// dist/ is committed (a plain git clone is a working plugin: docs/architecture.md, "dist/ is
// committed"), so the build is deterministic: the same sources and lockfile give the same bytes,
// whatever folder the checkout is in (paths in the output are relative to the project root).
//
// Every output is a self-contained bundle: every runtime dependency is inside it and nothing is
// loaded from node_modules at run time. Each hook process loads exactly one core file (its start-up
// time is part of the product); the CLI loads its entry (commander and every command's options)
// and then only the chunks the command it runs imports (src/cli/commands/*: heavy modules are
// imported inside the action).
//
// `node scripts/build.mjs` writes dist/ and plugin/ (what a marketplace install copies: the plugin files and dist/) (each file to a temporary name, renamed into place, so a
// process running dist/ during a rebuild never reads a half-written file) and removes files of
// older builds. `buildBundles()` builds in memory only (the freshness test compares it with the
// committed dist/).
import { build } from 'esbuild';
import { readdirSync, readFileSync, existsSync, mkdirSync, writeFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** The plugin's version (package.json), compiled into `overnight --version`. */
function packageVersion() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
}

/**
 * Optional dependencies that bundled packages `require()` inside try/catch and work without
 * (debug, used by simple-git, tries supports-color). esbuild leaves an unresolvable require as it
 * is, which would load the package from whatever node_modules is around at run time; they are
 * bundled as an empty module instead, so the bundle behaves the same everywhere.
 */
const OPTIONAL_ABSENT = ['supports-color'];
const optionalAbsent = {
  name: 'optional-absent',
  setup(b) {
    const filter = new RegExp(`^(${OPTIONAL_ABSENT.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'optional-absent' }));
    b.onLoad({ filter: /.*/, namespace: 'optional-absent' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const common = {
  plugins: [optionalAbsent],
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  metafile: true,
};

/**
 * The CLI: dist/cli.js and dist/chunks/*.js (ESM, code splitting). Chunk names carry a hash of
 * their content, so they are stable across builds of the same sources. Bundled CommonJS
 * dependencies get `require` (banner) and `__filename`/`__dirname` (scripts/cjs-shims.mjs).
 */
async function buildCli() {
  return build({
    ...common,
    format: 'esm',
    splitting: true,
    minify: true,
    entryPoints: { cli: join(root, 'src/cli/main.ts') },
    outdir: dist,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    inject: [join(root, 'scripts/cjs-shims.mjs')],
    define: { OVERNIGHT_BUILD_VERSION: JSON.stringify(packageVersion()) },
    banner: {
      js: "import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);",
    },
  });
}

/**
 * The dashboard's page script (src/dashboard/client/): a browser bundle the dashboard inlines into
 * its one page, so the page needs no CDN and no second request.
 */
async function buildDashboardClient() {
  if (!existsSync(join(root, 'src/dashboard/client/main.ts'))) return undefined;
  return build({ ...common, platform: 'browser', target: 'es2020', minify: true, entryPoints: { client: join(root, 'src/dashboard/client/main.ts') }, outdir: join(dist, 'dashboard') });
}

/**
 * The hooks. They start once per tool call, so their start-up is tuned (docs/safety-policy.md,
 * "Hooks and their cost"): CommonJS (no ESM loader), and each dist/hooks/<name>.js is a tiny loader
 * that runs dist/hooks/core/<name>.js with a V8 code cache (src/hooks/loader/run-cached.ts).
 * The code cache's file name carries a hash of the core's text: V8 checks a cache only against
 * the source's length, so a rebuilt core must never meet an old cache. Each core starts with a
 * `//overnight-core:<hash>` line the loader checks, so a loader and a core from different builds
 * (a rebuild racing a running hook) never share a cache.
 */
async function buildHooks() {
  const hooksDir = join(root, 'src/hooks/entry');
  const entries = existsSync(hooksDir)
    ? readdirSync(hooksDir).filter((f) => f.endsWith('.ts')).sort().map((f) => join(hooksDir, f))
    : [];
  if (entries.length === 0) return { files: [], metafiles: [] };
  const hook = { ...common, format: 'cjs', minify: true };
  const cores = await build({ ...hook, entryPoints: entries, outdir: join(dist, 'hooks/core') });
  const metafiles = [cores.metafile];
  const hashes = new Map();
  const files = cores.outputFiles.map((f) => {
    const hash = createHash('sha256').update(f.contents).digest('hex').slice(0, 16);
    hashes.set(basename(f.path), hash);
    return { path: f.path, contents: Buffer.concat([Buffer.from(`//overnight-core:${hash}\n`), Buffer.from(f.contents)]) };
  });
  for (const entry of entries) {
    const name = basename(entry, '.ts');
    const contents =
      `import { runCached } from './run-cached.js';\n` +
      `runCached(require('node:path').join(__dirname, 'core', ${JSON.stringify(`${name}.js`)}), ${name !== 'audit'}, require, ${JSON.stringify(hashes.get(`${name}.js`))});\n`;
    const loader = await build({
      ...hook,
      stdin: { contents, resolveDir: join(root, 'src/hooks/loader'), sourcefile: `${name}-loader.ts`, loader: 'ts' },
      outfile: join(dist, 'hooks', `${name}.js`),
    });
    files.push(...loader.outputFiles);
    metafiles.push(loader.metafile);
  }
  files.push({ path: join(dist, 'hooks/package.json'), contents: Buffer.from('{ "type": "commonjs" }\n') });
  return { files, metafiles };
}

/**
 * Builds every bundle in memory.
 * @returns {Promise<{ files: Array<{ path: string, contents: Uint8Array }>, cliMetafile: object, metafiles: object[] }>}
 *   `path` relative to the project root with `/` separators (`dist/cli.js`, `dist/chunks/...`,
 *   `plugin/...`: the folder the marketplace entry installs),
 *   sorted; `cliMetafile` is esbuild's metafile of the CLI build (which sources each chunk holds,
 *   which chunks it imports statically or dynamically); `metafiles` those of every build (CLI,
 *   hook cores, hook loaders), whose `imports` list every module an output loads.
 * @throws esbuild's build error (a type-stripping or resolution failure) with its messages.
 */
export async function buildBundles() {
  const cli = await buildCli();
  const client = await buildDashboardClient();
  const hooks = await buildHooks();
  const distFiles = [...cli.outputFiles, ...(client?.outputFiles ?? []), ...hooks.files].map((f) => ({ path: relative(root, f.path).split('\\').join('/'), contents: f.contents }));
  const files = [...distFiles, ...pluginFolderFiles(distFiles)].sort((a, b) => a.path.localeCompare(b.path));
  return { files, cliMetafile: cli.metafile, metafiles: [cli.metafile, ...(client ? [client.metafile] : []), ...hooks.metafiles] };
}

/**
 * What the marketplace entry installs (.claude-plugin/marketplace.json, `"source": "./plugin"`): the
 * plugin's own files, copied, and dist/. Claude Code copies the source folder of a marketplace
 * entry into its plugin cache, and runs `npm ci` there when it finds a package.json with a
 * lockfile (docs/architecture.md, "What a marketplace install copies"), so the repository root
 * (sources, tests, devDependencies) is not what it should copy. Real copies, not symbolic links:
 * `claude plugin validate` reads nothing through a link.
 */
const PLUGIN_PARTS = ['.claude-plugin/plugin.json', '.claude-plugin/icon.png', 'bin', 'commands', 'hooks', 'skills'];

/** The files of plugin/: PLUGIN_PARTS read from the project root, and every dist/ file. */
function pluginFolderFiles(distFiles) {
  const parts = PLUGIN_PARTS.flatMap((part) => {
    const full = join(root, part);
    return statSync(full).isDirectory() ? listFiles(full) : [part];
  });
  return [
    ...parts.map((rel) => ({ path: `plugin/${rel}`, contents: readFileSync(join(root, rel)) })),
    ...distFiles.map((f) => ({ path: `plugin/${f.path}`, contents: f.contents })),
  ];
}

/** Every file under `dir`, as paths relative to the project root. */
function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)).split('\\').join('/'));
}

/** Whether a built file is a program (the CLI's bin/overnight and its copy in plugin/). */
export function isExecutable(path) {
  return /(^|\/)bin\//.test(path);
}

/**
 * Writes the bundles into dist/ (temp file + rename each) and removes every other file there
 * (chunks and V8 code caches of earlier builds).
 */
export async function writeBundles() {
  const { files } = await buildBundles();
  const keep = new Set(files.map((f) => f.path));
  for (const file of files) {
    const target = join(root, file.path);
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents, { mode: isExecutable(file.path) ? 0o755 : 0o644 });
    renameSync(tmp, target);
  }
  for (const old of [...listFiles(dist), ...listFiles(join(root, 'plugin'))]) {
    if (!keep.has(old) && !old.endsWith('.tmp')) rmSync(join(root, old), { force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await writeBundles();
