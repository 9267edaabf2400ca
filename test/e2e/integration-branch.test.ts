/**
 * The runner does not trust its integration branch (issue 12, item 9): when something rewinds it
 * (`git update-ref` to the base) or deletes it while an item's agent works, the night stops before
 * the next merge with kind `integration-branch-moved`, puts the branch back from its backup ref
 * (taken after each merge), and the report claims only what git holds. Following the stop reason's
 * advice (`overnight resume`) then finishes the night. Real CLI, real claude, real git, scripted model.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startStandinModel } from '../../src/standin/server.js';
import { greetingScript, farewellScript, simpleItemScript } from '../../src/demo/scripts.js';
import { SAMPLE_ITEMS, type SampleItem } from '../../src/demo/sample.js';
import { integrationBranch, sessionFiles } from '../../src/session/paths.js';
import { launch, makeNightRepo, nightEnv, nightFixture, overnight, readSession } from '../support/night.js';

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

describe.each([
  ['rewound to the base with git update-ref', 'rewind'],
  ['deleted', 'delete'],
] as const)('the integration branch %s mid-night', (_what, how) => {
  const fixture = nightFixture();

  it('stops the night honestly, restores the branch from its backup, and resume finishes it', async () => {
    // A slow farewell: the branch is moved while its agent works, before its merge. The idle
    // timeout leaves room for sandboxed Bash calls on a loaded machine (seconds each at load 20).
    const model = (fixture.model = await startStandinModel({ scripts: [greetingScript({ delayMs: 200 }), farewellScript({ delayMs: 1500 }), simpleItemScript('notes', 200)] }));
    const repo = (fixture.repo = await makeNightRepo({ items: [SAMPLE_ITEMS[0]!, SAMPLE_ITEMS[1]!, NOTES], concurrency: 1, idleTimeout: '60s', retries: 0 }));
    const env = nightEnv(model.url);
    const id = await launch(repo.root, env);
    const files = sessionFiles(repo.root, id);
    const branch = integrationBranch(id);
    const backupRef = `refs/overnight-backup/${id}/${branch}`;
    const started = await overnight(repo.root, env, ['start', '--session', id, '--detach']);
    expect(started.code, started.stderr).toBe(0);

    const events = () => readFileSync(files.events, 'utf8');
    await waitFor('farewell to be under way', () => (/"type":"agent_activity","slug":"farewell"/.test(events()) ? true : undefined), 90_000);
    const greetingMerge = readSession(repo.root, id).events.find((e) => e.type === 'merged' && e.slug === 'greeting')?.mergeCommit as string;
    expect(greetingMerge).toMatch(/^[0-9a-f]{40}$/);
    // The backup follows each merge, not only the base.
    expect(repo.git('rev-parse', backupRef)).toBe(greetingMerge);
    const base = readSession(repo.root, id).manifest.baseCommit;
    if (how === 'rewind') repo.git('update-ref', `refs/heads/${branch}`, base);
    else repo.git('update-ref', '-d', `refs/heads/${branch}`);

    const s = await waitFor('the night to end', () => {
      const snap = readSession(repo.root, id);
      return snap.state.phase === 'stopped' || snap.state.phase === 'complete' ? snap : undefined;
    }, 120_000);
    await waitFor('the runner to exit', () => (readSession(repo.root, id).events.some((e) => e.type === 'session_end') ? true : undefined), 30_000);
    const end = readSession(repo.root, id);
    expect(s.state.phase).toBe('stopped');
    expect(end.state.stopKind).toBe('integration-branch-moved');
    const cause = how === 'rewind' ? `the integration branch ${branch} was moved while the night ran` : `the integration branch ${branch} was deleted while the night ran`;
    expect(end.state.stopReason).toContain(cause);
    expect(end.state.stopReason).toContain(`restored ${branch} to its backup ${greetingMerge.slice(0, 10)}`);
    const moved = end.events.find((e) => e.type === 'integration_branch_moved')!;
    expect(moved).toMatchObject({ where: 'before merging 002-farewell', cause: how === 'rewind' ? 'rewound' : 'deleted', restored: true, restoredTo: greetingMerge });
    // Nothing was merged onto the moved branch: it is back at greeting's merge.
    expect(repo.git('rev-parse', `refs/heads/${branch}`)).toBe(greetingMerge);
    expect(end.events.filter((e) => e.type === 'merged').map((e) => e.slug)).toEqual(['greeting']);
    // Not "transient", not "complete": farewell was interrupted, notes never started.
    expect(end.state.items.farewell!.status).toBe('interrupted');
    expect(end.state.items.farewell!.failureKind).toBeUndefined();
    expect(end.state.items.notes!.status).toBe('pending');
    // The report claims what git holds: greeting shipped (its merge is on the tip), nothing else.
    expect(end.report?.summary).toMatchObject({ shipped: 1, failed: 0 });
    expect(end.report?.stopReason).toBe(end.state.stopReason);
    const status = await overnight(repo.root, env, ['status', '--session', id]);
    expect(status.stdout).toContain(cause);
    expect(status.stdout).not.toContain('goes on once that is fixed');

    // The advice: `overnight resume` goes on.
    const resumed = await overnight(repo.root, env, ['resume', '--session', id], 180_000);
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    const after = readSession(repo.root, id);
    expect(after.state.phase).toBe('complete');
    expect(after.state.stopKind).toBeUndefined();
    expect(after.report?.summary).toMatchObject({ shipped: 3, failed: 0 });
    const merges = repo.git('log', '--merges', '--first-parent', '--format=%s', `${base}..${branch}`).split('\n').filter(Boolean);
    expect(merges).toHaveLength(3);
    expect(repo.git('rev-parse', backupRef)).toBe(repo.git('rev-parse', `refs/heads/${branch}`));
  }, 300_000);
});
