/**
 * The demo's sample repository against the real backlog reader, planner and mission brief: every
 * item is eligible, the rounds follow the dependencies, and each item's brief carries its own
 * stand-in marker and no other (so the scripted model answers the right conversation).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampleRepo, demoMarker, SAMPLE_ITEMS } from '../../src/demo/sample.js';
import { sampleScripts } from '../../src/demo/scripts.js';
import { preparePlan } from '../../src/plan/prepare.js';
import { manifestItems } from '../../src/session/launch.js';
import { buildMissionBrief } from '../../src/agent/brief.js';
import { pickScript, toModelRequest } from '../../src/standin/script.js';

describe('the demo sample repository', () => {
  const root = mkdtempSync(join(tmpdir(), 'overnight-sample-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('plans every item, dependencies in later rounds, and each brief matches only its own script', async () => {
    await createSampleRepo(root, { claudePath: '/usr/bin/true' });
    const { plan, config } = await preparePlan(root);
    expect(plan.ineligible).toEqual([]);
    const round = (slug: string) => plan.rounds.find((r) => r.items.some((p) => p.item.slug === slug))!.index;
    expect(round('farewell')).toBeGreaterThan(round('greeting'));
    expect(round('csv-download')).toBeGreaterThan(round('csv-export'));
    const items = manifestItems(plan, config);
    expect(items.map((i) => i.slug).sort()).toEqual(SAMPLE_ITEMS.map((i) => i.slug).sort());
    const scripts = sampleScripts();
    for (const item of items) {
      const brief = buildMissionBrief({
        sessionId: 's',
        item,
        branch: `overnight/s--${item.slug}`,
        checks: item.verify,
        // Earlier items' learnings travel in later briefs; they must not confuse the matching.
        learnings: items.filter((o) => o.slug !== item.slug).map((o) => ({ slug: o.slug, title: o.title, text: 'learned something' })),
      });
      expect(brief).toContain(demoMarker(item.slug));
      for (const other of items) if (other.slug !== item.slug) expect(brief).not.toContain(demoMarker(other.slug));
      const req = toModelRequest({ messages: [{ role: 'user', content: brief }] });
      expect(pickScript(scripts, req)?.marker).toBe(demoMarker(item.slug));
    }
  });
});
