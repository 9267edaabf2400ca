/**
 * Bad input, as data: each folder of test/data/bad-input/ holds a repository (`repo/`), the command
 * to run (`case.json`: args, exit code) and the exact message expected on stderr
 * (`expected-stderr.txt`). Each case runs the built CLI in a real git repository and proves that
 * nothing was written: the file listing (with content hashes) and `git status` are the same after.
 * Files git cannot hold are listed in `case.json` as `special` and made after the commit: a FIFO,
 * bytes given in hex (not UTF-8), or a file of a given size.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoSnapshot, runCli } from '../support/cli.js';
import { tempRepos, type TestRepo } from '../support/repo.js';

const DATA = resolve(import.meta.dirname, '../data/bad-input');

interface Case {
  description: string;
  args: string[];
  exitCode: number;
  json: boolean;
  /** Entries made after the first commit: `fifo`, `hex` (exact bytes) or `size` (a header, then NUL filler); untracked unless `commit`. */
  special?: Array<{ path: string; fifo?: boolean; hex?: string; size?: number; commit?: boolean }>;
}

function makeSpecial(repo: TestRepo, special: NonNullable<Case['special']>): void {
  const root = repo.root;
  for (const entry of special) {
    const full = join(root, entry.path);
    if (entry.fifo) execFileSync('mkfifo', [full]);
    else if (entry.hex !== undefined) writeFileSync(full, Buffer.from(entry.hex, 'hex'));
    else if (entry.size !== undefined) {
      const fd = openSync(full, 'w');
      writeFileSync(fd, '---\ntitle: Huge\nstatus: ready\n---\n');
      ftruncateSync(fd, entry.size);
      closeSync(fd);
    }
    if (entry.commit) repo.commit(`add ${entry.path}`);
  }
}

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

const cases = readdirSync(DATA).sort();
const tempRepo = tempRepos();

describe('bad input: an exact, actionable error, a non-zero exit, and nothing written', () => {
  test('there are at least twelve cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  test.each(cases)('%s', (name) => {
    const folder = join(DATA, name);
    const spec = JSON.parse(readFileSync(join(folder, 'case.json'), 'utf8')) as Case;
    const expected = readFileSync(join(folder, 'expected-stderr.txt'), 'utf8');
    const repo = tempRepo(readTree(join(folder, 'repo')));
    makeSpecial(repo, spec.special ?? []);
    const before = repoSnapshot(repo.root);

    const result = runCli(repo.root, spec.args);

    expect(result.stderr).toBe(expected);
    expect(result.code).toBe(spec.exitCode);
    expect(result.code).not.toBe(0);
    if (spec.json) {
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const envelope = JSON.parse(lines[0]!) as { ok: boolean; command: string; error: { errors?: unknown[]; message: string } };
      expect(envelope.ok).toBe(false);
      expect(envelope.command).toBe(spec.args[0]);
      expect(`overnight: ${envelope.error.message}\n`).toBe(expected);
    } else {
      expect(result.stdout).toBe('');
    }
    expect(repoSnapshot(repo.root)).toEqual(before);
  });
});

describe('the advice printed for bad input works when followed', () => {
  test("not UTF-8: the printed iconv command turns the item into one prepare accepts", () => {
    const folder = join(DATA, 'item-not-utf8');
    const spec = JSON.parse(readFileSync(join(folder, 'case.json'), 'utf8')) as Case;
    const repo = tempRepo(readTree(join(folder, 'repo')));
    makeSpecial(repo, spec.special ?? []);
    const refused = runCli(repo.root, ['prepare']);
    expect(refused.code).toBe(1);
    const fix = /Fix: Save it as UTF-8, e\.g\. '([^']+)'/.exec(refused.stderr)?.[1];
    expect(fix).toBeDefined();
    execFileSync('sh', ['-c', fix!], { cwd: repo.root });
    const accepted = runCli(repo.root, ['prepare', '--format', 'json']);
    expect(accepted.stderr).toBe('');
    expect(accepted.code).toBe(0);
    expect(readFileSync(join(repo.root, 'backlog/002-cafe.md'), 'utf8')).toContain('Café de Paris');
  });
});
