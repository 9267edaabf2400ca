import { describe, expect, it } from 'vitest';
import { buildAgentSettings, probesFor } from '../../../src/safety/settings.js';
import { evaluate } from '../../../src/safety/policy.js';
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

function build() {
  const dropped = new Map<string, string>();
  const { deny } = buildAgentSettings(ctx, { repoRoot: '/repo', onDropped: (r, why) => dropped.set(r, why) }).permissions;
  return { deny, dropped };
}

describe('buildAgentSettings', () => {
  it('denies force-push, history destruction and privilege escalation in the spellings it can express', () => {
    const { deny } = build();
    for (const rule of [
      'Bash(git push --force:*)',
      'Bash(git push -f:*)',
      'Bash(git push --force-with-lease:*)',
      'Bash(git push * --force)',
      'Bash(git push * +*)',
      'Bash(git reset --hard:*)',
      'Bash(git clean -fdx:*)',
      'Bash(git stash clear:*)',
      'Bash(git branch -D:*)',
      'Bash(sudo:*)',
      'Bash(rm -rf /)',
    ]) {
      expect(deny).toContain(rule);
    }
  });

  it("includes the policy rules' settingsPatterns", () => {
    const { deny } = build();
    expect(deny).toContain('Bash(terraform apply:*)');
    expect(deny).toContain('Bash(npm publish:*)');
  });

  it('denies pushes to every protected branch, glob included, but not to the own branch', () => {
    const { deny } = build();
    expect(deny).toContain('Bash(git push * main)');
    expect(deny).toContain('Bash(git push *:main)');
    expect(deny).toContain('Bash(git push * release/*)');
    expect(deny.some((r) => r.includes('overnight/s1--csv-export'))).toBe(false);
  });

  it('denies file tools in .git, secret files and absolute deny paths', () => {
    const { deny } = build();
    expect(deny).toContain('Edit(//repo/.overnight/worktrees/s1/csv-export/.git)');
    expect(deny).toContain('Edit(//repo/.git/**)');
    expect(deny).toContain('Edit(//**/.git/**)');
    expect(deny).toContain('Edit(//**/.env)');
    expect(deny).toContain('Read(//**/.env)');
    expect(deny).toContain('Edit(//repo/secrets/**)');
    expect(deny.some((r) => r.includes('relative/ignored'))).toBe(false);
  });

  it('keeps no rule that would block what the policy allows (checked with the real CLI matching rules)', () => {
    const { deny, dropped } = build();
    // `*` in Claude Code matches slashes: this would block `rm -rf <worktree>/build`.
    expect(deny).not.toContain('Bash(rm -rf /*)');
    // A Read deny also blocks writes; .env.example is allowed by the policy.
    expect(deny).not.toContain('Read(./.env.*)');
    expect(deny).not.toContain('Edit(./.env.*)');
    const injected: string[] = [];
    const withBad = buildAgentSettings(ctx, { rules: [{ settingsPatterns: ['Read(./.env.*)', 'Bash(rm -rf /*)', 'Bash(git:*)'] }], onDropped: (r) => injected.push(r) });
    expect(withBad.permissions.deny).not.toContain('Read(./.env.*)');
    expect(withBad.permissions.deny).not.toContain('Bash(git:*)');
    expect(injected).toEqual(expect.arrayContaining(['Read(./.env.*)', 'Bash(rm -rf /*)', 'Bash(git:*)']));
    for (const rule of deny) {
      for (const probe of probesFor(rule, { ...ctx, interactive: false })) {
        expect(evaluate(probe, { ...ctx, interactive: false }).decision, `${rule} -> ${JSON.stringify(probe.toolInput)}`).toBe('deny');
      }
    }
    expect(new Set(deny).size).toBe(deny.length);
    expect(deny.length).toBeGreaterThan(60);
    for (const [rule, why] of dropped) expect(why, rule).toMatch(/policy allows|cannot be checked/);
  });

  it('probes prefix rules with arguments inside the worktree', () => {
    const probes = probesFor('Bash(chown -R:*)', ctx).map((p) => p.toolInput.command);
    expect(probes).toEqual(['chown -R', 'chown -R build', 'chown -R /repo/.overnight/worktrees/s1/csv-export/build']);
    expect(probesFor('Bash(rm -rf /*)', ctx).map((p) => p.toolInput.command)).toContain('rm -rf /repo/.overnight/worktrees/s1/csv-export/build');
    expect(probesFor('Edit(/etc/**)', ctx)).toEqual([]);
  });
});
