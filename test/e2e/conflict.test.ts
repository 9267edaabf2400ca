/**
 * Conflict repair, end to end (issue 9, mechanism 1): the built CLI, the real Claude Code CLI and
 * its hooks, real git, scripted agents. Two items run at once (concurrency 2) and both append a
 * line at the same spot of CHANGELOG.md, so git's own merge of whichever passes second conflicts.
 * That one is re-run as a fresh attempt from the integration branch as it stands now, its brief
 * names the item that merged first and the conflicted file, and it ships: both lines are kept.
 * `agent.retries: 0`: the conflict re-run does not use up a task retry. A second night with
 * `agent.conflict_retries: 0` fails the conflicting item with a reason that says so.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import type { ModelRequest, Script, Turn } from '../../src/standin/script.js';
import { demoMarker, type SampleItem } from '../../src/demo/sample.js';
import { keptWorkRef } from '../../src/runner/conflict.js';
import { launch, makeNightRepo, nightEnv, nightFixture, overnight, readSession, type NightRepo, type SessionSnapshot } from '../support/night.js';

const CHANGELOG = '# Changelog\n\n## Unreleased\n';
const line = (slug: string) => `- ${slug}: a change of its own`;

const item = (id: number, slug: string): SampleItem => ({
  id,
  slug,
  title: `Note ${slug} in the changelog`,
  verify: `grep -q '^${line(slug)}$' CHANGELOG.md`,
  goal: `Append the line \`${line(slug)}\` to CHANGELOG.md under "Unreleased".`,
  criteria: [`CHANGELOG.md has the line \`${line(slug)}\``],
});
const ITEMS = [item(1, 'north'), item(2, 'south')];

/**
 * An agent that appends its line at the end of CHANGELOG.md and commits (the same on a re-run: on
 * top of the other item's line, which the re-run's worktree then holds). The first answer waits a
 * moment, so both agents have started from the same integration tip before either merges.
 */
function appender(slug: string): Script {
  const turns: Turn[] = [
    {
      delayMs: 4000,
      then: { tool: 'Bash', input: { command: `printf '%s\\n' '${line(slug)}' >> CHANGELOG.md && git add CHANGELOG.md && git commit -q -m "changelog: ${slug}"`, description: 'Append the changelog line and commit' } },
    },
    { text: `Appended the line for ${slug} to CHANGELOG.md.\n\n## Learnings\n- CHANGELOG.md lists changes under Unreleased.\n\nTASK_COMPLETE` },
  ];
  return { marker: demoMarker(slug), turns };
}

/** The mission briefs (first requests) the stand-in received for an item, in order. */
function briefsOf(model: StandinModel, slug: string): string[] {
  return model
    .requestsFor(demoMarker(slug))
    .filter((r: ModelRequest) => r.turnIndex === 0)
    .map((r: ModelRequest) => r.firstUserText)
    .filter((text, i, all) => all.indexOf(text) === i);
}

async function night(conflictRetries?: number): Promise<{ model: StandinModel; repo: NightRepo; id: string; s: SessionSnapshot; env: Record<string, string>; output: string }> {
  const model = await startStandinModel({ scripts: ITEMS.map((i) => appender(i.slug)) });
  const repo = await makeNightRepo({
    items: ITEMS,
    concurrency: 2,
    idleTimeout: '60s',
    retries: 0,
    checks: [],
    extraFiles: { 'CHANGELOG.md': CHANGELOG },
    conflictRetries,
  });
  const env = nightEnv(model.url);
  const id = await launch(repo.root, env);
  const started = await overnight(repo.root, env, ['start', '--session', id], 200_000);
  const output = `${started.stdout}\n${started.stderr}`;
  expect(started.code, output).toBe(0);
  return { model, repo, id, s: readSession(repo.root, id), env, output };
}

/** The item that merged first and the one whose merge conflicted, told apart by their attempts. */
function firstAndLate(s: SessionSnapshot): { first: string; late: string } {
  const late = ITEMS.map((i) => i.slug).find((slug) => s.state.items[slug]!.attempts[0]?.conflict);
  expect(late, JSON.stringify(s.state.items, null, 2)).toBeDefined();
  return { late: late!, first: ITEMS.map((i) => i.slug).find((slug) => slug !== late)! };
}

describe('two parallel items that append to the same file both ship', () => {
  const fixture = nightFixture();
  let n: Awaited<ReturnType<typeof night>>;
  let first: string;
  let late: string;

  beforeAll(async () => {
    n = await night();
    fixture.model = n.model;
    fixture.repo = n.repo;
    ({ first, late } = firstAndLate(n.s));
  }, 240_000);

  it('re-runs the item whose merge conflicted, from the integration branch holding the first item, and ships both', () => {
    const { s, repo, id, output } = n;
    expect(s.state.items[first]!.status, output).toBe('merged');
    expect(s.state.items[late]!.status, output).toBe('merged');
    expect(s.state.items[first]!.attempts).toHaveLength(1);
    const [conflicted, rerun] = s.state.items[late]!.attempts;
    expect(s.state.items[late]!.attempts).toHaveLength(2);
    const firstItem = ITEMS.find((i) => i.slug === first)!;
    expect(conflicted).toMatchObject({ outcome: 'conflict', failureKind: 'merge', conflict: { files: ['CHANGELOG.md'], with: [{ id: firstItem.id, slug: first }], rerun: true } });
    expect(conflicted!.failure).toBe(`merge conflict with the integration branch in: CHANGELOG.md (#${firstItem.id} ${first} merged first and changed it)`);
    // The re-run started from the integration branch as it stood after the first item's merge.
    expect(rerun!.startCommit).toBe(s.state.items[first]!.mergeCommit);
    expect(rerun!.outcome).toBe('complete');
    // Both lines are kept: nothing was resolved by taking one side.
    const shipped = repo.git('show', `overnight/${id}:CHANGELOG.md`);
    expect(shipped.split('\n')).toEqual(expect.arrayContaining([line(first), line(late)]));
    expect(shipped.startsWith(CHANGELOG.trimEnd())).toBe(true);
    // The conflicting attempt's work is kept for people to inspect.
    expect(repo.git('rev-parse', keptWorkRef(id, late, 1))).toBe(conflicted!.conflict!.tip);
    expect(s.events.filter((e) => e.type === 'merge_conflict').map((e) => [e.slug, e.next])).toEqual([[late, 'rerun']]);
  });

  it("the re-run's brief names the item that merged first and the conflicted file", () => {
    const briefs = briefsOf(n.model, late);
    expect(briefs).toHaveLength(2);
    expect(briefs[0]).not.toContain('could not be merged');
    const firstItem = ITEMS.find((i) => i.slug === first)!;
    expect(briefs[1]).toContain('## Attempt 1 of this item could not be merged: a merge conflict');
    expect(briefs[1]).toContain(`#${firstItem.id} ${first} ("${firstItem.title}") merged first`);
    expect(briefs[1]).toContain('`CHANGELOG.md`');
    expect(briefs[1]).toContain(keptWorkRef(n.id, late, 1));
    expect(briefsOf(n.model, first)).toHaveLength(1);
  });

  it('the morning report and `status` say the item was re-run after a conflict', async () => {
    const firstItem = ITEMS.find((i) => i.slug === first)!;
    const want = `attempt 1: re-run after a conflict with #${firstItem.id} ${first} (CHANGELOG.md)`;
    expect(n.s.report!.shipped.find((i) => i.slug === late)!.conflicts).toEqual([want]);
    const report = await overnight(n.repo.root, n.env, ['report']);
    expect(report.stdout).toContain(`- ${want}`);
    const status = await overnight(n.repo.root, n.env, ['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('Merge conflicts:');
    expect(status.stdout).toContain(want);
  });
});

describe('a conflict beyond agent.conflict_retries fails the item with a clear reason', () => {
  const fixture = nightFixture();
  let n: Awaited<ReturnType<typeof night>>;

  beforeAll(async () => {
    n = await night(0);
    fixture.model = n.model;
    fixture.repo = n.repo;
  }, 240_000);

  it('ships the first item and fails the conflicting one without re-running it', async () => {
    const { first, late } = firstAndLate(n.s);
    const firstItem = ITEMS.find((i) => i.slug === first)!;
    expect(n.s.state.items[first]!.status, n.output).toBe('merged');
    const failed = n.s.state.items[late]!;
    expect(failed, `${n.output}\n${JSON.stringify(n.s.events.filter((e) => e.slug === late), null, 1)}`).toMatchObject({ status: 'failed', failureKind: 'merge' });
    expect(failed.reason).toBe(`merge conflict with the integration branch in: CHANGELOG.md (#${firstItem.id} ${first} merged first and changed it); conflict re-runs are off (agent.conflict_retries: 0)`);
    expect(failed.attempts).toHaveLength(1);
    expect(failed.attempts[0]!.conflict).toMatchObject({ rerun: false });
    expect(briefsOf(n.model, late)).toHaveLength(1);
    const report = await overnight(n.repo.root, n.env, ['report']);
    expect(report.stdout).toContain(`- Merge conflict: attempt 1: no conflict re-run left after a conflict with #${firstItem.id} ${first} (CHANGELOG.md)`);
  });
});
