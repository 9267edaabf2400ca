/**
 * The backlog as committed at a git commit (loop mode reads the base branch's committed backlog,
 * never the user's working tree, which may hold half-written items). The folder is listed with
 * `git ls-tree -z <commit>:<dir>` (git-ls-tree(1)) and the item files read in one
 * `git cat-file --batch`; judging is the same as for the folder on disk (read.ts
 * judgeBacklogEntries), so an item is valid here exactly when `overnight prepare` would accept it.
 * Read-only: no index, work tree or ref is touched.
 */
import { isUtf8 } from 'node:buffer';
import { execa } from 'execa';
import type { OvernightConfig } from '../config/schema.js';
import { OvernightError } from '../util/errors.js';
import { readObjects } from '../runner/git.js';
import { isIgnoredBacklogFile } from './filename.js';
import { MAX_ITEM_FILE_BYTES, type ItemFileText } from './item-file.js';
import { judgeBacklogEntries, type BacklogScan } from './read.js';

/** One entry of `git ls-tree -z` output: `<mode> <type> <oid>\t<name>\0`. Pure. */
export function parseLsTree(out: string): Array<{ mode: string; type: string; oid: string; name: string }> {
  const entries: Array<{ mode: string; type: string; oid: string; name: string }> = [];
  for (const record of out.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    if (mode && type && oid) entries.push({ mode, type, oid, name: record.slice(tab + 1) });
  }
  return entries;
}

/**
 * Scans the backlog folder `config.backlog_dir` as committed at `commit` (a sha or ref) in the
 * repository at `repoRoot`. Returns the same BacklogScan as scanBacklog (items sorted by id,
 * `dependsOn` resolved, every problem in `errors`); `exists` is false when the commit has no such
 * folder. Symlinks and submodules named like items are `backlog.not-a-file`. Throws the git error
 * when the commit cannot be read.
 */
export async function scanBacklogAt(repoRoot: string, commit: string, config: Pick<OvernightConfig, 'backlog_dir'>): Promise<BacklogScan> {
  const dir = config.backlog_dir.replace(/\\/g, '/').replace(/\/+$/, '');
  const folder = await execa('git', ['ls-tree', '-z', `${commit}:${dir}`], { cwd: repoRoot, reject: false });
  if (folder.exitCode !== 0) {
    // No such folder at that commit (git: "Not a valid object name"); a bad commit is an error.
    await execa('git', ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`], { cwd: repoRoot });
    return { dir, exists: false, items: [], files: [], errors: [] };
  }
  const listed = parseLsTree(String(folder.stdout)).filter((e) => !isIgnoredBacklogFile(e.name));
  const byFile = new Map(listed.map((e) => [`${dir}/${e.name}`, e]));
  const blobs = listed.filter((e) => e.type === 'blob' && /^100(644|755)$/.test(e.mode));
  const objects = await readObjects(repoRoot, blobs.map((e) => e.oid));
  const texts = new Map(blobs.map((e, i) => [`${dir}/${e.name}`, objects[i]?.raw]));
  const read = async (file: string): Promise<ItemFileText> => {
    const entry = byFile.get(file);
    const raw = texts.get(file);
    if (!entry || raw === undefined) {
      return { ok: false, error: new OvernightError('backlog.not-a-file', `'${file}' is not a regular file at ${commit.slice(0, 12)} (a ${entry?.type === 'commit' ? 'submodule' : 'symlink or special entry'})`, { file, fix: 'Commit the item as a regular markdown file.' }) };
    }
    if (raw.length > MAX_ITEM_FILE_BYTES) return { ok: false, error: new OvernightError('backlog.too-large', `'${file}' is ${raw.length} bytes at ${commit.slice(0, 12)}; an item file may be at most ${MAX_ITEM_FILE_BYTES} bytes`, { file, fix: 'Keep an item to a page of markdown.' }) };
    if (!isUtf8(raw)) return { ok: false, error: new OvernightError('backlog.not-utf8', `'${file}' is not UTF-8 at ${commit.slice(0, 12)}`, { file, fix: 'Save the item file as UTF-8 and commit it again.' }) };
    return { ok: true, text: raw.toString('utf8') };
  };
  return judgeBacklogEntries(dir, listed.map((e) => ({ name: e.name, folder: e.type === 'tree' })), read);
}
