/**
 * readStatusEvents (src/report/status-events.ts): the status view built from the few events it
 * returns is the view built from every event of the log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStatus } from '../../../src/report/status.js';
import { readStatusEvents } from '../../../src/report/status-events.js';
import { parseEvents } from '../../../src/session/store.js';
import { finishedState, manifest } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'overnight-status-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runningState() {
  const st = finishedState();
  st.phase = 'running';
  delete st.endedAt;
  for (const slug of ['gamma', 'epsilon']) {
    const item = st.items[slug]!;
    item.status = 'running';
    delete item.activity;
    delete item.attempts[item.attempts.length - 1]!.endedAt;
  }
  return st;
}

describe('readStatusEvents', () => {
  it('gives the same status view as every event, with nested slugs, other attempts and a torn last line', () => {
    const lines: string[] = [];
    const at = (i: number) => new Date(Date.parse('2026-11-21T23:00:00.000Z') + i * 1000).toISOString();
    for (let i = 0; i < 400; i++) {
      const slug = ['alpha', 'beta', 'gamma', 'epsilon'][i % 4]!;
      lines.push(JSON.stringify({ ts: at(i), type: 'agent_activity', slug, attempt: slug === 'gamma' && i > 200 ? 2 : 1, turns: i, costUsd: i / 100, summary: `step ${i} — écrit «ok» ✓` }));
      if (i % 50 === 0) lines.push(JSON.stringify({ ts: at(i), type: 'note', slug: 'beta', detail: { slug: 'gamma', note: 'nested slug of another item' } }));
    }
    lines.push(JSON.stringify({ ts: at(500), type: 'merge_started', slug: 'alpha', message: 'merging' }));
    lines.push(JSON.stringify({ ts: at(501), type: 'context', data: { slug: 'epsilon' } }));
    lines.push('{"ts":"2026-11-21T23:20:00.000Z","type":"agent_activity","slug":"gamma","attem');
    const text = `${lines.join('\n')}\n`;
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, text);
    const m = manifest();
    const st = runningState();
    const facts = { now: Date.parse('2026-11-21T23:30:00.000Z'), runnerAlive: true };
    const few = readStatusEvents(file, m.items.map((i) => i.slug));
    expect(few.length).toBeLessThanOrEqual(2 * m.items.length);
    expect(buildStatus(m, st, few, facts)).toEqual(buildStatus(m, st, parseEvents(text), facts));
    const gamma = buildStatus(m, st, few, facts).items.find((i) => i.slug === 'gamma')!;
    expect(gamma.activity).toBe('agent_activity');
    expect(buildStatus(m, st, few, facts).items.find((i) => i.slug === 'alpha')!.activity).toBeDefined();
  });

  it('is empty for a log that does not exist yet', () => {
    expect(readStatusEvents(join(dir, 'none.jsonl'), ['alpha'])).toEqual([]);
  });
});
