/**
 * Bad input, as data: each folder of test/data/bad-input/ holds a repository (`repo/`), the command
 * to run (`case.json`: args, exit code) and the exact message expected on stderr
 * (`expected-stderr.txt`). Each case runs the built CLI in a real git repository and proves that
 * nothing was written: the file listing (with content hashes) and `git status` are the same after.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoSnapshot, runCli } from '../support/cli.js';
import { tempRepos } from '../support/repo.js';

const DATA = resolve(import.meta.dirname, '../data/bad-input');

interface Case {
  description: string;
  args: string[];
  exitCode: number;
  json: boolean;
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
