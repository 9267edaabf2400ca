import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideFileCall, realTarget } from '../../../src/hooks/file-policy.js';
import type { PolicyContext } from '../../../src/safety/types.js';

const wt = '/repo/.overnight/worktrees/s1/csv';
const ctx: PolicyContext = {
  worktreeRoot: wt,
  protectedBranches: ['main'],
  ownBranch: 'overnight/s1--csv',
  allowPaths: ['/tmp/overnight-cache'],
  denyPaths: [`${wt}/infra/prod`],
  allowCommands: [],
  denyCommands: [],
  home: '/home/u',
};
const write = (file_path: string, cwd = wt, mode?: 'interactive') => decideFileCall({ toolName: 'Write', toolInput: { file_path, content: 'x' }, cwd }, ctx, { mode });

describe('file gate (unattended): path rules', () => {
  it('allows writes inside the worktree, relative or absolute', () => {
    expect(write(`${wt}/src/a.ts`).decision).toBe('allow');
    expect(write('b.ts', `${wt}/src`).decision).toBe('allow');
    expect(decideFileCall({ toolName: 'Edit', toolInput: { file_path: `${wt}/README.md`, old_string: 'a', new_string: 'b' }, cwd: wt }, ctx).decision).toBe('allow');
    expect(decideFileCall({ toolName: 'NotebookEdit', toolInput: { notebook_path: `${wt}/n.ipynb` }, cwd: wt }, ctx).decision).toBe('allow');
  });

  it('denies writes outside the worktree, including through ..', () => {
    expect(write('/etc/passwd')).toMatchObject({ decision: 'deny', ruleId: 'file.outside-worktree' });
    expect(write(`${wt}/../csv-other/x.ts`)).toMatchObject({ decision: 'deny', ruleId: 'file.outside-worktree' });
    expect(write('/repo/src/main.ts')).toMatchObject({ decision: 'deny', ruleId: 'file.outside-worktree' });
  });

  it('allows configured allow paths', () => {
    expect(write('/tmp/overnight-cache/x.json').decision).toBe('allow');
  });

  it('denies anything inside .git, here or in the main repository', () => {
    expect(write(`${wt}/.git/hooks/pre-commit`)).toMatchObject({ decision: 'deny', ruleId: 'file.git-dir' });
    expect(write('/repo/.git/config')).toMatchObject({ decision: 'deny', ruleId: 'file.git-dir' });
  });

  it('denies secret files but not templates, and reading secrets', () => {
    expect(write(`${wt}/.env`)).toMatchObject({ decision: 'deny', ruleId: 'file.secret' });
    expect(write(`${wt}/.env.example`).decision).toBe('allow');
    expect(decideFileCall({ toolName: 'Read', toolInput: { file_path: `${wt}/.env` }, cwd: wt }, ctx)).toMatchObject({ decision: 'deny', ruleId: 'file.read-secret' });
    expect(decideFileCall({ toolName: 'Read', toolInput: { file_path: `${wt}/src/a.ts` }, cwd: wt }, ctx).decision).toBe('allow');
  });

  it('denies configured deny paths and a call without a path', () => {
    expect(write(`${wt}/infra/prod/main.tf`)).toMatchObject({ decision: 'deny', ruleId: 'file.deny-path' });
    expect(decideFileCall({ toolName: 'Write', toolInput: { content: 'x' }, cwd: wt }, ctx)).toMatchObject({ decision: 'deny', ruleId: 'file.bad-input' });
  });
});

describe('file gate: symbolic links', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'fp-')));
  const worktree = join(root, 'wt');
  const outside = join(root, 'outside');
  mkdirSync(worktree);
  mkdirSync(outside);
  symlinkSync(outside, join(worktree, 'link'));
  symlinkSync(join(worktree, 'real'), join(root, 'wt-link'));
  mkdirSync(join(worktree, 'real'));
  const c = { ...ctx, worktreeRoot: worktree, denyPaths: [], allowPaths: [] };
  const opts = { realpath: realpathSync.native };

  it('judges a link inside the worktree by where it points', () => {
    const d = decideFileCall({ toolName: 'Write', toolInput: { file_path: join(worktree, 'link/new/file.txt') }, cwd: worktree }, c, opts);
    expect(d).toMatchObject({ decision: 'deny', ruleId: 'file.outside-worktree' });
    expect(d.reason).toContain('symbolic link');
  });

  it('allows a new file in a real folder, and a path reached through a link into the worktree', () => {
    expect(decideFileCall({ toolName: 'Write', toolInput: { file_path: join(worktree, 'new/dir/file.txt') }, cwd: worktree }, c, opts).decision).toBe('allow');
    expect(realTarget(join(root, 'wt-link/x.txt'), realpathSync.native)).toBe(join(worktree, 'real/x.txt'));
  });
});

describe('file gate (interactive)', () => {
  it('lets a person edit .env or files outside the repository, but never .git or deny paths', () => {
    expect(write(`${wt}/.env`, wt, 'interactive').decision).toBe('allow');
    expect(write('/home/u/.bashrc', wt, 'interactive').decision).toBe('allow');
    expect(write(`${wt}/.git/config`, wt, 'interactive')).toMatchObject({ decision: 'deny', ruleId: 'file.git-dir' });
    expect(write(`${wt}/infra/prod/x`, wt, 'interactive')).toMatchObject({ decision: 'deny', ruleId: 'file.deny-path' });
  });
});
