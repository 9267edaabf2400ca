import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { importObjects } from '../../src/runner/git-objects.js';
import { GIT_ENV, tempRepos } from '../support/repo.js';

const repo = tempRepos();

/** Runs git in `cwd` with the tests' identity and extra variables. */
function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV, ...env }, encoding: 'utf8' }).trim();
}

describe('importObjects (an agent commit made with its own object folder)', () => {
  it('brings the commit, its tree and blobs into the repository', async () => {
    const r = repo({ 'a.txt': 'a\n' });
    const wt = join(r.root, 'wt');
    git(r.root, ['worktree', 'add', '-q', '-b', 'item', wt]);
    const objects = join(r.root, 'agent-objects');
    mkdirSync(objects);
    const agentEnv = { GIT_OBJECT_DIRECTORY: objects, GIT_ALTERNATE_OBJECT_DIRECTORIES: join(r.root, '.git/objects') };
    writeFileSync(join(wt, 'b.txt'), 'b\n');
    git(wt, ['add', 'b.txt'], agentEnv);
    git(wt, ['commit', '-qm', 'b'], agentEnv);
    const tip = git(r.root, ['rev-parse', 'item']);
    // Before the import the repository cannot read the commit.
    expect(() => git(r.root, ['cat-file', '-e', `${tip}^{tree}`])).toThrow();
    expect(await importObjects(r.root, objects)).toBe(3);
    expect(git(r.root, ['show', `${tip}:b.txt`])).toBe('b');
    expect(git(r.root, ['fsck', '--no-progress'])).toBe('');
  });

  it('imports a pack whose last byte is a newline (execa would strip it: "early EOF")', async () => {
    const r = repo({ 'a.txt': 'a\n' });
    // A pack ends in its SHA-1 checksum: about one blob in 256 gives one whose last byte is 0x0a.
    for (let i = 0; i < 5000; i++) {
      const objects = join(r.root, `agent-objects-${i}`);
      mkdirSync(objects);
      const own = { GIT_OBJECT_DIRECTORY: objects, GIT_ALTERNATE_OBJECT_DIRECTORIES: '' };
      const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: r.root, env: { ...process.env, ...own }, input: `blob ${i}\n`, encoding: 'utf8' }).trim();
      const pack = execFileSync('git', ['pack-objects', '--stdout', '-q'], { cwd: r.root, env: { ...process.env, ...own }, input: `${blob}\n` });
      if (pack.at(-1) !== 0x0a) continue;
      expect(await importObjects(r.root, objects)).toBe(1);
      expect(git(r.root, ['cat-file', '-p', blob])).toBe(`blob ${i}`);
      return;
    }
    throw new Error('no pack ending in a newline byte among 5000 blobs');
  });

  it('imports nothing from an empty or missing folder', async () => {
    const r = repo({ 'a.txt': 'a\n' });
    expect(await importObjects(r.root, join(r.root, 'none'))).toBe(0);
    mkdirSync(join(r.root, 'empty'));
    expect(await importObjects(r.root, join(r.root, 'empty'))).toBe(0);
  });

  it('refuses a planted object file and adds nothing', async () => {
    const r = repo({ 'a.txt': 'a\n' });
    const objects = join(r.root, 'agent-objects');
    mkdirSync(join(objects, 'ab'), { recursive: true });
    writeFileSync(join(objects, 'ab', 'cdef0123456789abcdef0123456789abcdef01'), 'not a zlib stream');
    const before = git(r.root, ['count-objects', '-v']);
    await expect(importObjects(r.root, objects)).rejects.toThrow(/agent's git objects/);
    expect(git(r.root, ['count-objects', '-v'])).toBe(before);
  });
});
