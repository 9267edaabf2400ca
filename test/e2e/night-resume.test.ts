/**
 * A runner killed with SIGKILL in the middle of an item, then `overnight resume`: the night
 * finishes, and no item is merged twice. Real CLI, real claude, real git, scripted model.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { greetingScript, farewellScript, simpleItemScript } from '../../src/demo/scripts.js';
import { SAMPLE_ITEMS, type SampleItem } from '../../src/demo/sample.js';
import { integrationBranch, sessionFiles } from '../../src/session/paths.js';
import { launch, makeNightRepo, nightEnv, nightFixture, overnight, readSession, type NightRepo } from '../support/night.js';

const NOTES: SampleItem = { id: 3, slug: 'notes', title: 'Write release notes', verify: 'test -f done/notes.txt', goal: 'Write done/notes.txt.', criteria: ['done/notes.txt exists'] };

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('kill -9 of the runner mid-item, then overnight resume', () => {
  let model: StandinModel;
  let repo: NightRepo;
  const fixture = nightFixture();

  it('finishes the night with every item merged exactly once', async () => {
    // Slow turns, so the runner is surely inside an item when it is killed.
    model = fixture.model = await startStandinModel({ scripts: [greetingScript({ delayMs: 400 }), farewellScript({ delayMs: 1500 }), simpleItemScript('notes', 400)] });
    repo = fixture.repo = await makeNightRepo({ items: [SAMPLE_ITEMS[0]!, SAMPLE_ITEMS[1]!, NOTES], concurrency: 1, idleTimeout: '20s', retries: 0 });
    const env = nightEnv(model.url);
    const id = await launch(repo.root, env);
    const files = sessionFiles(repo.root, id);
    const detached = await overnight(repo.root, env, ['start', '--session', id, '--detach']);
    expect(detached.code, detached.stderr).toBe(0);

    // Wait until greeting is merged and farewell's agent is working, then SIGKILL the runner.
    const events = () => readFileSync(files.events, 'utf8');
    await waitFor('farewell to be under way', () => (/"type":"agent_activity","slug":"farewell"/.test(events()) ? true : undefined), 90_000);
    const pid = readSession(repo.root, id).state.runnerPid!;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await waitFor('the runner to die', () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    }, 10_000);

    const status = await overnight(repo.root, env, ['status']);
    expect(status.stdout).toContain('The runner is not running: `overnight resume`.');
    const mergedBefore = readSession(repo.root, id).events.filter((e) => e.type === 'merged').map((e) => e.slug);
    expect(mergedBefore).toContain('greeting');
    expect(mergedBefore).not.toContain('farewell');

    const resumed = await overnight(repo.root, env, ['resume', '--session', id], 180_000);
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);

    const s = readSession(repo.root, id);
    expect(s.state.phase).toBe('complete');
    expect(Object.fromEntries(Object.entries(s.state.items).map(([k, v]) => [k, v.status]))).toEqual({ greeting: 'merged', farewell: 'merged', notes: 'merged' });
    const merged = s.events.filter((e) => e.type === 'merged').map((e) => e.slug).sort();
    expect(merged).toEqual(['farewell', 'greeting', 'notes']);
    // On the integration branch: one merge commit per item, and each item's work once.
    const integ = integrationBranch(id);
    const merges = repo.git('log', '--merges', '--format=%s', `${s.manifest.baseCommit}..${integ}`).split('\n').filter(Boolean);
    expect(merges).toHaveLength(3);
    for (const slug of ['greeting', 'farewell', 'notes']) expect(merges.filter((m) => new RegExp(`merge \\d+-${slug}:`).test(m))).toHaveLength(1);
    const subjects = repo.git('log', '--no-merges', '--format=%s', `${s.manifest.baseCommit}..${integ}`).split('\n').filter(Boolean);
    expect(subjects.filter((x) => x === 'Add farewell(name) on top of greet()')).toHaveLength(1);
    expect(s.report?.summary).toMatchObject({ shipped: 3, failed: 0, blocked: 0 });
  }, 240_000);
});
