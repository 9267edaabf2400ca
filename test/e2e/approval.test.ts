/**
 * Approval categories, end to end (issue 9, item 5): the built CLI, the real Claude Code CLI and
 * its hooks, scripted agents, the default `approval` config (auto: bug, test, docs, refactor,
 * chore; ask: feature). The plan marks the feature items as needing a yes; `launch --approve 1`
 * approves one of two; the other is listed as not approved and never runs (its agent is never
 * asked), its dependent waits with it, and the chore item runs on the plan's approval alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { simpleItemScript } from '../../src/demo/scripts.js';
import { demoMarker, type SampleItem } from '../../src/demo/sample.js';
import { doneFileItem, launch, makeNightRepo, startNight, nightEnv, nightFixture, overnight, type NightRepo, type SessionSnapshot } from '../support/night.js';

const item = (id: number, slug: string, type: string, blockedBy?: number[]): SampleItem => doneFileItem(id, slug, { type, ...(blockedBy ? { blockedBy } : {}) });
const ITEMS = [item(1, 'approved-feature', 'feature'), item(2, 'unapproved-feature', 'feature'), item(3, 'tidy', 'chore'), item(4, 'follow-up', 'bug', [2])];

describe('approval categories (approval.auto / approval.ask)', () => {
  const fixture = nightFixture();
  let model: StandinModel;
  let repo: NightRepo;
  let id: string;
  let s: SessionSnapshot;
  let env: Record<string, string>;
  let plan = '';
  let launchOut = '';
  let output = '';

  beforeAll(async () => {
    model = fixture.model = await startStandinModel({ scripts: ITEMS.map((i) => simpleItemScript(i.slug)) });
    repo = fixture.repo = await makeNightRepo({ items: ITEMS, concurrency: 2, retries: 0, checks: [] });
    env = nightEnv(model.url);
    plan = (await overnight(repo.root, env, ['prepare'])).stdout;
    const text = await overnight(repo.root, env, ['launch', '--approve', '1']);
    launchOut = `${text.stdout}\n${text.stderr}`;
    expect(text.code, launchOut).toBe(0);
    id = /Session (\S+) launched/.exec(text.stdout)![1]!;
    ({ output, s } = await startNight(repo.root, env, id, 200_000));
  }, 240_000);

  it('the plan marks every item that needs an explicit yes, and says how to give it', () => {
    expect(plan).toContain('## Needs your yes');
    expect(plan).toMatch(/- #?0*1 approved-feature: .*\(feature\)/);
    expect(plan).toMatch(/- #?0*2 unapproved-feature: .*\(feature\)/);
    expect(plan).not.toMatch(/- #?0*3 tidy: .*\(chore\)/);
    expect(plan).toContain('overnight launch --approve 1,2');
  });

  it('launch --approve lists the unapproved item as not approved, with its dependent', () => {
    expect(launchOut).toMatch(/Not approved/);
    expect(launchOut).toMatch(/unapproved-feature: not approved: a feature item needs an explicit yes/);
    expect(launchOut).toMatch(/follow-up: waits for .*unapproved-feature.*not approved/);
    expect(s.manifest.items.map((i) => i.slug).sort()).toEqual(['approved-feature', 'tidy']);
  });

  it('an "ask" item is not run without approval; the approved one and the auto one run', () => {
    expect(model.requestsFor(demoMarker('unapproved-feature'))).toHaveLength(0);
    expect(model.requestsFor(demoMarker('follow-up'))).toHaveLength(0);
    expect(s.state.items['approved-feature']!.status, output).toBe('merged');
    expect(s.state.items.tidy!.status, output).toBe('merged');
    expect(s.state.items['unapproved-feature']).toBeUndefined();
  });

  it('the morning report and `status` list the items that were not approved', async () => {
    expect(s.report!.notApproved!.map((i) => i.slug)).toEqual(['unapproved-feature', 'follow-up']);
    const report = await overnight(repo.root, env, ['report']);
    expect(report.stdout).toMatch(/Not approved \(not run\): unapproved-feature, follow-up/);
    const status = await overnight(repo.root, env, ['status']);
    expect(status.stdout).toContain('Not approved (not run tonight): unapproved-feature, follow-up.');
  });
});
