import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeadlineError, runWithin } from '../../../src/hooks/deadline.js';
import { decideGate, denyMessage, failClosed } from '../../../src/hooks/gate.js';
import { HookInputError } from '../../../src/hooks/input.js';
import {
  PolicyContextError,
  findGitBoundary,
  loadHookContext,
  parsePolicyFile,
  policyFileFromConfig,
  readCurrentBranch,
} from '../../../src/hooks/policy-context.js';
import { defaultConfig } from '../../../src/config/schema.js';

function tree(): string {
  return mkdtempSync(join(tmpdir(), 'hook-ctx-'));
}

describe('policy.json', () => {
  it('is built from the config with relative paths resolved against the repository root', () => {
    const safety = { ...defaultConfig().safety, allow_paths: ['/opt/cache'], deny_paths: ['infra/prod'] };
    const file = policyFileFromConfig(safety, '/repo');
    expect(file).toMatchObject({ version: 1, repoRoot: '/repo', allowPaths: ['/opt/cache'], denyPaths: ['/repo/infra/prod'] });
    expect(parsePolicyFile(JSON.stringify(file), 'policy.json')).toEqual(file);
  });

  it('is rejected when malformed, naming the file and the field', () => {
    const good = policyFileFromConfig(defaultConfig().safety, '/repo');
    expect(() => parsePolicyFile('{', 'p.json')).toThrow(/p\.json: not JSON/);
    expect(() => parsePolicyFile(JSON.stringify({ ...good, version: 2 }), 'p.json')).toThrow(/'version'/);
    expect(() => parsePolicyFile(JSON.stringify({ ...good, denyPaths: 'x' }), 'p.json')).toThrow(/'denyPaths'/);
    expect(() => parsePolicyFile(JSON.stringify({ ...good, denyCommands: ['('] }), 'p.json')).toThrow(/invalid regular expression/);
    expect(() => parsePolicyFile(JSON.stringify({ ...good, repoRoot: 'rel' }), 'p.json')).toThrow(PolicyContextError);
  });
});

describe('git facts read without git', () => {
  it('finds the nearest .git entry and the branch of a main checkout and of a linked worktree', () => {
    const root = tree();
    mkdirSync(join(root, '.git/worktrees/wt'), { recursive: true });
    writeFileSync(join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(root, '.git/worktrees/wt/HEAD'), 'ref: refs/heads/overnight/s--wt\n');
    mkdirSync(join(root, 'src/deep'), { recursive: true });
    const wt = join(root, 'wt');
    mkdirSync(wt);
    writeFileSync(join(wt, '.git'), `gitdir: ${join(root, '.git/worktrees/wt')}\n`);
    expect(findGitBoundary(join(root, 'src/deep'))).toBe(root);
    expect(findGitBoundary(wt)).toBe(wt);
    expect(readCurrentBranch(root)).toBe('main');
    expect(readCurrentBranch(wt)).toBe('overnight/s--wt');
    writeFileSync(join(root, '.git/HEAD'), '0123456789abcdef0123456789abcdef01234567\n');
    expect(readCurrentBranch(root)).toBeUndefined();
    expect(readCurrentBranch(join(root, 'src'))).toBeUndefined();
  });
});

describe('loadHookContext', () => {
  it('in a session: policy.json plus the agent environment; unattended', () => {
    const session = tree();
    writeFileSync(join(session, 'policy.json'), JSON.stringify(policyFileFromConfig(defaultConfig().safety, '/repo')));
    const c = loadHookContext({ sessionDir: session, worktree: '/repo/.overnight/worktrees/s/x', ownBranch: 'overnight/s--x', item: 'x', home: '/home/u' }, '/anywhere');
    expect(c.mode).toBe('session');
    if (c.mode !== 'session') return;
    expect(c.ctx).toMatchObject({ worktreeRoot: '/repo/.overnight/worktrees/s/x', ownBranch: 'overnight/s--x', interactive: false, home: '/home/u' });
    expect(c.auditFile).toBe(join(session, 'audit.jsonl'));
    expect(c.deferredDir).toBe(join(session, 'deferred'));
  });

  it('in a session: the scratch folder (OVERNIGHT_SCRATCH) is an allowed path; a relative one is ignored', () => {
    const session = tree();
    writeFileSync(join(session, 'policy.json'), JSON.stringify(policyFileFromConfig({ ...defaultConfig().safety, allow_paths: ['/opt/cache'] }, '/repo')));
    const where = { sessionDir: session, worktree: '/repo/.overnight/worktrees/s/x', home: '/home/u' };
    const c = loadHookContext({ ...where, scratch: '/repo/.overnight/worktrees/s/_scratch/x' }, '/anywhere');
    if (c.mode !== 'session') throw new Error('not a session context');
    expect(c.ctx.scratchDir).toBe('/repo/.overnight/worktrees/s/_scratch/x');
    expect(c.ctx.allowPaths).toEqual(['/opt/cache', '/repo/.overnight/worktrees/s/_scratch/x']);
    const relative = loadHookContext({ ...where, scratch: 'tmp' }, '/anywhere');
    if (relative.mode !== 'session') throw new Error('not a session context');
    expect(relative.ctx.scratchDir).toBeUndefined();
    expect(relative.ctx.allowPaths).toEqual(['/opt/cache']);
  });

  it('in a session: throws when the worktree variable or policy.json is missing', () => {
    const session = tree();
    expect(() => loadHookContext({ sessionDir: session, worktree: '/w', home: '/h' }, '/w')).toThrow(/policy\.json: cannot read/);
    expect(() => loadHookContext({ sessionDir: session, home: '/h' }, '/w')).toThrow(/OVERNIGHT_WORKTREE/);
  });

  it('interactively: the repository root, the config safety section, or off', () => {
    const root = tree();
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'src'));
    let c = loadHookContext({ home: '/h' }, join(root, 'src'));
    expect(c).toMatchObject({ mode: 'interactive', repoRoot: root, ctx: { worktreeRoot: root, interactive: true } });
    writeFileSync(join(root, 'overnight.config.yaml'), 'safety:\n  protected_branches: [trunk]\n  deny_paths: [secrets]\n');
    c = loadHookContext({ home: '/h', projectDir: root }, '/tmp');
    expect(c.mode === 'interactive' && c.ctx.protectedBranches).toEqual(['trunk']);
    expect(c.mode === 'interactive' && c.ctx.denyPaths).toEqual([join(root, 'secrets')]);
    writeFileSync(join(root, 'overnight.config.yaml'), 'safety: &anchor\n  interactive: false\n');
    c = loadHookContext({ home: '/h', projectDir: root }, root);
    expect(c).toMatchObject({ mode: 'interactive', ctx: { protectedBranches: ['main', 'master', 'develop', 'production', 'release/*'] } });
    expect(c.mode === 'interactive' && c.configNote).toContain('using the default safety policy');
    writeFileSync(join(root, 'overnight.config.yaml'), 'safety:\n  interactive: false\n');
    expect(loadHookContext({ home: '/h', projectDir: root }, root).mode).toBe('off');
  });
});

describe('fail closed', () => {
  it('runWithin stops a runaway policy at its deadline', () => {
    expect(runWithin(() => 42, 100)).toBe(42);
    const started = Date.now();
    expect(() => runWithin(() => /^(a+)+$/.test(`${'a'.repeat(40)}b`), 100)).toThrow(DeadlineError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(() => runWithin(() => {
      throw new TypeError('boom');
    }, 100)).toThrow(TypeError);
  });

  it('maps every failure to a deny with a hook rule id', () => {
    expect(failClosed(new HookInputError('x')).ruleId).toBe('hook.bad-input');
    expect(failClosed(new DeadlineError('x')).ruleId).toBe('hook.deadline');
    expect(failClosed(new PolicyContextError('x')).ruleId).toBe('hook.no-context');
    expect(failClosed('weird').ruleId).toBe('hook.internal-error');
  });

  it('decideGate denies on a throwing, hanging or empty decision, and passes an allow through silently', () => {
    const root = tree();
    mkdirSync(join(root, '.git'));
    const input = JSON.stringify({ session_id: 's', cwd: root, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } });
    const env = { home: '/h', projectDir: root };
    expect(decideGate(input, () => ({ decision: 'allow' }), env, 500)).toMatchObject({ stdout: '', decision: { decision: 'allow' } });
    const thrown = decideGate(input, () => {
      throw new Error('bug');
    }, env, 500);
    expect(thrown.decision).toMatchObject({ decision: 'deny', ruleId: 'hook.internal-error' });
    expect(JSON.parse(thrown.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
    const hung = decideGate(input, () => {
      for (;;) {
        /* spin */
      }
    }, env, 100);
    expect(hung.decision).toMatchObject({ decision: 'deny', ruleId: 'hook.deadline' });
    expect(decideGate(input, () => undefined as never, env, 100).decision.decision).toBe('deny');
    const denied = decideGate(input, () => ({ decision: 'deny', ruleId: 'git.force-push', reason: 'No.' }), env, 500);
    expect(JSON.parse(denied.stdout).hookSpecificOutput.permissionDecisionReason).toBe(denyMessage({ decision: 'deny', ruleId: 'git.force-push', reason: 'No.' }, undefined));
  });
});
