/**
 * dist/ and plugin/ are committed (a plain git clone is a working plugin, and plugin/ is what a
 * marketplace install copies: docs/architecture.md), so they must be exactly what the build makes
 * of the committed sources: the same files, byte for byte, with the same modes. CI runs this on a
 * clean clone, so a commit that changed src/ (or skills/, hooks/...) without rebuilding fails here.
 */
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildBundles, isExecutable } from '../../scripts/build.mjs';

const FIX = 'Run `npm run build` and commit dist/ and plugin/ (git add dist plugin && git commit).';

function git(...args: string[]): Buffer {
  return execFileSync('git', args, { maxBuffer: 64 * 1024 * 1024 });
}

describe('committed dist/ and plugin/', () => {
  it('equal a fresh build of the sources (files, bytes and modes)', async () => {
    const { files } = await buildBundles();
    const tree = git('ls-tree', '-r', 'HEAD', 'dist', 'plugin').toString('utf8').split('\n').filter(Boolean);
    // `<mode> <type> <object>\t<path>` (git-ls-tree(1)).
    const modes = new Map(tree.map((line) => [line.slice(line.indexOf('\t') + 1), line.split(' ')[0]!]));
    const committed = [...modes.keys()].sort();
    const built = files.map((f) => f.path).sort();
    const missing = built.filter((p) => !committed.includes(p));
    const extra = committed.filter((p) => !built.includes(p));
    const differ = files.filter((f) => committed.includes(f.path) && !git('show', `HEAD:${f.path}`).equals(Buffer.from(f.contents))).map((f) => f.path);
    const wrongMode = files.filter((f) => modes.has(f.path) && modes.get(f.path) !== (isExecutable(f.path) ? '100755' : '100644')).map((f) => f.path);
    const problems = [
      ...wrongMode.map((p) => `mode ${modes.get(p)} is not the build's: ${p}`),
      ...missing.map((p) => `not committed: ${p}`),
      ...extra.map((p) => `committed but no longer built: ${p}`),
      ...differ.map((p) => `differs from a fresh build: ${p}`),
    ];
    expect(problems, `dist/ or plugin/ at HEAD is not a fresh build of the sources. ${FIX}\n${problems.join('\n')}`).toEqual([]);
  }, 120_000);

  it('is the same build twice (the build is deterministic)', async () => {
    const a = await buildBundles();
    const b = await buildBundles();
    expect(b.files.map((f) => f.path)).toEqual(a.files.map((f) => f.path));
    for (let i = 0; i < a.files.length; i++) expect(Buffer.from(b.files[i]!.contents).equals(Buffer.from(a.files[i]!.contents)), a.files[i]!.path).toBe(true);
  }, 120_000);

  it('loads nothing from node_modules: every import of every bundle is a Node built-in or a file of dist/', async () => {
    const { metafiles } = await buildBundles();
    const outside: string[] = [];
    for (const meta of metafiles) {
      for (const [output, info] of Object.entries(meta.outputs)) {
        for (const imp of info.imports) {
          const builtin = imp.path.startsWith('node:') || builtinModules.includes(imp.path.split('/')[0]!);
          if (imp.external ? !builtin : !imp.path.startsWith('dist/')) outside.push(`${output} imports ${imp.path}`);
        }
      }
    }
    expect(outside).toEqual([]);
    expect(metafiles.length).toBeGreaterThan(1);
  }, 120_000);
});
