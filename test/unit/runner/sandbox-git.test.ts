import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureGitPlaceholders, gitReadOnlyPaths, removeSandboxPlaceholders } from '../../../src/runner/sandbox-git.js';

/** A fake git dir: folder -> entries. */
const tree: Record<string, string[]> = {
  '/r/.git': ['HEAD', 'config', 'index', 'logs', 'objects', 'packed-refs', 'refs', 'worktrees'],
  '/r/.git/refs': ['heads', 'overnight-backup', 'stash', 'tags'],
  '/r/.git/refs/heads': ['feature', 'main', 'overnight'],
  '/r/.git/refs/heads/overnight': ['s1', 's1--a', 's1--b', 'old'],
  '/r/.git/logs': ['HEAD', 'refs'],
  '/r/.git/logs/refs': ['heads', 'stash'],
  '/r/.git/logs/refs/heads': ['main', 'overnight'],
  '/r/.git/logs/refs/heads/overnight': ['s1', 's1--a'],
  '/r/.git/worktrees': ['a', 'b', 'integration'],
};
const list = (dir: string) => tree[dir] ?? [];

describe('gitReadOnlyPaths', () => {
  const paths = gitReadOnlyPaths('/r/.git', { worktreeAdmin: 'worktrees/a', branch: 'overnight/s1--a' }, list);

  it("keeps the item's own worktree admin folder, branch ref and reflog writable", () => {
    for (const kept of ['/r/.git/worktrees/a', '/r/.git/refs/heads/overnight/s1--a', '/r/.git/logs/refs/heads/overnight/s1--a']) expect(paths).not.toContain(kept);
    // The folders on the way stay writable (lock files), so they are not denied as a whole.
    for (const dir of ['/r/.git/refs', '/r/.git/refs/heads', '/r/.git/refs/heads/overnight', '/r/.git/logs', '/r/.git/worktrees']) expect(paths).not.toContain(dir);
  });

  it("denies everything else: the user's branches, stash, tags, backups, the integration branch, other items, objects, config, hooks", () => {
    expect(paths).toEqual(
      expect.arrayContaining([
        '/r/.git/HEAD',
        '/r/.git/config',
        '/r/.git/index',
        '/r/.git/objects',
        '/r/.git/packed-refs',
        '/r/.git/refs/heads/main',
        '/r/.git/refs/heads/feature',
        '/r/.git/refs/heads/overnight/s1',
        '/r/.git/refs/heads/overnight/s1--b',
        '/r/.git/refs/heads/overnight/old',
        '/r/.git/refs/stash',
        '/r/.git/refs/tags',
        '/r/.git/refs/overnight-backup',
        '/r/.git/logs/HEAD',
        '/r/.git/logs/refs/stash',
        '/r/.git/logs/refs/heads/main',
        '/r/.git/logs/refs/heads/overnight/s1',
        '/r/.git/worktrees/b',
        '/r/.git/worktrees/integration',
      ]),
    );
  });

  it('never lists what may vanish while the agent runs: lock files, the runner\'s own worktrees', () => {
    const dir = mkdtempSync(join(tmpdir(), 'overnight-transient-'));
    try {
      for (const d of ['refs/heads/overnight', 'worktrees/a', 'worktrees/b', 'worktrees/user-wt']) mkdirSync(join(dir, d), { recursive: true });
      writeFileSync(join(dir, 'refs/heads/overnight/s1--b.lock'), '');
      writeFileSync(join(dir, 'index.lock'), '');
      writeFileSync(join(dir, 'worktrees/b/gitdir'), '/r/.overnight/worktrees/s1/b/.git\n');
      writeFileSync(join(dir, 'worktrees/user-wt/gitdir'), '/home/u/other-checkout/.git\n');
      const paths = gitReadOnlyPaths(dir, { worktreeAdmin: 'worktrees/a', branch: 'overnight/s1--a', runnerWorktrees: '/r/.overnight/worktrees' });
      expect(paths).toEqual([join(dir, 'worktrees/user-wt')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists only what exists (a denied missing path would be a broken ref inside the sandbox)', () => {
    expect(gitReadOnlyPaths('/g', { worktreeAdmin: 'worktrees/a', branch: 'x' }, () => [])).toEqual([]);
  });
});

describe("removeSandboxPlaceholders (what Claude Code's sandbox leaves in the git dir)", () => {
  it('removes only empty placeholders, never content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'overnight-placeholders-'));
    try {
      for (const d of ['info/.claude-sandbox-noreplace', 'objects/info/.claude-sandbox-noreplace', 'objects/info/commit-graphs/.claude-sandbox-noreplace']) mkdirSync(join(dir, d), { recursive: true });
      writeFileSync(join(dir, 'objects/info/alternates'), '');
      writeFileSync(join(dir, 'info/exclude'), '/.overnight/\n');
      removeSandboxPlaceholders(dir);
      expect(readdirSync(join(dir, 'objects/info'))).toEqual([]);
      expect(readdirSync(join(dir, 'info'))).toEqual(['exclude']);
      // An alternates file with content is the user's: kept.
      writeFileSync(join(dir, 'objects/info/alternates'), '/elsewhere/objects\n');
      removeSandboxPlaceholders(dir);
      expect(readFileSync(join(dir, 'objects/info/alternates'), 'utf8')).toBe('/elsewhere/objects\n');
      // Mount points of config.worktree, glab-cli and remotes go when empty; content stays.
      writeFileSync(join(dir, 'config.worktree'), '');
      mkdirSync(join(dir, 'glab-cli'));
      mkdirSync(join(dir, 'remotes'));
      writeFileSync(join(dir, 'config'), '[core]\n');
      removeSandboxPlaceholders(dir);
      expect(readdirSync(dir).sort()).toEqual(['config', 'info', 'objects']);
      writeFileSync(join(dir, 'config.worktree'), '[core]\n\tsparseCheckout = true\n');
      mkdirSync(join(dir, 'remotes'));
      writeFileSync(join(dir, 'remotes', 'origin'), 'URL: x\n');
      removeSandboxPlaceholders(dir);
      expect(readdirSync(dir).sort()).toEqual(['config', 'config.worktree', 'info', 'objects', 'remotes']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ensureGitPlaceholders', () => {
  it('makes the folders and an empty packed-refs once, and never rewrites an existing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'overnight-placeholders-'));
    try {
      ensureGitPlaceholders(dir);
      for (const d of ['hooks', 'info', 'refs/tags', 'refs/remotes', 'refs/replace', 'refs/notes']) expect(readdirSync(join(dir, d))).toEqual([]);
      expect(readFileSync(join(dir, 'packed-refs'), 'utf8')).toBe('# pack-refs with: peeled fully-peeled sorted \n');
      writeFileSync(join(dir, 'packed-refs'), 'abc refs/heads/main\n');
      ensureGitPlaceholders(dir);
      expect(readFileSync(join(dir, 'packed-refs'), 'utf8')).toBe('abc refs/heads/main\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
