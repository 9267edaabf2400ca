/**
 * Agents orphaned by a runner killed with SIGKILL (issue 12, item 4), with the real CLI, real
 * claude, real git and the scripted model. The agent of the second item waits on a model answer
 * that does not come (after a Bash command that started a background process, which the OS sandbox
 * may end with the command) when the runner is killed: its claude keeps running. `resume` and `abandon` must stop every one of them
 * before anything else; resume then finishes the night with no item merged twice, and abandon
 * keeps the learnings of what shipped and notifies.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import type { Script, Turn } from '../../src/standin/script.js';
import { greetingScript } from '../../src/demo/scripts.js';
import { demoMarker, SAMPLE_ITEMS, type SampleItem } from '../../src/demo/sample.js';
import { findMarkedProcesses, pidAlive } from '../../src/agent/process-group.js';
import { recordedRunTokens, RUN_TOKEN_ENV } from '../../src/runner/orphans.js';
import { integrationBranch, sessionFiles } from '../../src/session/paths.js';
import { launch, makeNightRepo, nightEnv, nightFixture, overnight, readSession, type NightRepo } from '../support/night.js';

const SLOW: SampleItem = { id: 3, slug: 'slow', title: 'A slow item', verify: 'test -f done/slow.txt', goal: 'Write done/slow.txt.', criteria: ['done/slow.txt exists'] };

/**
 * The slow item. While `mode.first` (before the runner is killed) its agent starts a background
 * helper (found by its command line) and then waits for a model answer that never comes; after
 * that, its agent does the item.
 */
function slowScript(mode: { first: boolean }): Script {
  return {
    marker: demoMarker('slow'),
    turns: [
      (): Turn =>
        mode.first
          ? { tool: 'Bash', input: { command: 'nohup node -e "setInterval(() => {}, 1000)" orphan-marker >/dev/null 2>&1 &', description: 'Start a helper in the background' } }
          : { tool: 'Bash', input: { command: 'mkdir -p done && echo slow > done/slow.txt && git add done/slow.txt && git commit -q -m "slow: done"', description: 'Do the item and commit' } },
      (): Turn => (mode.first ? { hang: true } : { text: 'Wrote done/slow.txt.\n\nTASK_COMPLETE' }),
    ],
  };
}

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Whether the process runs (a zombie waiting for init to reap it runs nothing). */
function alive(pid: number): boolean {
  return pidAlive(pid);
}

/** Starts the night detached, waits until the slow item's agent hangs, kills the runner with SIGKILL; returns the orphans. */
async function killRunnerMidAgent(repo: NightRepo, env: Record<string, string>, id: string): Promise<number[]> {
  const detached = await overnight(repo.root, env, ['start', '--session', id, '--detach']);
  expect(detached.code, detached.stderr).toBe(0);
  // The agent's claude and the helper it started carry the run's token.
  const tokens = await waitFor('the run to be recorded', () => {
    const t = new Set(recordedRunTokens(repo.root, id));
    return t.size > 0 ? t : undefined;
  }, 30_000);
  expect(tokens.size).toBe(1);
  // The agent ran its Bash command (a background helper: the OS sandbox may end it with the
  // command) and now waits on the model: its claude carries the run's token.
  const transcript = join(sessionFiles(repo.root, id).features, 'slow', 'attempt-1.jsonl');
  await waitFor('the slow agent to wait on the model', () => (existsSync(transcript) && readFileSync(transcript, 'utf8').includes('"tool_result"') && findMarkedProcesses(RUN_TOKEN_ENV, tokens).length > 0 ? true : undefined), 120_000);
  const pid = readSession(repo.root, id).state.runnerPid!;
  process.kill(pid, 'SIGKILL');
  await waitFor('the runner to die', () => (alive(pid) ? undefined : true), 10_000);
  await new Promise((r) => setTimeout(r, 500));
  const orphans = findMarkedProcesses(RUN_TOKEN_ENV, tokens).map((p) => p.pid);
  // The failure this test is about: without a runner, its agent lives on.
  expect(orphans.length).toBeGreaterThanOrEqual(1);
  expect(orphans.some((p) => cmdline(p).includes('claude'))).toBe(true);
  return orphans;
}

describe('kill -9 of the runner while an agent works', () => {
  const fixture = nightFixture();
  let model: StandinModel;

  it('resume stops the old agents first, then finishes with every item merged once', async () => {
    const mode = { first: true };
    model = fixture.model = await startStandinModel({ scripts: [greetingScript(), slowScript(mode)] });
    const repo = (fixture.repo = await makeNightRepo({ items: [SAMPLE_ITEMS[0]!, SLOW], concurrency: 1, idleTimeout: '10m' }));
    const env = nightEnv(model.url);
    const id = await launch(repo.root, env);
    const orphans = await killRunnerMidAgent(repo, env, id);
    mode.first = false;

    const resumed = await overnight(repo.root, env, ['resume', '--session', id], 180_000);
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    for (const pid of orphans) expect(alive(pid), `pid ${pid} of the old runner`).toBe(false);
    const s = readSession(repo.root, id);
    const types = s.events.map((e) => e.type);
    const stoppedAt = types.indexOf('orphans_stopped');
    expect(stoppedAt).toBeGreaterThan(-1);
    expect(stoppedAt).toBeLessThan(types.indexOf('session_resumed'));
    expect((s.events[stoppedAt]!.pids as number[]).sort()).toEqual(expect.arrayContaining([...orphans].sort()));
    expect(s.state.phase).toBe('complete');
    expect(Object.fromEntries(Object.entries(s.state.items).map(([k, v]) => [k, v.status]))).toEqual({ greeting: 'merged', slow: 'merged' });
    const merges = repo.git('log', '--merges', '--format=%s', `${s.manifest.baseCommit}..${integrationBranch(id)}`).split('\n').filter(Boolean);
    expect(merges).toHaveLength(2);
  }, 300_000);
});

describe('kill -9 of the runner, then abandon', () => {
  const fixture = nightFixture();
  let server: Server | undefined;
  afterAll(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('abandon stops the old agents, keeps the branches, and notifies', async () => {
    const bodies: any[] = [];
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        bodies.push(JSON.parse(text));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;

    fixture.model = await startStandinModel({ scripts: [greetingScript(), slowScript({ first: true })] });
    const repo = (fixture.repo = await makeNightRepo({ items: [SAMPLE_ITEMS[0]!, SLOW], concurrency: 1, idleTimeout: '10m' }));
    const config = join(repo.root, 'overnight.config.yaml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}notifications:\n  - type: webhook\n    url: ${JSON.stringify(url)}\n`);
    const env = nightEnv(fixture.model.url);
    const id = await launch(repo.root, env);
    const orphans = await killRunnerMidAgent(repo, env, id);

    const abandoned = await overnight(repo.root, env, ['abandon', '--session', id]);
    expect(abandoned.code, `${abandoned.stdout}\n${abandoned.stderr}`).toBe(0);
    expect(abandoned.stdout).toMatch(/stopped \d+ process\(es\) an earlier runner left running/);
    for (const pid of orphans) expect(alive(pid), `pid ${pid} of the old runner`).toBe(false);
    const s = readSession(repo.root, id);
    expect(s.state.phase).toBe('abandoned');
    expect(s.state.items.greeting!.status).toBe('merged');
    expect(repo.git('branch', '--list', integrationBranch(id))).toContain(integrationBranch(id));
    // The night stopped early: the user hears of it, with what shipped.
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ sessionId: id, phase: 'abandoned', summary: { shipped: 1 } });
    expect(s.events.some((e) => e.type === 'pull-request')).toBe(true);
    // What shipped keeps its learnings, as a night's own end keeps them: one commit on the
    // integration branch (the pull request carries it), said in the report; the checkout untouched.
    expect(s.state.memory).toMatchObject({ outcome: 'written', added: 1, file: 'docs/overnight-learnings.md' });
    expect(repo.git('show', `${integrationBranch(id)}:docs/overnight-learnings.md`)).toContain('Tests use node:test');
    expect(repo.git('log', '-1', '--format=%s', integrationBranch(id))).toBe(`overnight: learnings of ${id} in docs/overnight-learnings.md`);
    expect(s.report!.memory).toMatchObject({ outcome: 'written', added: 1 });
    expect(existsSync(join(repo.root, 'docs/overnight-learnings.md'))).toBe(false);
  }, 300_000);
});
