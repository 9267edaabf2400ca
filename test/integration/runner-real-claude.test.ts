/**
 * Smoke test of the runner with the REAL claude CLI (node_modules/.bin/claude) against the scripted
 * stand-in model, driven through the compiled CLI exactly as a user would: `overnight launch`,
 * `overnight start --detach`, then poll state.json until the night is over. Two items; each agent
 * writes a file with Bash, commits, and says TASK_COMPLETE; the second depends on the first.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { readEvents, readState } from '../../src/session/store.js';
import { isPidAlive, readLock } from '../../src/session/lock.js';
import { itemBranch, sessionFiles } from '../../src/session/paths.js';
import { claudeBin, claudeEnv, PROJECT_ROOT } from '../support/claude.js';
import { approveAllIds, backlogItem, makeRepo, type TestRepo } from '../support/repo.js';

const CLI = join(PROJECT_ROOT, 'bin/overnight');

function body(marker: string): string {
  return `## Goal\nCreate the file. (${marker})\n\n## Acceptance criteria\n- The file exists and is committed.\n`;
}

describe('the runner with the real claude CLI (stand-in model)', () => {
  let model: StandinModel;
  let repo: TestRepo;
  beforeAll(async () => {
    model = await startStandinModel({
      scripts: [
        {
          marker: 'MARK-alpha-1',
          turns: [
            { tool: 'Bash', input: { command: 'echo alpha > alpha.txt && git add alpha.txt && git commit -q -m "Add alpha.txt"', description: 'write and commit' } },
          ],
          final: { text: 'Created alpha.txt and committed it.\n\n## Learnings\n- Files at the root are fine.\n\nTASK_COMPLETE' },
        },
        {
          marker: 'MARK-beta-2',
          turns: [
            { tool: 'Bash', input: { command: 'test -f alpha.txt && echo beta > beta.txt && git add beta.txt && git commit -q -m "Add beta.txt"', description: 'write and commit' } },
          ],
          final: { text: 'Created beta.txt.\n\nTASK_COMPLETE' },
        },
      ],
    });
    repo = makeRepo({
      'backlog/001-alpha.md': backlogItem({ title: 'Add alpha', status: 'ready', type: 'feature', priority: 'high', verify: 'test -f alpha.txt' }, body('MARK-alpha-1')),
      'backlog/002-beta.md': backlogItem({ title: 'Add beta', status: 'ready', type: 'feature', priority: 'high', blocked_by: [1], verify: 'test -f alpha.txt && test -f beta.txt' }, body('MARK-beta-2')),
      'overnight.config.yaml': `concurrency: 2\npull_request:\n  enabled: false\nagent:\n  claude_path: ${JSON.stringify(claudeBin())}\n  idle_timeout: 60s\n  timeout: 3m\n  estimate: 5m\n`,
    });
  });
  afterAll(async () => {
    await model?.close();
    repo?.remove();
  });

  it('launches, starts detached, runs both items with the real CLI and merges them', async () => {
    const env = claudeEnv({ modelUrl: model.url });
    const launched = JSON.parse(execFileSync(process.execPath, [CLI, 'launch', '--format', 'json', '--time-limit', '1h', '--approve', approveAllIds(repo.root)], { cwd: repo.root, env, encoding: 'utf8' }));
    expect(launched.ok).toBe(true);
    const id: string = launched.data.sessionId;

    const t0 = Date.now();
    const out = JSON.parse(execFileSync(process.execPath, [CLI, 'start', '--detach', '--format', 'json'], { cwd: repo.root, env, encoding: 'utf8' }));
    expect(out).toMatchObject({ ok: true, command: 'start', data: { sessionId: id, detached: true, pid: expect.any(Number), log: sessionFiles(repo.root, id).runnerLog } });
    const pid: number = out.data.pid;
    // The night is over when the runner process has exited (after session_end and the lock release).
    while (isPidAlive(pid) && Date.now() - t0 < 150_000) await new Promise((r) => setTimeout(r, 250));
    const state = readState(repo.root, id);
    const elapsed = Date.now() - t0;
    const log = readFileSync(sessionFiles(repo.root, id).runnerLog, 'utf8');
    expect(state.phase, log).toBe('complete');
    expect(state.items.alpha!.status, log).toBe('merged');
    expect(state.items.beta!.status, log).toBe('merged');
    expect(state.items.alpha!.learnings).toContain('Files at the root are fine');
    expect(state.items.alpha!.attempts[0]!.turns).toBeGreaterThan(0);
    expect(repo.git('show', `overnight/${id}:beta.txt`)).toBe('beta');
    expect(repo.git('log', '-1', '--format=%s', itemBranch(id, 'alpha'))).toBe('Add alpha.txt');
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    const transcript = readFileSync(join(sessionFiles(repo.root, id).features, 'alpha', 'attempt-1.jsonl'), 'utf8');
    expect(transcript).toContain('"type":"result"');
    // The second agent's brief carried the first one's learnings.
    const betaFirst = model.requestsFor('MARK-beta-2')[0]!;
    expect(betaFirst.firstUserText).toContain('Files at the root are fine');
    expect(readEvents(repo.root, id).map((e) => e.type)).toContain('session_end');
    expect(readLock(repo.root)).toBeUndefined();
    expect(readFileSync(sessionFiles(repo.root, id).reportMd, 'utf8').length).toBeGreaterThan(100);
    // Timing, for the record.
    process.stdout.write(`[runner-real-claude] two-item night in ${elapsed} ms\n`);
    if (process.env.SHOW_RUNNER_LOG) process.stdout.write(log + readFileSync(sessionFiles(repo.root, id).events, "utf8"));
  }, 180_000);

  it('schedule: a detached runner waits for the start time, then runs the night', async () => {
    const r = makeRepo({
      'backlog/001-gamma.md': backlogItem({ title: 'Add gamma', status: 'ready', type: 'feature', priority: 'high', verify: 'test -f gamma.txt' }, body('MARK-gamma-3')),
      'overnight.config.yaml': `pull_request:\n  enabled: false\nagent:\n  claude_path: ${JSON.stringify(claudeBin())}\n  estimate: 5m\n`,
    });
    model.addScript({ marker: 'MARK-gamma-3', turns: [{ tool: 'Bash', input: { command: 'echo g > gamma.txt && git add gamma.txt && git commit -q -m "Add gamma"' } }] });
    try {
      const env = claudeEnv({ modelUrl: model.url });
      const launched = JSON.parse(execFileSync(process.execPath, [CLI, 'launch', '--format', 'json', '--approve', approveAllIds(r.root)], { cwd: r.root, env, encoding: 'utf8' }));
      const id: string = launched.data.sessionId;
      const at = new Date(Date.now() + 4000);
      const out = execFileSync(process.execPath, [CLI, 'schedule', at.toISOString()], { cwd: r.root, env, encoding: 'utf8' });
      expect(out).toContain('will start at');
      const pid = Number(/pid (\d+)/.exec(out)![1]);
      let state = readState(r.root, id);
      expect(state).toMatchObject({ phase: 'scheduled', scheduledFor: at.toISOString() });
      expect(readLock(r.root)?.pid).toBe(pid);
      // A second start is refused while the scheduled runner waits.
      expect(() => execFileSync(process.execPath, [CLI, 'start'], { cwd: r.root, env, encoding: 'utf8', stdio: 'pipe' })).toThrow(/still running \(pid/);
      const t0 = Date.now();
      while (isPidAlive(pid) && Date.now() - t0 < 120_000) await new Promise((res) => setTimeout(res, 250));
      state = readState(r.root, id);
      expect(state.phase, readFileSync(sessionFiles(r.root, id).runnerLog, 'utf8')).toBe('complete');
      expect(Date.parse(state.startedAt!)).toBeGreaterThanOrEqual(at.getTime() - 50);
      expect(state.items.gamma!.status).toBe('merged');
    } finally {
      r.remove();
    }
  }, 150_000);

  it('abandon stops a live detached runner (SIGTERM ends its agent), removes worktrees and keeps branches', async () => {
    const r = makeRepo({
      'backlog/001-hang.md': backlogItem({ title: 'Hang', status: 'ready', type: 'feature', priority: 'high', verify: 'true' }, body('MARK-hang-4')),
      'overnight.config.yaml': `pull_request:\n  enabled: false\nagent:\n  claude_path: ${JSON.stringify(claudeBin())}\n  estimate: 5m\n`,
    });
    model.addScript({ marker: 'MARK-hang-4', turns: [{ hang: true }] });
    try {
      const env = claudeEnv({ modelUrl: model.url });
      const id: string = JSON.parse(execFileSync(process.execPath, [CLI, 'launch', '--format', 'json', '--approve', approveAllIds(r.root)], { cwd: r.root, env, encoding: 'utf8' })).data.sessionId;
      const out = execFileSync(process.execPath, [CLI, 'start', '--detach'], { cwd: r.root, env, encoding: 'utf8' });
      const pid = Number(/pid (\d+)/.exec(out)![1]);
      const t0 = Date.now();
      while (model.requestsFor('MARK-hang-4').length === 0 && Date.now() - t0 < 60_000) await new Promise((res) => setTimeout(res, 200));
      expect(readState(r.root, id).items.hang!.status).toBe('running');
      const abandoned = execFileSync(process.execPath, [CLI, 'abandon'], { cwd: r.root, env, encoding: 'utf8' });
      expect(abandoned).toContain(`stopped the runner (pid ${pid})`);
      expect(isPidAlive(pid)).toBe(false);
      const state = readState(r.root, id);
      expect(state.phase).toBe('abandoned');
      expect(state.items.hang).toMatchObject({ status: 'interrupted' });
      expect(readLock(r.root)).toBeUndefined();
      expect(r.git('worktree', 'list')).not.toContain('.overnight');
      expect(r.git('branch', '--list', `overnight/${id}*`)).toContain(`overnight/${id}`);
      expect(readEvents(r.root, id).map((e) => e.type)).toEqual(expect.arrayContaining(['item_interrupted', 'session_end', 'session_abandoned']));
    } finally {
      r.remove();
    }
  }, 150_000);
});
