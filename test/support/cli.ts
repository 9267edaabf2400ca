/**
 * Running the built CLI (`node bin/overnight ...`) in a test repository, and proving a command
 * wrote nothing: a snapshot of every file (content hashes outside .git, names inside) plus
 * `git status --porcelain`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { GIT_ENV } from './repo.js';

/** Absolute path of bin/overnight in this checkout. */
export const BIN = resolve(import.meta.dirname, '../../bin/overnight');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/overnight <args>` in `cwd` with colors off and a fixed git identity. */
export function runCli(cwd: string, args: readonly string[], env: Record<string, string | undefined> = {}): CliResult {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...GIT_ENV, NO_COLOR: '1', ...env };
  delete childEnv.FORCE_COLOR;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: childEnv as NodeJS.ProcessEnv, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `root` (`.git` included): `path sha1` outside .git, `path` inside it, `path (special)` for a FIFO or socket; sorted. */
export function fileListing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = relative(root, full);
      if (entry.isDirectory()) {
        out.push(`${rel}/`);
        walk(full);
      } else if (!entry.isFile() && !entry.isSymbolicLink()) {
        out.push(`${rel} (special)`); // a FIFO or socket: never read (a FIFO would block)
      } else if (rel.startsWith('.git/') || rel === '.git') {
        out.push(rel);
      } else {
        out.push(`${rel} ${createHash('sha1').update(readFileSync(full)).digest('hex')}`);
      }
    }
  };
  walk(root);
  return out.sort();
}

/** The state a read-only command must leave unchanged: file listing and `git status --porcelain`. */
export function repoSnapshot(root: string): { files: string[]; status: string } {
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } }).stdout;
  return { files: fileListing(root), status };
}
