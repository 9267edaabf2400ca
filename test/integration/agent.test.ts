/**
 * runAgent end to end: the REAL claude binary against the scripted stand-in model, in real git
 * repositories, with the product's own plugin (hooks) loaded from the project root.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ALLOWED_TOOLS } from '../../src/agent/args.js';
import { groupAlive, pidAlive } from '../../src/agent/process-group.js';
import { runAgent } from '../../src/agent/run.js';
import type { AgentActivity, AgentRunOptions } from '../../src/agent/types.js';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { claudeBin, claudeEnv, PROJECT_ROOT } from '../support/claude.js';
import { makeRepo, type TestRepo } from '../support/repo.js';

let model: StandinModel;
const repos: TestRepo[] = [];

beforeAll(async () => {
  model = await startStandinModel({ scripts: [] });
});
afterAll(async () => {
  await model.close();
  for (const r of repos) r.remove();
});

function setup(marker: string, over: Partial<AgentRunOptions> = {}) {
  const repo = makeRepo();
  repos.push(repo);
  const dir = mkdtempSync(join(tmpdir(), 'overnight-agent-'));
  const settingsFile = join(dir, 'settings.json');
  writeFileSync(settingsFile, '{}');
  const activities: AgentActivity[] = [];
  const opts: AgentRunOptions = {
    claudePath: claudeBin(),
    cwd: repo.root,
    brief: `# Mission ${marker}\nDo the thing.`,
    pluginDir: PROJECT_ROOT,
    settingsFile,
    allowedTools: AGENT_ALLOWED_TOOLS,
    maxTurns: 10,
    budgetUsd: 5,
    claudeSessionId: randomUUID(),
    transcriptFile: join(dir, 'transcript.jsonl'),
    stderrFile: join(dir, 'stderr.log'),
    // Above claude's start-up on a loaded machine; the watchdog tests set their own.
    idleTimeoutMs: 30_000,
    absoluteTimeoutMs: 60_000,
    env: { ...claudeEnv({ modelUrl: model.url }), CLAUDE_CODE_MAX_RETRIES: '0' },
    inheritEnv: false,
    killGraceMs: 2000,
    onActivity: (a) => activities.push(a),
    ...over,
  };
  return { repo, dir, opts, activities };
}

describe('runAgent with the real claude CLI', () => {
  it('runs a scripted agent that commits and ends with TASK_COMPLETE and learnings', async () => {
    const marker = `M-${randomUUID()}`;
    model.addScript({
      marker,
      turns: [
        { tool: 'Bash', input: { command: 'echo hello > hello.txt && git add hello.txt && git commit -q -m "Add hello"', description: 'commit' }, text: 'Creating the file.' },
        { text: 'Done: hello.txt is committed.\n\n## Learnings\n- Tests run with `npm test`.\n- Commit with clear messages.\n\nTASK_COMPLETE' },
      ],
    });
    const { repo, opts, activities } = setup(marker);
    const out = await runAgent(opts);
    expect(out.failure).toBeUndefined();
    expect(out.exitCode).toBe(0);
    expect(out.completion).toEqual({ kind: 'complete' });
    expect(out.learnings).toBe('- Tests run with `npm test`.\n- Commit with clear messages.');
    expect(out.turns).toBeGreaterThan(0);
    expect(out.costUsd).toBeGreaterThanOrEqual(0);
    expect(out.result?.is_error).toBe(false);
    expect(out.sessionId).toBe(opts.claudeSessionId);
    expect(repo.git('log', '--format=%s', '-1')).toBe('Add hello');
    const transcript = readFileSync(opts.transcriptFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(transcript[0].type).toBe('system');
    expect(transcript[transcript.length - 1].type).toBe('result');
    expect(activities.some((a) => a.kind === 'tool' && a.summary.startsWith('Bash: echo hello'))).toBe(true);
    expect(activities.some((a) => a.kind === 'result')).toBe(true);
  });

  it('offers only the allowed tools: sub-agents, skills and EnterWorktree do not run', async () => {
    const marker = `M-${randomUUID()}`;
    model.addScript({
      marker,
      turns: [
        { tool: 'Agent', input: { description: 'helper', prompt: 'do it', subagent_type: 'general-purpose' } },
        { tool: 'EnterWorktree', input: { name: 'elsewhere' } },
        { tool: 'Skill', input: { skill: 'simplify' } },
        { text: 'TASK_COMPLETE' },
      ],
    });
    const { repo, opts } = setup(marker);
    const out = await runAgent(opts);
    expect(out.completion).toEqual({ kind: 'complete' });
    const results = readFileSync(opts.transcriptFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'user')
      .flatMap((l) => l.message.content.filter((c: { type: string }) => c.type === 'tool_result'));
    expect(results).toHaveLength(3);
    for (const r of results) expect(String(r.content)).toMatch(/No such tool available/);
    const offered = (model.requestsFor(marker)[0]!.body.tools as Array<{ name: string }>).map((t) => t.name);
    expect(offered).toContain('Bash');
    expect(offered).not.toContain('Agent');
    expect(offered).not.toContain('Skill');
    expect(existsSync(join(repo.root, '.claude', 'worktrees'))).toBe(false);
    expect(repo.git('branch', '--list', 'worktree-*')).toBe('');
  });

  it('reports TASK_BLOCKED with its reason', async () => {
    const marker = `M-${randomUUID()}`;
    model.addScript({ marker, turns: [{ text: 'I cannot find the API spec the item refers to.\n\nTASK_BLOCKED: the item names docs/api.md, which does not exist' }] });
    const { opts } = setup(marker);
    const out = await runAgent(opts);
    expect(out.failure).toBeUndefined();
    expect(out.completion).toEqual({ kind: 'blocked', reason: 'the item names docs/api.md, which does not exist' });
    expect(out.learnings).toBeUndefined();
  });

  it('kills a hung agent through the idle watchdog, with its whole process group', async () => {
    const marker = `M-${randomUUID()}`;
    // The tool starts a child that never ends and waits for it: no output, no file change after the pid file.
    model.addScript({ marker, turns: [{ tool: 'Bash', input: { command: 'tail -f /dev/null & echo $! > child.pid; wait', description: 'wait', timeout: 600000 } }] });
    const { repo, opts } = setup(marker, { idleTimeoutMs: 3000 });
    const started = Date.now();
    const out = await runAgent(opts);
    const elapsed = Date.now() - started;
    expect(out.killedBy).toBe('idle');
    expect(out.failure).toMatchObject({ kind: 'transient', cause: 'hang-idle' });
    expect(out.result).toBeUndefined();
    // idle 3 s after the last activity, plus start-up (~1-3 s), plus at most the 2 s grace; the
    // tool itself would have waited 600 s. Generous for a loaded 2-core machine.
    expect(elapsed).toBeLessThan(3000 + 2000 + 10_000);
    expect(out.pid).toBeGreaterThan(0);
    expect(groupAlive(out.pid!)).toBe(false);
    const childPid = Number(readFileSync(join(repo.root, 'child.pid'), 'utf8').trim());
    expect(childPid).toBeGreaterThan(0);
    expect(pidAlive(childPid)).toBe(false);
  });

  it('kills what the agent left running after a clean exit', async () => {
    const marker = `M-${randomUUID()}`;
    model.addScript({
      marker,
      turns: [
        { tool: 'Bash', input: { command: 'tail -f /dev/null & echo $! > leftover.pid', description: 'start a server', run_in_background: true } },
        { delayMs: 1500, then: { text: 'Started.\n\nTASK_COMPLETE' } },
      ],
    });
    const { repo, opts } = setup(marker);
    const out = await runAgent(opts);
    expect(out.failure).toBeUndefined();
    expect(out.completion).toEqual({ kind: 'complete' });
    const leftover = Number(readFileSync(join(repo.root, 'leftover.pid'), 'utf8').trim());
    expect(leftover).toBeGreaterThan(0);
    expect(pidAlive(leftover)).toBe(false);
    expect(groupAlive(out.pid!)).toBe(false);
  });

  it('counts file changes in the worktree as activity, and stops at the absolute timeout', async () => {
    const marker = `M-${randomUUID()}`;
    model.addScript({ marker, turns: [{ tool: 'Bash', input: { command: 'for i in $(seq 1 100); do echo $i >> progress.log; sleep 0.3; done', description: 'slow work', timeout: 600000 } }] });
    const { opts, activities } = setup(marker, { idleTimeoutMs: 3000, absoluteTimeoutMs: 9000 });
    const started = Date.now();
    const out = await runAgent(opts);
    const elapsed = Date.now() - started;
    // No stdout for the tool's whole run (30 s), but progress.log changes every 0.3 s: not idle.
    expect(out.killedBy, JSON.stringify({ started, activities, lastText: out.lastText, stderr: out.stderrTail })).toBe('timeout');
    expect(out.failure).toMatchObject({ kind: 'transient', cause: 'hang-timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(9000);
    expect(elapsed).toBeLessThan(9000 + 2000 + 4000);
    expect(groupAlive(out.pid!)).toBe(false);
  });

  it('stops when the runner aborts', async () => {
    const marker = `M-${randomUUID()}`;
    model.addScript({ marker, turns: [{ hang: true }] });
    const controller = new AbortController();
    const { opts } = setup(marker, { idleTimeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 2500);
    const out = await runAgent(opts);
    expect(out.killedBy).toBe('abort');
    expect(out.failure).toMatchObject({ kind: 'transient', cause: 'aborted' });
    expect(groupAlive(out.pid!)).toBe(false);
  });

  it('reports max turns as a task failure', async () => {
    const marker = `M-${randomUUID()}`;
    const step = { tool: 'Bash', input: { command: 'true', description: 'step' } };
    model.addScript({ marker, turns: [step, step, step, step] });
    const { opts } = setup(marker, { maxTurns: 2 });
    const out = await runAgent(opts);
    expect(out.result?.subtype).toBe('error_max_turns');
    expect(out.failure).toMatchObject({ kind: 'task', cause: 'max-turns' });
    expect(out.failure?.message).toContain('error_max_turns');
    expect(out.completion).toEqual({ kind: 'none' });
  });

  it('reports an overloaded API as a transient failure', async () => {
    const marker = `M-${randomUUID()}`;
    model.addScript({ marker, turns: [{ error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } }] });
    const { opts } = setup(marker);
    const out = await runAgent(opts);
    expect(out.result?.is_error).toBe(true);
    expect(out.failure).toMatchObject({ kind: 'transient', cause: 'overloaded' });
    expect(out.failure?.retryAt).toBeUndefined();
  });

  it('reports a usage limit with its reset time', async () => {
    const marker = `M-${randomUUID()}`;
    model.addScript({ marker, turns: [{ error: { status: 429, type: 'rate_limit_error', message: 'Claude usage limit reached. Your limit will reset at 3am (UTC).' } }] });
    const { opts } = setup(marker);
    const before = Date.now();
    const out = await runAgent(opts);
    expect(out.failure).toMatchObject({ kind: 'transient', cause: 'usage-limit' });
    const retryAt = Date.parse(out.failure!.retryAt!);
    expect(new Date(retryAt).getUTCHours()).toBe(3);
    expect(retryAt).toBeGreaterThan(before);
    expect(retryAt - before).toBeLessThanOrEqual(24 * 3600_000);
  });

  it('reports an invalid API key as permanent', async () => {
    const marker = `M-${randomUUID()}`;
    model.addScript({ marker, turns: [{ error: { status: 401, type: 'authentication_error', message: 'invalid x-api-key' } }] });
    const { opts } = setup(marker);
    const out = await runAgent(opts);
    expect(out.failure).toMatchObject({ kind: 'permanent', cause: 'auth' });
  });

  it('reports a missing claude binary as permanent, absolute path or name on PATH', async () => {
    for (const claudePath of [join(tmpdir(), 'no-such-dir', 'claude'), `claude-missing-${randomUUID()}`]) {
      const { opts } = setup('unused', { claudePath });
      const out = await runAgent(opts);
      expect(out.failure).toMatchObject({ kind: 'permanent', cause: 'binary-missing' });
      expect(out.exitCode).toBeNull();
    }
  });

  it('refuses to run without the plugin manifest or a valid settings file (permanent)', async () => {
    const { dir, opts } = setup('unused');
    const noPlugin = await runAgent({ ...opts, pluginDir: dir });
    expect(noPlugin.failure).toMatchObject({ kind: 'permanent', cause: 'bad-setup' });
    expect(noPlugin.failure?.message).toContain('.claude-plugin/plugin.json');
    const noSettings = await runAgent({ ...opts, settingsFile: join(dir, 'missing.json') });
    expect(noSettings.failure).toMatchObject({ kind: 'permanent', cause: 'bad-setup' });
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect((await runAgent({ ...opts, settingsFile: join(dir, 'bad.json') })).failure).toMatchObject({ kind: 'permanent', cause: 'bad-setup' });
    expect(noPlugin.pid).toBeUndefined();
  });

  it('reports an exit without a result line as a transient crash', async () => {
    const { dir, opts } = setup('unused');
    const fake = join(dir, 'crashing-claude');
    writeFileSync(fake, '#!/bin/sh\necho \'{"type":"system","subtype":"init","session_id":"x"}\'\necho "panic: something broke" >&2\nexit 3\n', { mode: 0o755 });
    const out = await runAgent({ ...opts, claudePath: fake });
    expect(out.exitCode).toBe(3);
    expect(out.failure).toMatchObject({ kind: 'transient', cause: 'crash' });
    expect(out.failure?.message).toContain('panic: something broke');
    expect(out.stderrTail).toContain('panic: something broke');
    expect(existsSync(opts.stderrFile!)).toBe(true);
  });
});
