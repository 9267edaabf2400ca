/**
 * The built hook binaries (dist/hooks/*.js, as Claude Code runs them: a new node process, the hook
 * input JSON on stdin, the answer on stdout, exit code 0), in real git repositories.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.js';
import { policyFileFromConfig } from '../../src/hooks/policy-context.js';
import { GATE_DEADLINE_MS } from '../../src/hooks/deadline.js';
import { makeRepo, type TestRepo } from '../support/repo.js';

const DIST = resolve('dist/hooks');

interface HookRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json?: any;
}

function runHook(name: string, input: unknown, env: Record<string, string | undefined>): HookRun {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OVERNIGHT_') && !k.startsWith('CLAUDE_')) clean[k] = v;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  const r = spawnSync(process.execPath, [join(DIST, `${name}.js`)], {
    input: typeof input === 'string' ? input : JSON.stringify(input),
    env: clean,
    encoding: 'utf8',
    timeout: 20_000,
  });
  const stdout = r.stdout ?? '';
  return { code: r.status, stdout, stderr: r.stderr ?? '', json: stdout.trim() ? JSON.parse(stdout) : undefined };
}

function preToolUse(tool: string, toolInput: Record<string, unknown>, cwd: string, id = 'toolu_1') {
  return { session_id: 'claude-session-1', transcript_path: '/dev/null', cwd, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: toolInput, tool_use_id: id };
}

function readAudit(file: string): any[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

let repo: TestRepo;
let worktree: string;
let sessionDir: string;
let outside: string;
let sessionEnv: Record<string, string>;

beforeAll(() => {
  repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
  const sessionId = '20261121-2300-test';
  sessionDir = join(repo.root, '.overnight/sessions', sessionId);
  mkdirSync(join(sessionDir, 'deferred'), { recursive: true });
  worktree = join(repo.root, '.overnight/worktrees', sessionId, 'csv-export');
  repo.git('worktree', 'add', '-q', '-b', `overnight/${sessionId}--csv-export`, worktree);
  writeFileSync(join(sessionDir, 'policy.json'), JSON.stringify(policyFileFromConfig(defaultConfig().safety, repo.root)));
  outside = mkdtempSync(join(tmpdir(), 'overnight-outside-'));
  writeFileSync(join(outside, 'precious.txt'), 'keep me\n');
  sessionEnv = {
    OVERNIGHT_SESSION_DIR: sessionDir,
    OVERNIGHT_WORKTREE: worktree,
    OVERNIGHT_ITEM: 'csv-export',
    OVERNIGHT_BRANCH: `overnight/${sessionId}--csv-export`,
    OVERNIGHT_REPO_ROOT: repo.root,
  };
});

afterAll(() => {
  repo?.remove();
  if (outside) rmSync(outside, { recursive: true, force: true });
});

describe('bash-gate in an overnight session', () => {
  it('denies a force-push in the JSON form Claude Code documents, exit 0, and audits it', () => {
    const r = runHook('bash-gate', preToolUse('Bash', { command: 'git push --force origin HEAD' }, worktree, 'toolu_force'), sessionEnv);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json)).toEqual(['hookSpecificOutput']);
    expect(r.json.hookSpecificOutput).toMatchObject({ hookEventName: 'PreToolUse', permissionDecision: 'deny' });
    expect(r.json.hookSpecificOutput.permissionDecisionReason).toContain('git.force-push');
    const line = readAudit(join(sessionDir, 'audit.jsonl')).find((l) => l.tool_use_id === 'toolu_force');
    expect(line).toMatchObject({ event: 'PreToolUse', tool: 'Bash', item: 'csv-export', session_id: 'claude-session-1', target: 'git push --force origin HEAD', decision: 'deny', rule: 'git.force-push' });
    expect(typeof line.gate_ms).toBe('number');
  });

  it('denies deleting a folder outside the worktree, and lets a build folder inside go', () => {
    const r = runHook('bash-gate', preToolUse('Bash', { command: `rm -rf ${outside}` }, worktree), sessionEnv);
    expect(r.json?.hookSpecificOutput?.permissionDecision).toBe('deny');
    const ok = runHook('bash-gate', preToolUse('Bash', { command: 'rm -rf build dist && npm test' }, worktree, 'toolu_ok'), sessionEnv);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    expect(readAudit(join(sessionDir, 'audit.jsonl')).find((l) => l.tool_use_id === 'toolu_ok')).toMatchObject({ decision: 'allow' });
  });

  it('allows text that only mentions a dangerous command', () => {
    const r = runHook('bash-gate', preToolUse('Bash', { command: 'git commit -m "docs: never run git push --force or rm -rf /"' }, worktree), sessionEnv);
    expect(r.stdout).toBe('');
  });

  it('fails closed on a malformed input, a missing session policy and a missing worktree variable', () => {
    const bad = runHook('bash-gate', 'this is not json', sessionEnv);
    expect(bad.code).toBe(0);
    expect(bad.json.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(bad.json.hookSpecificOutput.permissionDecisionReason).toContain('hook.bad-input');

    const empty = mkdtempSync(join(tmpdir(), 'overnight-nosession-'));
    const noPolicy = runHook('bash-gate', preToolUse('Bash', { command: 'ls' }, worktree), { ...sessionEnv, OVERNIGHT_SESSION_DIR: empty });
    expect(noPolicy.json.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(noPolicy.json.hookSpecificOutput.permissionDecisionReason).toContain('hook.no-context');
    expect(readAudit(join(empty, 'audit.jsonl'))[0]).toMatchObject({ decision: 'deny', rule: 'hook.no-context' });

    writeFileSync(join(empty, 'policy.json'), '{"version":1,"repoRoot":"/x","protectedBranches":"main"}');
    const malformed = runHook('bash-gate', preToolUse('Bash', { command: 'ls' }, worktree), { ...sessionEnv, OVERNIGHT_SESSION_DIR: empty });
    expect(malformed.json.hookSpecificOutput.permissionDecisionReason).toContain('protectedBranches');

    const noWorktree = runHook('bash-gate', preToolUse('Bash', { command: 'ls' }, worktree), { ...sessionEnv, OVERNIGHT_WORKTREE: undefined });
    expect(noWorktree.json.hookSpecificOutput.permissionDecision).toBe('deny');
    rmSync(empty, { recursive: true, force: true });
  });

  it('denies when stdin never ends, at its internal deadline and well inside the hooks.json timeout', async () => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(DIST, 'bash-gate.js')], { env: { ...process.env, ...sessionEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.write('{"session_id":"s",');
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    const elapsed = Date.now() - started;
    expect(code).toBe(0);
    expect(JSON.parse(out).hookSpecificOutput).toMatchObject({ permissionDecision: 'deny' });
    expect(out).toContain('hook.deadline');
    expect(readAudit(join(sessionDir, 'audit.jsonl')).some((l) => l.rule === 'hook.deadline' && l.decision === 'deny')).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(GATE_DEADLINE_MS - 500);
    expect(elapsed).toBeLessThan(9_000);
  });
});

describe('bash-gate reading stdin', () => {
  it('assembles an input that arrives in several chunks', async () => {
    const child = spawn(process.execPath, [join(DIST, 'bash-gate.js')], { env: { ...process.env, ...sessionEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
    const text = JSON.stringify(preToolUse('Bash', { command: 'git push --force origin HEAD' }, worktree, 'toolu_chunks'));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.write(text.slice(0, 40));
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.end(text.slice(40));
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    expect(code).toBe(0);
    expect(JSON.parse(out).hookSpecificOutput.permissionDecisionReason).toContain('git.force-push');
  });
});

describe('file-gate', () => {
  it('denies writes outside the worktree, in .git and to secret files; allows inside', () => {
    const w = (file_path: string) => runHook('file-gate', preToolUse('Write', { file_path, content: 'SECRET-CONTENT' }, worktree), sessionEnv);
    expect(w(join(outside, 'x.txt')).json.hookSpecificOutput.permissionDecisionReason).toContain('file.outside-worktree');
    expect(w(join(repo.root, 'src/a.ts')).json.hookSpecificOutput.permissionDecisionReason).toContain('file.outside-worktree');
    expect(w(join(worktree, '.git')).json.hookSpecificOutput.permissionDecisionReason).toContain('file.git-dir');
    expect(w(join(repo.root, '.git/config')).json.hookSpecificOutput.permissionDecisionReason).toContain('file.git-dir');
    expect(w(join(worktree, '.env')).json.hookSpecificOutput.permissionDecisionReason).toContain('file.secret');
    expect(w(join(worktree, 'src/new.ts')).stdout).toBe('');
    const edit = runHook('file-gate', preToolUse('Edit', { file_path: 'src/a.ts', old_string: 'a', new_string: 'b' }, worktree), sessionEnv);
    expect(edit.stdout).toBe('');
    expect(readFileSync(join(sessionDir, 'audit.jsonl'), 'utf8')).not.toContain('SECRET-CONTENT');
  });
});

describe('ask-gate', () => {
  it('denies with guidance, records the question in deferred/ and audits it', () => {
    const before = readdirSync(join(sessionDir, 'deferred')).length;
    const input = preToolUse(
      'AskUserQuestion',
      { questions: [{ question: 'Should the CSV export include a header row?', header: 'Header', options: [{ label: 'Yes', description: 'Column names first' }, { label: 'No' }], multiSelect: false }] },
      worktree,
      'toolu_ask',
    );
    const r = runHook('ask-gate', input, sessionEnv);
    expect(r.code).toBe(0);
    const reason: string = r.json.hookSpecificOutput.permissionDecisionReason;
    expect(r.json.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(reason).toContain('Decide for yourself');
    const files = readdirSync(join(sessionDir, 'deferred'));
    expect(files.length).toBe(before + 1);
    const file = files.find((f) => reason.includes(f))!;
    expect(file).toMatch(/^\d{8}T\d{6}Z-csv-export-1\.md$/);
    const md = readFileSync(join(sessionDir, 'deferred', file), 'utf8');
    expect(md).toContain('Should the CSV export include a header row?');
    expect(md).toContain('- **Yes**: Column names first');
    expect(md).toContain('claude-session-1');
    expect(md).toContain('Decide for yourself');
    expect(readAudit(join(sessionDir, 'audit.jsonl')).find((l) => l.tool_use_id === 'toolu_ask')).toMatchObject({ tool: 'AskUserQuestion', decision: 'deny', rule: 'ask.unattended' });
  });
});

describe('audit (PostToolUse, PostToolUseFailure)', () => {
  it('appends one line per outcome, with the exit code of a failed command', () => {
    const file = join(sessionDir, 'audit.jsonl');
    const ok = runHook('audit', { ...preToolUse('Bash', { command: 'npm test' }, worktree, 'toolu_post1'), hook_event_name: 'PostToolUse', tool_response: { stdout: 'ok', stderr: '', interrupted: false } }, sessionEnv);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    const fail = runHook('audit', { ...preToolUse('Bash', { command: 'false' }, worktree, 'toolu_post2'), hook_event_name: 'PostToolUseFailure', error: 'Exit code 1\n' }, sessionEnv);
    expect(fail.code).toBe(0);
    const write = runHook('audit', { ...preToolUse('Write', { file_path: join(worktree, 'a.txt'), content: 'SECRET-CONTENT' }, worktree, 'toolu_post3'), hook_event_name: 'PostToolUse', tool_response: { type: 'create' } }, sessionEnv);
    expect(write.code).toBe(0);
    const lines = readAudit(file);
    expect(lines.find((l) => l.tool_use_id === 'toolu_post1')).toMatchObject({ event: 'PostToolUse', outcome: 'success', target: 'npm test', item: 'csv-export' });
    expect(lines.find((l) => l.tool_use_id === 'toolu_post2')).toMatchObject({ event: 'PostToolUseFailure', outcome: 'error', exit_code: 1 });
    expect(lines.find((l) => l.tool_use_id === 'toolu_post3')).toMatchObject({ tool: 'Write', target: join(worktree, 'a.txt') });
    expect(readFileSync(file, 'utf8')).not.toContain('SECRET-CONTENT');
  });

  it('after an edit, hands a syntax error back to the agent as additional context (advisory)', () => {
    writeFileSync(join(worktree, 'package.json'), '{ "name": "x", }\n');
    const post = (file_path: string) =>
      runHook('audit', { ...preToolUse('Write', { file_path, content: '...' }, worktree, 'toolu_check'), hook_event_name: 'PostToolUse', tool_response: { type: 'create' } }, sessionEnv);
    const broken = post(join(worktree, 'package.json'));
    expect(broken.code).toBe(0);
    expect(broken.json.hookSpecificOutput.hookEventName).toBe('PostToolUse');
    expect(broken.json.hookSpecificOutput.additionalContext).toContain('is not valid JSON');
    writeFileSync(join(worktree, 'package.json'), '{ "name": "x" }\n');
    expect(post(join(worktree, 'package.json')).stdout).toBe('');
  });

  it('does nothing outside a session, and never fails the call', () => {
    const r = runHook('audit', { ...preToolUse('Bash', { command: 'ls' }, repo.root), hook_event_name: 'PostToolUse', tool_response: {} }, {});
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(runHook('audit', 'garbage', sessionEnv).code).toBe(0);
  });
});

describe('interactive use (no overnight session in the environment)', () => {
  it('applies the Bash policy with the repository root as the boundary', () => {
    const env = { CLAUDE_PROJECT_DIR: repo.root };
    const out = runHook('bash-gate', preToolUse('Bash', { command: `rm -rf ${outside}` }, join(repo.root, 'src')), env);
    expect(out.json.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(runHook('bash-gate', preToolUse('Bash', { command: 'rm -rf src/build' }, repo.root), env).stdout).toBe('');
    expect(runHook('bash-gate', preToolUse('Bash', { command: 'git reset --hard HEAD~3' }, repo.root), env).json.hookSpecificOutput.permissionDecision).toBe('deny');
    // Questions are for the person who is there.
    expect(runHook('ask-gate', preToolUse('AskUserQuestion', { questions: [{ question: 'Which?', options: [] }] }, repo.root), env).stdout).toBe('');
    expect(existsSync(join(repo.root, '.overnight/sessions/none'))).toBe(false);
  });

  it('finds the repository root from the call cwd when CLAUDE_PROJECT_DIR is absent', () => {
    const out = runHook('bash-gate', preToolUse('Bash', { command: `rm -rf ${outside}` }, join(repo.root, 'src')), {});
    expect(out.json.hookSpecificOutput.permissionDecision).toBe('deny');
  });

  it('is switched off by safety.interactive: false in overnight.config.yaml', () => {
    const other = makeRepo({ 'overnight.config.yaml': 'concurrency: 1\nsafety:\n  interactive: false\n' });
    try {
      const r = runHook('bash-gate', preToolUse('Bash', { command: `rm -rf ${outside}/nothing-here` }, other.root), { CLAUDE_PROJECT_DIR: other.root });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
    } finally {
      other.remove();
    }
  });

  it('reads protected branches from overnight.config.yaml without the yaml package', () => {
    const other = makeRepo({ 'overnight.config.yaml': 'safety:\n  protected_branches: [trunk]\n' });
    try {
      const env = { CLAUDE_PROJECT_DIR: other.root };
      expect(runHook('bash-gate', preToolUse('Bash', { command: 'git push origin trunk' }, other.root), env).json?.hookSpecificOutput?.permissionDecision).toBe('deny');
      expect(runHook('bash-gate', preToolUse('Bash', { command: 'git push origin HEAD:trunk' }, other.root), env).json?.hookSpecificOutput?.permissionDecision).toBe('deny');
    } finally {
      other.remove();
    }
  });
});
