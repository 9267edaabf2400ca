/**
 * The stall watch, end to end (issue 9, item 3): the built CLI, the real Claude Code CLI and its
 * hooks, real git, and scripted agents that keep talking (a Glob call every turn) without
 * committing or changing a tracked file. `agent.stall_timeout: 15s` must stop them long before
 * their turn limit, with failure kind `stalled`; the retry's brief says so and asks for smaller
 * steps. One agent then works in small steps and ships; the other stalls again and fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import type { ModelRequest, Script, Turn } from '../../src/standin/script.js';
import { demoMarker, type SampleItem } from '../../src/demo/sample.js';
import { STALLED_ADVICE } from '../../src/agent/brief.js';
import { launch, makeNightRepo, startNight, nightEnv, nightFixture, overnight, type NightRepo, type SessionSnapshot } from '../support/night.js';

const MAX_TURNS = 100;
/** agent.stall_timeout: above claude's start-up and one tool call on a loaded machine, below the talk. */
const STALL = 15;

const ITEMS: SampleItem[] = [
  {
    id: 1,
    slug: 'ponder',
    title: 'Write the plan note',
    verify: 'test -f PLAN.md',
    goal: 'Write PLAN.md with the plan.',
    criteria: ['PLAN.md exists'],
  },
  {
    id: 2,
    slug: 'dawdle',
    title: 'Write the roadmap note',
    verify: 'test -f ROADMAP.md',
    goal: 'Write ROADMAP.md with the roadmap.',
    criteria: ['ROADMAP.md exists'],
  },
];

const isRetryAfterStall = (req: ModelRequest) => req.firstUserText.includes('stopped as stalled');

/**
 * An agent that talks (a text and a Glob call every 300 ms) for more turns than its limit. When
 * `recovers`, its retry after a stall writes the file in one small step (the Write tool) and
 * finishes; the runner commits what it left.
 */
function talker(slug: string, file: string, recovers: boolean): Script {
  const turns: Turn[] = Array.from({ length: MAX_TURNS * 3 }, (_, i) => (req: ModelRequest): Turn => {
    if (recovers && isRetryAfterStall(req)) {
      return i === 0
        ? { tool: 'Write', input: { file_path: `${req.system.match(/working directory: (\S+)/i)?.[1] ?? '.'}/${file}`, content: 'step\n' } }
        : { text: `Wrote ${file} in one small step.\n\n## Learnings\n- small steps\n\nTASK_COMPLETE` };
    }
    return { delayMs: 300, then: { tool: 'Glob', input: { pattern: '**/*.md' }, text: `Still thinking about ${slug}, step ${i}.` } };
  });
  return { marker: demoMarker(slug), turns };
}

describe('the stall watch (agent.stall_timeout)', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let id: string;
  let s: SessionSnapshot;
  let env: Record<string, string>;
  let output = '';

  beforeAll(async () => {
    model = fixture.model = await startStandinModel({ scripts: [talker('ponder', 'PLAN.md', true), talker('dawdle', 'ROADMAP.md', false)] });
    repo = fixture.repo = await makeNightRepo({ items: ITEMS, concurrency: 2, idleTimeout: '60s', stallTimeout: `${STALL}s`, maxTurns: MAX_TURNS, retries: 1 });
    env = nightEnv(model.url);
    id = await launch(repo.root, env);
    ({ output, s } = await startNight(repo.root, env, id, 200_000));
  }, 240_000);

  it('stops an agent that talks without committing as stalled, long before its turn limit', () => {
    const first = s.state.items.dawdle!.attempts[0]!;
    expect(first.failureKind, output).toBe('stalled');
    expect(first.failure).toMatch(new RegExp(`^Stalled: .*no commit.*\\(${STALL} s\\)`));
    expect(first.turns).toBeGreaterThan(1);
    expect(first.turns).toBeLessThan(MAX_TURNS / 2);
    const finished = s.events.filter((e) => e.type === 'agent_finished' && e.slug === 'dawdle');
    expect(finished.map((e) => e.killedBy)).toEqual(['stalled', 'stalled']);
    // Stopped after the stall timeout, not by the idle watchdog (60 s), the turn limit or the 5 m timeout.
    for (const e of finished) {
      expect(Number(e.durationMs)).toBeGreaterThanOrEqual(STALL * 1000);
      expect(Number(e.durationMs)).toBeLessThan(STALL * 1000 + 20_000);
    }
  });

  it("the retry's brief says it stalled and asks for smaller steps", () => {
    for (const slug of ['ponder', 'dawdle']) {
      const briefs = model.requestsFor(demoMarker(slug)).filter((r) => r.turnIndex === 0).map((r) => r.firstUserText);
      expect(briefs.some((b) => !b.includes(STALLED_ADVICE)), slug).toBe(true);
      const retry = briefs.find((b) => b.includes(STALLED_ADVICE));
      expect(retry, slug).toBeDefined();
      expect(retry).toMatch(/## Attempt 1 of this item stalled/);
      expect(retry).toMatch(/smaller steps/);
    }
  });

  it('ships the item whose retry works in small steps, and fails the one that stalls again as stalled', () => {
    expect(s.state.items.ponder!.status, output).toBe('merged');
    expect(s.state.items.ponder!.attempts.map((a) => a.failureKind)).toEqual(['stalled', undefined]);
    const dawdle = s.state.items.dawdle!;
    expect(dawdle.status).toBe('failed');
    expect(dawdle.failureKind).toBe('stalled');
    expect(dawdle.attempts).toHaveLength(2);
  });

  it('the morning report and `status` show the stall', async () => {
    const failed = s.report!.failed.find((f) => f.slug === 'dawdle')!;
    expect(failed.failureKind).toBe('stalled');
    expect(failed.reason).toMatch(/^Stalled: /);
    expect(failed.nextSteps.join(' ')).toMatch(/stall_timeout/);
    const report = await overnight(repo.root, env, ['report']);
    expect(report.stdout).toContain('Failure kind: **stalled**');
    const status = await overnight(repo.root, env, ['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/dawdle.*failed.*Stalled: the agent kept working but made no commit/);
  });
});
