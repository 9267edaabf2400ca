/**
 * Night two (issue 12, items 1 and 2), end to end: the built CLI, the real Claude Code CLI with the
 * plugin's hooks, real git, the scripted stand-in model.
 * - After a night, the shipped items are `status: done` on the integration branch (only there: the
 *   user's checkout is untouched), and a second `prepare` leaves them out with the reason
 *   "shipped in overnight/<id>, awaiting review".
 * - The item that failed ships when the user runs exactly the command the morning report prints
 *   for it (`overnight retry <slug> --session <id>`): a fresh attempt, merged into the SAME
 *   integration branch, its history across runs in the report and in `status`.
 * - Once the pull request is merged into the base branch, the items are done for `prepare`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { farewellScript, greetingScript } from '../../src/demo/scripts.js';
import { demoMarker, SAMPLE_ITEMS } from '../../src/demo/sample.js';
import type { Script, Turn } from '../../src/standin/script.js';
import { integrationBranch, sessionFiles } from '../../src/session/paths.js';
import { launch, makeNightRepo, nightEnv, nightFixture, overnight, readSession, snapshotCheckout, type CheckoutSnapshot, type NightRepo } from '../support/night.js';

const TEST_HEAD = "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert');\n";
const CSV_TEST = `${TEST_HEAD}const { toCsv } = require('../src/csv.js');\ntest('quotes fields with commas', () => assert.strictEqual(toCsv([['a,b', 'c']]), '"a,b",c'));\n`;
const NAIVE = "'use strict';\nfunction toCsv(rows) {\n  return rows.map((r) => r.join(',')).join('\\n');\n}\nmodule.exports = { toCsv };\n";
const QUOTING = "'use strict';\nconst q = (f) => (/[\",\\n]/.test(f) ? `\"${f.replace(/\"/g, '\"\"')}\"` : f);\nfunction toCsv(rows) {\n  return rows.map((r) => r.map(q).join(',')).join('\\n');\n}\nmodule.exports = { toCsv };\n";

function write(path: string, content: string): string {
  return `cat > ${path} <<'OVERNIGHT_EOF'\n${content}OVERNIGHT_EOF\n`;
}

/**
 * csv-export: the first attempt commits a toCsv() that does not quote (its success condition
 * fails); an attempt whose brief says an earlier attempt failed writes the quoting one.
 */
const csvScript: Script = {
  marker: demoMarker('csv-export'),
  turns: [
    (req): Turn => {
      const retry = /## Attempt \d+ of this item failed/.test(req.firstUserText);
      return {
        tool: 'Bash',
        input: {
          command: `mkdir -p src test\n${write('src/csv.js', retry ? QUOTING : NAIVE)}${write('test/csv.test.js', CSV_TEST)}git add src/csv.js test/csv.test.js && git commit -q -m "${retry ? 'Quote fields in toCsv(rows)' : 'Add toCsv(rows)'}"`,
          description: 'Write toCsv and its test, commit',
        },
      };
    },
    { text: 'Added `toCsv(rows)` in src/csv.js with a test.\n\n## Learnings\n- CSV lives in src/csv.js.\n\nTASK_COMPLETE' },
  ],
};

const ITEMS = [SAMPLE_ITEMS[0]!, SAMPLE_ITEMS[1]!, SAMPLE_ITEMS[2]!]; // greeting, farewell (after greeting), csv-export

describe('night two: the backlog after a night, and retrying a failed item', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let env: Record<string, string>;
  let id: string;
  let before: CheckoutSnapshot;

  beforeAll(async () => {
    model = fixture.model = await startStandinModel({ scripts: [greetingScript(), farewellScript(), csvScript] });
    repo = fixture.repo = await makeNightRepo({ items: ITEMS, concurrency: 1, idleTimeout: '30s', retries: 0 });
    before = snapshotCheckout(repo);
    env = nightEnv(model.url);
    id = await launch(repo.root, env);
    const started = await overnight(repo.root, env, ['start', '--session', id], 200_000);
    expect(started.code, `${started.stdout}\n${started.stderr}`).toBe(0);
    const s = readSession(repo.root, id);
    expect(Object.fromEntries(Object.entries(s.state.items).map(([k, v]) => [k, v.status]))).toEqual({ greeting: 'merged', farewell: 'merged', 'csv-export': 'failed' });
  }, 240_000);

  it('a second prepare after a night leaves the shipped item out, with the reason', async () => {
    const integ = integrationBranch(id);
    // On the integration branch, the shipped items' files say done; nothing else in them changed.
    for (const file of ['backlog/001-greeting.md', 'backlog/002-farewell.md']) {
      const base = repo.git('show', `main:${file}`);
      expect(repo.git('show', `${integ}:${file}`)).toBe(base.replace('status: ready', 'status: done'));
      // The user's checkout still says ready: the runner never touched it.
      expect(readFileSync(join(repo.root, file), 'utf8')).toContain('status: ready');
    }
    expect(repo.git('show', `${integ}:backlog/003-csv-export.md`)).toContain('status: ready');
    expect(snapshotCheckout(repo)).toEqual(before);

    const r = await overnight(repo.root, env, ['prepare', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout).data;
    const reasons = Object.fromEntries(plan.ineligible.map((x: { slug: string; reason: string }) => [x.slug, x.reason]));
    expect(reasons).toEqual({ greeting: `shipped in ${integ}, awaiting review`, farewell: `shipped in ${integ}, awaiting review` });
    expect(plan.rounds.flatMap((round: { items: Array<{ item: { slug: string } }> }) => round.items.map((i) => i.item.slug))).toEqual(['csv-export']);
    const text = await overnight(repo.root, env, ['prepare']);
    expect(text.stdout).toContain(`shipped in ${integ}, awaiting review`);
  }, 60_000);

  it("following the report's advice for a failed item ships it on the second try", async () => {
    const md = readFileSync(sessionFiles(repo.root, id).reportMd, 'utf8');
    const section = md.slice(md.indexOf('## Failed'), md.indexOf('## Blocked'));
    expect(section).toContain('csv-export');
    const advice = /`(overnight retry [^`]+)`/.exec(section.slice(section.indexOf('What to do next')))?.[1];
    expect(advice).toBe(`overnight retry csv-export --session ${id}`);
    // `status` gives the same advice.
    const status = await overnight(repo.root, env, ['status']);
    expect(status.stdout).toContain(`\`overnight retry --session ${id}\``);

    // Run exactly the printed command.
    const retried = await overnight(repo.root, env, advice!.split(' ').slice(1), 200_000);
    expect(retried.code, `${retried.stdout}\n${retried.stderr}`).toBe(0);

    const s = readSession(repo.root, id);
    expect(s.state.phase).toBe('complete');
    const csv = s.state.items['csv-export']!;
    expect(csv.status).toBe('merged');
    expect(csv.attempts.map((a) => [a.n, a.run, a.outcome])).toEqual([
      [1, 1, 'failed'],
      [2, 2, 'complete'],
    ]);
    expect(s.state.retries).toEqual([expect.objectContaining({ run: 2, items: ['csv-export'] })]);
    // The retry's brief carried the first attempt's failure (the script wrote the quoting toCsv because of it).
    const briefs = model.requestsFor(demoMarker('csv-export')).filter((q) => q.turnIndex === 0).map((q) => q.firstUserText);
    expect(briefs).toHaveLength(2);
    expect(briefs[1]).toMatch(/## Attempt 1 of this item failed/);
    expect(briefs[1]).toContain('NOT here');

    // The same integration branch: one merge per item, the earlier merges untouched.
    const integ = integrationBranch(id);
    const merges = repo.git('log', '--merges', '--format=%s', `${s.manifest.baseCommit}..${integ}`).split('\n').filter(Boolean);
    expect(merges).toHaveLength(3);
    for (const slug of ['greeting', 'farewell', 'csv-export']) expect(merges.filter((m) => m.includes(`-${slug}:`))).toHaveLength(1);
    expect(repo.git('show', `${integ}:src/csv.js`)).toBe(QUOTING.trimEnd());
    expect(repo.git('show', `${integ}:backlog/003-csv-export.md`)).toContain('status: done');

    // The report and status tell the item's history across runs.
    expect(s.report?.summary).toMatchObject({ shipped: 3, failed: 0, retries: 1 });
    const shipped = s.report!.shipped.find((x) => x.slug === 'csv-export')!;
    expect(shipped.history).toEqual([expect.stringMatching(/^run 1 \(the night\): attempt 1 failed \(task: /), 'run 2 (retry): attempt 2 complete']);
    const report = readFileSync(sessionFiles(repo.root, id).reportMd, 'utf8');
    expect(report).toContain('- run 2 (retry): attempt 2 complete');
    const after = await overnight(repo.root, env, ['status']);
    expect(after.stdout).toContain('History across runs:');
    expect(after.stdout).toContain('run 2 (retry): attempt 2 complete');
    expect(after.stdout).not.toContain('overnight retry --session');
    // Nothing left to retry: a clear refusal.
    const again = await overnight(repo.root, env, ['retry', '--session', id]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('no failed or blocked item to retry');
    expect(snapshotCheckout(repo)).toEqual(before);
  }, 240_000);

  it('once the pull request is merged into the base branch, prepare counts the items done', async () => {
    // The user commits their work in progress and merges the night's branch, as a merged PR would.
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'my work in progress');
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge the night', integrationBranch(id));
    for (const file of ['backlog/001-greeting.md', 'backlog/002-farewell.md', 'backlog/003-csv-export.md']) {
      expect(readFileSync(join(repo.root, file), 'utf8')).toContain('status: done');
    }
    const r = await overnight(repo.root, env, ['prepare', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout).data;
    expect(plan.ineligible).toEqual([]);
    expect(plan.rounds).toEqual([]);
    expect(plan.notCandidates).toEqual({ done: 3, dropped: 0 });
  }, 60_000);
});
