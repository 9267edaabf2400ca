/** `overnight gate`: the compiled CLI explaining the gate's decisions in a real repository. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/safety/rules/index.js';
import { makeRepo, type TestRepo } from '../support/repo.js';

const CLI = resolve('dist/cli.js');
let repo: TestRepo;

function gate(args: string[], cwd = repo.root) {
  const r = spawnSync(process.execPath, [CLI, 'gate', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  repo = makeRepo({ 'overnight.config.yaml': 'safety:\n  protected_branches: [trunk]\n  deny_commands: ["^make deploy"]\n' });
});
afterAll(() => repo?.remove());

describe('overnight gate', () => {
  it('prints the decision, the rule and the parsed commands (options of the checked command pass through)', () => {
    const r = gate(['git', 'push', '--force', 'origin', 'feature']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^DENY\s+git\.force-push/);
    expect(r.stdout).toContain('rule:   git.force-push (git)');
    expect(r.stdout).toContain('1. git push --force origin feature');
    expect(r.stdout).toContain('<- denied');
  });

  it('answers JSON with decision, rule, parsed structure and context, using the repository config', () => {
    const r = gate(['--format', 'json', '--branch', 'overnight/s--x', 'git push origin HEAD:trunk']);
    const env = JSON.parse(r.stdout);
    expect(env).toMatchObject({ ok: true, command: 'gate' });
    expect(env.data.decision).toMatchObject({ decision: 'deny', ruleId: 'git.push-protected' });
    expect(env.data.rule.domain).toBe('git');
    expect(env.data.parsed.commands[0].argv).toEqual(['git', 'push', 'origin', 'HEAD:trunk']);
    expect(env.data.context.protectedBranches).toEqual(['trunk']);
    const custom = JSON.parse(gate(['--format', 'json', 'make deploy-prod']).stdout);
    expect(custom.data.decision).toMatchObject({ decision: 'deny', ruleId: 'config.deny-command' });
  });

  it('allows text that only mentions a dangerous command, and explains nested code', () => {
    expect(gate(['echo "git push --force"']).stdout).toMatch(/^ALLOW/);
    const nested = JSON.parse(gate(['--format', 'json', `bash -c 'cd /tmp && rm -rf ~/work'`]).stdout);
    expect(nested.data.decision.decision).toBe('deny');
    expect(nested.data.parsed.commands.some((c: any) => c.denied && c.via.includes('bash -c'))).toBe(true);
  });

  it('shows what was found for structural evasions: the finding, the nesting and the fix', () => {
    const concat = gate([`python3 -c 'import os; os.system("rm -rf " + "x")'`]).stdout;
    expect(concat).toMatch(/^DENY\s+interp\.unknown-code/);
    expect(concat).toContain('Findings:');
    expect(concat).toContain('calls the shell with a command that is only known when it runs');
    expect(concat).toMatch(/Instead, write the shell command literally/);
    const viaEnv = gate([`GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager GIT_CONFIG_VALUE_0='rm -rf ~/work' git log`]).stdout;
    expect(viaEnv).toMatch(/^DENY\s+fs\.rm-outside-worktree/);
    expect(viaEnv).toContain('via git -c core.pager');
    const fn = gate([`f() { git "$@"; }; f push --force origin trunk`]).stdout;
    expect(fn).toMatch(/^DENY\s+git\.force-push/);
    expect(fn).toContain('via function f');
    expect(gate(['terraform destroy --help']).stdout).toMatch(/^ALLOW/);
  });

  it('checks file tools with --tool and --path, relative to --cwd', () => {
    expect(gate(['--tool', 'Write', '--path', '../elsewhere.txt']).stdout).toMatch(/^DENY\s+file\.outside-worktree/);
    expect(gate(['--tool', 'Edit', '--path', 'src/a.ts']).stdout).toMatch(/^ALLOW/);
    expect(gate(['--tool', 'Write', '--path', '.git/config']).stdout).toMatch(/^DENY\s+file\.git-dir/);
  });

  it('lists every rule with --rules', () => {
    const text = gate(['--rules']).stdout;
    for (const rule of RULES) expect(text).toContain(rule.id);
    const json = JSON.parse(gate(['--rules', '--format', 'json']).stdout);
    expect(json.data.rules).toHaveLength(RULES.length);
    expect(json.data.rules[0]).toHaveProperty('description');
  });

  it('is a usage error without a command', () => {
    const r = gate([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No command given');
    expect(gate(['--tool', 'Frobnicate', '--path', 'x']).code).toBe(2);
  });
});
