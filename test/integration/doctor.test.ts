/**
 * `overnight doctor` through the built CLI. The plugin root is a fake one (CLAUDE_PLUGIN_ROOT) so
 * the hook checks are under the test's control; the claude binary is the real one from
 * node_modules, given through agent.claude_path.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { repoSnapshot, runCli } from '../support/cli.js';
import { backlogItem, makeRepo, type TestRepo } from '../support/repo.js';

const CLAUDE = resolve('node_modules/.bin/claude');
const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A plugin folder with a manifest, hooks.json, (unless left out) the four built hook scripts and (unless `leaveOutCores`) their cores. */
function fakePlugin(options: { leaveOut?: string[]; leaveOutCores?: string[]; extraCommand?: string } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'overnight-plugin-'));
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, '.claude-plugin'));
  writeFileSync(join(root, '.claude-plugin/plugin.json'), '{"name":"overnight"}');
  mkdirSync(join(root, 'hooks'));
  mkdirSync(join(root, 'dist/hooks/core'), { recursive: true });
  const scripts = ['bash-gate.js', 'file-gate.js', 'ask-gate.js', 'audit.js'];
  for (const s of scripts) if (!options.leaveOut?.includes(s)) writeFileSync(join(root, 'dist/hooks', s), '');
  for (const s of scripts) if (!options.leaveOutCores?.includes(s)) writeFileSync(join(root, 'dist/hooks/core', s), '');
  const commands = scripts.map((s) => `node "\${CLAUDE_PLUGIN_ROOT}/dist/hooks/${s}"`);
  if (options.extraCommand) commands.push(options.extraCommand);
  writeFileSync(
    join(root, 'hooks/hooks.json'),
    JSON.stringify({ hooks: { PreToolUse: commands.map((command) => ({ matcher: '*', hooks: [{ type: 'command', command }] })) } }),
  );
  return root;
}

function repo(files: Record<string, string>): TestRepo {
  const r = makeRepo(files);
  cleanup.push(() => r.remove());
  return r;
}

interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

function doctor(cwd: string, pluginRoot: string): { code: number | null; checks: Record<string, Check>; ok: boolean } {
  const result = runCli(cwd, ['doctor', '--format', 'json'], { CLAUDE_PLUGIN_ROOT: pluginRoot });
  const envelope = JSON.parse(result.stdout);
  expect(envelope.command).toBe('doctor');
  return { code: result.code, ok: envelope.data.ok, checks: Object.fromEntries(envelope.data.checks.map((c: Check) => [c.name, c])) };
}

describe('overnight doctor', () => {
  test('a healthy setup: every check ok (gh may warn), exit 0, nothing written', () => {
    const r = repo({
      'overnight.config.yaml': `agent:\n  claude_path: ${JSON.stringify(CLAUDE)}\n`,
      'backlog/001-a.md': backlogItem({ title: 'A', status: 'ready' }),
      'backlog/002-b.md': backlogItem({ title: 'B' }),
    });
    const before = repoSnapshot(r.root);
    const { code, ok, checks } = doctor(r.root, fakePlugin());
    expect(Object.keys(checks)).toEqual(['node', 'git', 'claude', 'sandbox', 'gh', 'hooks', 'config', 'backlog']);
    expect(checks.node).toMatchObject({ status: 'ok', detail: `Node.js ${process.versions.node}` });
    expect(checks.git?.status).toBe('ok');
    expect(checks.git?.detail).toMatch(/^git \d+\.\d+/);
    expect(checks.claude).toMatchObject({ status: 'ok', detail: `2.1.330 (Claude Code) at ${CLAUDE}` });
    expect(checks.sandbox).toMatchObject({ status: 'ok', detail: "bubblewrap and socat confine a test command; Claude Code's sandbox is available" });
    expect(['ok', 'warn']).toContain(checks.gh?.status);
    expect(checks.hooks).toMatchObject({ status: 'ok', detail: '4 hook binaries built, 4 hooks.json commands resolve' });
    expect(checks.config).toMatchObject({ status: 'ok', detail: 'overnight.config.yaml is valid' });
    expect(checks.backlog).toMatchObject({ status: 'ok', detail: '2 item(s) in backlog/, 1 ready' });
    expect(ok).toBe(true);
    expect(code).toBe(0);
    expect(repoSnapshot(r.root)).toEqual(before);
  });

  test('missing hook binaries, a missing claude and an invalid config fail with fixes; exit 1', () => {
    const r = repo({ 'overnight.config.yaml': 'agent:\n  claude_path: /nonexistent/claude\nconcurrency: many\n' });
    const plugin = fakePlugin({ leaveOut: ['bash-gate.js'], extraCommand: 'node "${CLAUDE_PLUGIN_ROOT}/dist/hooks/extra.js"' });
    const result = runCli(r.root, ['doctor'], { CLAUDE_PLUGIN_ROOT: plugin });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('fail  hooks    hook binaries missing: dist/hooks/bash-gate.js, dist/hooks/extra.js');
    expect(result.stdout).toContain(`Fix: Build them: cd ${plugin} && npm run build (or npm ci).`);
    expect(result.stdout).toContain("fail  config   overnight.config.yaml:3: 'concurrency' must be a whole number, not the text 'many' [field: concurrency] Fix: Set 'concurrency' to a whole number");
    expect(result.stdout).toContain('warn  backlog  not checked: the config is invalid (it names the backlog folder)');
    // The config is invalid, so its claude_path is not used: the fallback search runs.
    expect(result.stdout).toMatch(/\n(ok|fail) +claude +/);
    expect(result.stdout).toMatch(/\n\d check\(s\) failed, \d warning\(s\)\.\n$/);
  });

  test('a hook loader without its core fails the hooks check (the gate would deny every tool call)', () => {
    const r = repo({ 'overnight.config.yaml': `agent:\n  claude_path: ${JSON.stringify(CLAUDE)}\n` });
    const { code, checks } = doctor(r.root, fakePlugin({ leaveOutCores: ['file-gate.js'] }));
    expect(checks.hooks).toMatchObject({ status: 'fail', detail: 'hook binaries missing: dist/hooks/core/file-gate.js' });
    expect(code).toBe(1);
  });

  test('a claude_path that does not exist fails the claude check', () => {
    const r = repo({ 'overnight.config.yaml': 'agent:\n  claude_path: /nonexistent/claude\n' });
    const { code, checks } = doctor(r.root, fakePlugin());
    expect(checks.claude).toMatchObject({
      status: 'fail',
      detail: 'the claude binary was not found (tried: /nonexistent/claude (agent.claude_path))',
      fix: "agent.claude_path in overnight.config.yaml points at '/nonexistent/claude', which is not an executable file: fix the path (`which claude` shows it), or remove the key to let overnight look for claude.",
    });
    expect(code).toBe(1);
  });

  test('an invalid backlog fails the backlog check, listing its problems', () => {
    const r = repo({
      'overnight.config.yaml': `agent:\n  claude_path: ${JSON.stringify(CLAUDE)}\n`,
      'backlog/001-a.md': backlogItem({ title: 'A', blocked_by: 'b' }),
      'backlog/002-b.md': backlogItem({ title: 'B', blocked_by: 'a' }),
    });
    const { code, checks } = doctor(r.root, fakePlugin());
    expect(checks.backlog?.status).toBe('fail');
    expect(checks.backlog?.detail).toContain('1 problem(s): backlog/001-a.md:3: dependency cycle: 001-a -> 002-b -> 001-a');
    expect(code).toBe(1);
  });

  test('outside a git repository, config and backlog are warnings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'overnight-nogit-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const { checks } = doctor(dir, fakePlugin());
    expect(checks.config).toMatchObject({ status: 'warn', detail: 'not inside a git repository: nothing to check' });
    expect(checks.backlog?.status).toBe('warn');
  });
});
