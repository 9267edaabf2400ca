import { describe, expect, it } from 'vitest';
import { buildAgentSettings } from '../../../src/safety/settings.js';
import type { PolicyContext } from '../../../src/safety/types.js';

const ctx: PolicyContext = {
  worktreeRoot: '/repo/.overnight/worktrees/s1/csv-export',
  protectedBranches: ['main', 'release/*'],
  ownBranch: 'overnight/s1--csv-export',
  allowPaths: [],
  denyPaths: ['/repo/secrets', 'relative/ignored'],
  allowCommands: [],
  denyCommands: [],
  home: '/home/u',
};

describe('buildAgentSettings', () => {
  it('denies force-push, history destruction and privilege escalation in every spelling it can express', () => {
    const { deny } = buildAgentSettings(ctx).permissions;
    for (const rule of [
      'Bash(git push --force:*)',
      'Bash(git push -f:*)',
      'Bash(git push * --force)',
      'Bash(git push * +*)',
      'Bash(git reset --hard:*)',
      'Bash(git clean -fd:*)',
      'Bash(git stash clear:*)',
      'Bash(git branch -D:*)',
      'Bash(sudo:*)',
      'Bash(rm -rf /)',
    ]) {
      expect(deny).toContain(rule);
    }
  });

  it('denies pushes to every protected branch, glob included', () => {
    const { deny } = buildAgentSettings(ctx).permissions;
    expect(deny).toContain('Bash(git push * main)');
    expect(deny).toContain('Bash(git push *:main)');
    expect(deny).toContain('Bash(git push *:refs/heads/main)');
    expect(deny).toContain('Bash(git push * release/*)');
  });

  it('never denies a plain prefix that would block legitimate work inside the worktree', () => {
    const { deny } = buildAgentSettings(ctx).permissions;
    expect(deny).not.toContain('Bash(rm -rf:*)');
    expect(deny).not.toContain('Bash(rm -rf /:*)');
    expect(deny).not.toContain('Bash(git push:*)');
    expect(deny.some((r) => r.includes('overnight/s1--csv-export'))).toBe(false);
  });

  it('denies file tools in .git, secret files and absolute deny paths', () => {
    const { deny } = buildAgentSettings(ctx, { repoRoot: '/repo' }).permissions;
    expect(deny).toContain('Edit(//repo/.overnight/worktrees/s1/csv-export/.git)');
    expect(deny).toContain('Edit(//repo/.git/**)');
    expect(deny).toContain('Edit(//**/.env)');
    expect(deny).toContain('Edit(~/.ssh/**)');
    expect(deny).toContain('Edit(//repo/secrets/**)');
    expect(deny.some((r) => r.includes('relative/ignored'))).toBe(false);
  });

  it("adds the rules' settingsPatterns once each, in order", () => {
    const { deny } = buildAgentSettings(ctx, {
      rules: [{ id: 'x', settingsPatterns: ['Bash(dropdb:*)', 'Bash(sudo:*)'] }, { id: 'y' }],
    }).permissions;
    expect(deny.filter((r) => r === 'Bash(sudo:*)')).toHaveLength(1);
    expect(deny).toContain('Bash(dropdb:*)');
    expect(new Set(deny).size).toBe(deny.length);
  });
});
