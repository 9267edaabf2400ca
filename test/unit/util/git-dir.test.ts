import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGitDirFile, readGitDirFile } from '../../../src/util/git-dir.js';

describe('the .git file of a linked worktree', () => {
  it('parses absolute and relative gitdir lines (relative to the worktree), and nothing else', () => {
    expect(parseGitDirFile('gitdir: /repo/.git/worktrees/a\n', '/wt/a')).toBe('/repo/.git/worktrees/a');
    expect(parseGitDirFile('gitdir: ../repo/.git/worktrees/a  \n', '/wt/a')).toBe('/wt/repo/.git/worktrees/a');
    expect(parseGitDirFile('gitdir:   \n', '/wt/a')).toBeUndefined();
    expect(parseGitDirFile('ref: refs/heads/main\n', '/wt/a')).toBeUndefined();
  });

  it('reads <worktree>/.git only when it is a file', () => {
    const root = mkdtempSync(join(tmpdir(), 'overnight-gitdir-'));
    const linked = join(root, 'linked');
    mkdirSync(linked);
    writeFileSync(join(linked, '.git'), 'gitdir: ../main/.git/worktrees/linked\n');
    expect(readGitDirFile(linked)).toBe(join(root, 'main/.git/worktrees/linked'));
    const main = join(root, 'main');
    mkdirSync(join(main, '.git'), { recursive: true });
    expect(readGitDirFile(main)).toBeUndefined();
    expect(readGitDirFile(join(root, 'none'))).toBeUndefined();
  });
});
