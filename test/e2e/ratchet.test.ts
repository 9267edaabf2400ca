/**
 * The test ratchet, end to end (issue 9, "Test ratchet"): the built CLI, the real Claude Code CLI
 * and its hooks, real git, scripted agents. The project check is a small shell script printing
 * TAP; one of its three tests (`beta`) already fails on the base commit. The night's baseline
 * records that; then
 * - `clean` (touches no test) is merged although the check as a whole still fails;
 * - `fixer` makes `beta` pass: merged, and the report says it fixed `beta`;
 * - `breaker` makes `gamma` fail: its merge is undone, it is not merged;
 * - `rebreaker` (after `fixer`) makes `beta` fail again: no longer tolerated, not merged.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import type { Script } from '../../src/standin/script.js';
import { demoMarker, type SampleItem } from '../../src/demo/sample.js';
import { sessionFiles } from '../../src/session/paths.js';
import { launch, logSubjects, makeNightRepo, nightEnv, nightFixture, overnight, readSession, type NightRepo, type SessionSnapshot } from '../support/night.js';

const CHECK = [
  '#!/bin/sh',
  '# The project check: three TAP tests that read marker files.',
  'fail=0',
  'echo "TAP version 13"',
  'echo "1..3"',
  'if [ -f broken/alpha ]; then echo "not ok 1 - alpha"; fail=1; else echo "ok 1 - alpha"; fi',
  'if [ -f fixed/beta ]; then echo "ok 2 - beta"; else echo "not ok 2 - beta"; fail=1; fi',
  'if [ -f broken/gamma ]; then echo "not ok 3 - gamma"; fail=1; else echo "ok 3 - gamma"; fi',
  'exit $fail',
  '',
].join('\n');

const item = (id: number, slug: string, blockedBy?: number[]): SampleItem => ({
  id,
  slug,
  title: `Item ${slug}`,
  verify: `test -f done/${slug}.txt`,
  goal: `Do ${slug} and write done/${slug}.txt.`,
  criteria: [`done/${slug}.txt exists`],
  ...(blockedBy ? { blockedBy } : {}),
});
const ITEMS = [item(1, 'clean'), item(2, 'fixer'), item(3, 'breaker'), item(4, 'rebreaker', [2])];

/**
 * An agent that runs `work` (shell), writes done/<slug>.txt, stages it and the `paths` it wrote,
 * commits and says TASK_COMPLETE.
 */
function script(slug: string, work: string, paths = ''): Script {
  const command = `${work}mkdir -p done && echo ${slug} > done/${slug}.txt && git add done/${slug}.txt ${paths} && git commit -q -m "${slug}: done"`;
  return {
    marker: demoMarker(slug),
    turns: [{ tool: 'Bash', input: { command, description: 'Do the item and commit' } }, { text: `Did ${slug}.\n\nTASK_COMPLETE` }],
  };
}

describe('the test ratchet (a project check failing at baseline)', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let id: string;
  let s: SessionSnapshot;
  let env: Record<string, string>;
  let output = '';

  beforeAll(async () => {
    model = fixture.model = await startStandinModel({
      scripts: [
        script('clean', ''),
        script('fixer', 'mkdir -p fixed && echo 1 > fixed/beta && ', 'fixed/beta'),
        script('breaker', 'mkdir -p broken && echo 1 > broken/gamma && ', 'broken/gamma'),
        script('rebreaker', 'git rm -q fixed/beta && '),
      ],
    });
    repo = fixture.repo = await makeNightRepo({ items: ITEMS, concurrency: 1, retries: 0, checks: ['sh check.sh'], extraFiles: { 'check.sh': CHECK } });
    env = nightEnv(model.url);
    id = await launch(repo.root, env);
    const started = await overnight(repo.root, env, ['start', '--session', id], 420_000);
    output = `${started.stdout}\n${started.stderr}`;
    s = readSession(repo.root, id);
  }, 480_000);

  it('keeps the baseline of the project checks, run on the base commit before any item', () => {
    const baseline = JSON.parse(readFileSync(sessionFiles(repo.root, id).checksBaseline, 'utf8'));
    expect(baseline.baseCommit).toBe(s.manifest.baseCommit);
    expect(baseline.baseline).toMatchObject([{ command: 'sh check.sh', exitCode: 1, format: 'tap', failing: ['beta'], passing: ['alpha', 'gamma'] }]);
    const types = s.events.map((e) => e.type);
    expect(types.indexOf('checks_baseline'), output).toBeGreaterThan(-1);
    expect(types.indexOf('checks_baseline')).toBeLessThan(types.indexOf('item_started'));
  });

  it('merges a clean item although the check still fails its baseline test', () => {
    expect(s.state.items.clean!.status, output).toBe('merged');
    // The agents committed their own work (the runner had nothing left to commit for them).
    expect(s.events.filter((e) => e.type === 'leftovers_committed')).toEqual([]);
    expect(logSubjects(repo, `${s.manifest.baseCommit}..${s.manifest.integrationBranch}`)).toContain('overnight: merge 001-clean: Item clean');
  });

  it('merges an item that fixes the failing test, and records the fix', () => {
    expect(s.state.items.fixer!.status, output).toBe('merged');
    const fixed = s.events.find((e) => e.type === 'checks_fixed');
    expect(fixed).toMatchObject({ slug: 'fixer', fixes: [{ command: 'sh check.sh', tests: ['beta'] }] });
  });

  it('does not merge an item that breaks another test', () => {
    const breaker = s.state.items.breaker!;
    expect(breaker.status, output).toBe('failed');
    expect(breaker.failureKind).toBe('merge');
    expect(breaker.reason).toMatch(/project checks failed after the merge, with failures that were not failing at baseline \(`sh check\.sh`: gamma\); the merge was undone/);
    expect(logSubjects(repo, s.manifest.integrationBranch).some((l) => l.includes('breaker'))).toBe(false);
  });

  it('does not tolerate again a failure an earlier item fixed (the ratchet tightens)', () => {
    const re = s.state.items.rebreaker!;
    expect(re.status, output).toBe('failed');
    expect(re.reason).toMatch(/`sh check\.sh`: beta\b/);
    // The integration branch still passes every test.
    expect(repo.git('show', `${s.manifest.integrationBranch}:fixed/beta`)).toBe('1');
  });

  it('the morning report lists the baseline failures and what an item fixed', async () => {
    expect(s.report!.checksBaseline).toMatchObject({
      checks: [{ command: 'sh check.sh', passed: false, format: 'tap', failing: ['beta'] }],
      fixes: [{ slug: 'fixer', command: 'sh check.sh', tests: ['beta'] }],
    });
    const md = readFileSync(sessionFiles(repo.root, id).reportMd, 'utf8');
    expect(md).toContain('## Project checks at baseline');
    expect(md).toMatch(/`sh check\.sh`: failed \(exit code 1; 1 failing TAP test\(s\): beta\)/);
    expect(md).toMatch(/fixer.*fixed.*beta/);
  });

  it('`status` shows the baseline', async () => {
    const status = await overnight(repo.root, env, ['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/Project checks at baseline: 1 of 1 failing \(1 test\); fixed tonight: beta \(fixer\)/);
    const json = JSON.parse((await overnight(repo.root, env, ['status', '--format', 'json'])).stdout);
    expect(json.data.session.checksBaseline.checks[0].failing).toEqual(['beta']);
  });
});
