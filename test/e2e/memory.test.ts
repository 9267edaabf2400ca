/**
 * Memory across nights (issue 9, mechanism 7), end to end: the built CLI, the real Claude Code CLI
 * with the plugin's hooks, real git, scripted agents.
 * - Night one: the base already has a learnings file; the item's brief (the request the stand-in
 *   model receives) includes it. The agent ends with a `## Learnings` section; at the end of the
 *   night the runner commits the learnings file on the integration branch (the user's checkout is
 *   untouched), and the morning report and `status` say what was kept.
 * - The user merges the integration branch into the base, as they would in the morning.
 * - Night two: the brief the stand-in receives holds night one's learnings; a learning reported
 *   again is not written twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { demoMarker, type SampleItem } from '../../src/demo/sample.js';
import type { Script } from '../../src/standin/script.js';
import { integrationBranch } from '../../src/session/paths.js';
import { doneFileItem, launch, makeNightRepo, nightEnv, nightFixture, overnight, readSession, snapshotCheckout, type CheckoutSnapshot, type NightRepo, type SessionSnapshot } from '../support/night.js';

const FILE = 'docs/overnight-learnings.md';
const SEEDED = 'SEEDED-FACT: the base already knew this before night one.';
const NIGHT_ONE_FACT = 'NIGHT-ONE-FACT: done files live in done/ and are plain text.';
const NIGHT_TWO_FACT = 'NIGHT-TWO-FACT: the second night learned this.';

const item = doneFileItem;

/** Does the item, commits, and ends with a Learnings section holding `facts`. */
function learningScript(slug: string, facts: string[]): Script {
  return {
    marker: demoMarker(slug),
    turns: [
      { tool: 'Bash', input: { command: `mkdir -p done && echo ${slug} > done/${slug}.txt && git add done/${slug}.txt && git commit -q -m "${slug}: done"`, description: 'Do the item and commit' } },
      { text: `Wrote done/${slug}.txt.\n\n## Learnings\n${facts.map((f) => `- ${f}`).join('\n')}\n\nTASK_COMPLETE` },
    ],
  };
}

describe('memory across nights: the learnings file carries over to the next night’s brief', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let env: Record<string, string>;
  let one: string;
  let two: string;
  let s1: SessionSnapshot;
  let s2: SessionSnapshot;
  let before: CheckoutSnapshot;
  let outputs = '';

  beforeAll(async () => {
    model = fixture.model = await startStandinModel({
      scripts: [learningScript('first', [NIGHT_ONE_FACT]), learningScript('second', [`${NIGHT_ONE_FACT.toUpperCase()}`, NIGHT_TWO_FACT])],
    });
    repo = fixture.repo = await makeNightRepo({
      items: [item(1, 'first'), item(2, 'second')],
      concurrency: 1,
      retries: 0,
      checks: [],
      extraFiles: { [FILE]: `# Overnight learnings\n\n## 2026-11-30 · 000-seed · Seeded by hand\n- ${SEEDED}\n` },
    });
    env = nightEnv(model.url);

    // Night one: only the first item.
    one = await launch(repo.root, env, ['--only', '1']);
    before = snapshotCheckout(repo);
    const night1 = await overnight(repo.root, env, ['start', '--session', one], 200_000);
    outputs += `${night1.stdout}\n${night1.stderr}\n`;
    expect(night1.code, outputs).toBe(0);
    s1 = readSession(repo.root, one);
  }, 240_000);

  it("night one's brief already includes the learnings file of the base", () => {
    const reqs = model.requestsFor(demoMarker('first'));
    expect(reqs.length).toBeGreaterThan(0);
    const brief = reqs[0]!.firstUserText;
    expect(brief).toContain(`## What earlier nights learned (\`${FILE}\`)`);
    expect(brief).toContain(SEEDED);
    expect(brief).toContain(`Do not edit \`${FILE}\` yourself`);
  });

  it('at the end of night one the runner commits the learnings file on the integration branch, and leaves the checkout alone', () => {
    expect(s1.state.items.first!.status, outputs).toBe('merged');
    const integ = integrationBranch(one);
    const text = repo.git('show', `${integ}:${FILE}`);
    expect(text).toContain(`- ${SEEDED}`);
    expect(text).toMatch(new RegExp(`## \\d{4}-\\d{2}-\\d{2} · 001-first · Write done/first\\.txt\\n- ${NIGHT_ONE_FACT.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(text.indexOf(SEEDED)).toBeLessThan(text.indexOf(NIGHT_ONE_FACT));
    expect(repo.git('log', '-1', '--format=%s', integ)).toBe(`overnight: learnings of ${one} in ${FILE}`);
    expect(s1.state.memory).toMatchObject({ outcome: 'written', added: 1, kept: 2, file: FILE });
    // The user's checkout (dirty, with a stash) is byte for byte as it was; the base has no new commit.
    expect(snapshotCheckout(repo)).toEqual(before);
  });

  it('the morning report and status say what the learnings file kept', async () => {
    const report = await overnight(repo.root, env, ['report', '--session', one]);
    expect(report.stdout).toContain(`Learnings kept for later nights in \`${FILE}\`: 1 added; it holds 2`);
    expect(s1.report!.memory).toMatchObject({ outcome: 'written', added: 1 });
    const status = await overnight(repo.root, env, ['status', '--session', one]);
    expect(status.stdout).toContain(`Learnings kept for later nights in \`${FILE}\``);
  });

  it("night two, after the user merged night one, briefs with night one's learnings and does not write one twice", async () => {
    // The morning: the user commits what they had staged and merges the night into main.
    repo.git('commit', '-q', '-m', 'notes');
    repo.git('merge', '-q', '--no-edit', integrationBranch(one));
    expect(repo.git('show', `main:${FILE}`)).toContain(NIGHT_ONE_FACT);

    two = await launch(repo.root, env, ['--only', '2']);
    const night2 = await overnight(repo.root, env, ['start', '--session', two], 200_000);
    outputs += `${night2.stdout}\n${night2.stderr}\n`;
    expect(night2.code, outputs).toBe(0);
    s2 = readSession(repo.root, two);
    expect(s2.state.items.second!.status, outputs).toBe('merged');

    // The request the stand-in model received for night two's item holds night one's learnings.
    const brief = model.requestsFor(demoMarker('second'))[0]!.firstUserText;
    const section = brief.slice(brief.indexOf('## What earlier nights learned'));
    expect(section).toContain(`· 001-first · Write done/first.txt\n- ${NIGHT_ONE_FACT}`);
    expect(section).toContain(SEEDED);

    // The same learning again (in other case) is a duplicate; only the new one is added.
    const text = repo.git('show', `${integrationBranch(two)}:${FILE}`);
    expect(text.toLowerCase().split(NIGHT_ONE_FACT.toLowerCase())).toHaveLength(2);
    expect(text).toContain(`· 002-second · Write done/second.txt\n- ${NIGHT_TWO_FACT}`);
    expect(s2.state.memory).toMatchObject({ outcome: 'written', added: 1, duplicates: 1, kept: 3 });
  }, 240_000);
});
