import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionFiles } from '../../../src/session/paths.js';
import { appendEvent, parseEvents, readEvents, readState, updateState, writeState } from '../../../src/session/store.js';
import type { SessionState } from '../../../src/session/state.js';
import { parseStartTime } from '../../../src/cli/commands/schedule.js';
import { newSessionId } from '../../../src/session/launch.js';

function session(): { root: string; id: string } {
  const root = mkdtempSync(join(tmpdir(), 'overnight-store-'));
  const id = 's1';
  mkdirSync(sessionFiles(root, id).dir, { recursive: true });
  return { root, id };
}
const base: SessionState = { version: 1, sessionId: 's1', phase: 'launched', items: { a: { slug: 'a', status: 'pending', attempts: [], commits: [] } }, updatedAt: '' };

describe('session store', () => {
  it('writes state atomically and validates it on read', async () => {
    const { root, id } = session();
    await writeState(root, id, base);
    expect(readState(root, id)).toMatchObject({ phase: 'launched', items: { a: { status: 'pending' } } });
    writeFileSync(sessionFiles(root, id).state, JSON.stringify({ ...base, phase: 'sleeping' }));
    expect(() => readState(root, id)).toThrow(expect.objectContaining({ code: 'session.invalid', field: 'phase' }));
    writeFileSync(sessionFiles(root, id).state, '{"version":');
    expect(() => readState(root, id)).toThrow(expect.objectContaining({ code: 'session.corrupt' }));
  });

  it('serialises concurrent updates in one process (no lost update)', async () => {
    const { root, id } = session();
    await writeState(root, id, base);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateState(root, id, (s) => {
          s.items.a!.commits.push(String(i));
        }),
      ),
    );
    expect(readState(root, id).items.a!.commits).toHaveLength(20);
  });

  it('appends one JSON event a line with a timestamp and skips a torn last line', () => {
    const { root, id } = session();
    appendEvent(root, id, 'one', { slug: 'a' });
    appendEvent(root, id, 'two');
    writeFileSync(sessionFiles(root, id).events, readFileSync(sessionFiles(root, id).events, 'utf8') + '{"ts":"x","ty');
    const events = readEvents(root, id);
    expect(events.map((e) => e.type)).toEqual(['one', 'two']);
    expect(events[0]).toMatchObject({ slug: 'a', ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('skips lines that are JSON but not an event, and reads a missing events.jsonl as no events', () => {
    const { root, id } = session();
    expect(readEvents(root, id)).toEqual([]);
    appendEvent(root, id, 'one');
    writeFileSync(sessionFiles(root, id).events, readFileSync(sessionFiles(root, id).events, 'utf8') + '{"type":"no-ts"}\n[1,2]\n\n');
    appendEvent(root, id, 'two');
    expect(readEvents(root, id).map((e) => e.type)).toEqual(['one', 'two']);
    expect(parseEvents('{"ts":"t","type":"a"}\n{"ts":"t","ty')).toEqual([{ ts: 't', type: 'a' }]);
  });
});

describe('session ids and start times', () => {
  it('makes branch-safe, time-sorted session ids', () => {
    const id = newSessionId(new Date(2026, 10, 21, 23, 5));
    expect(id).toMatch(/^20261121-2305-[0-9a-f]{4}$/);
  });

  it('reads HH:MM as the next occurrence in local time, and ISO times in the future', () => {
    const now = new Date(2026, 10, 21, 22, 0);
    expect(parseStartTime('23:00', now).getTime()).toBe(new Date(2026, 10, 21, 23, 0).getTime());
    expect(parseStartTime('07:30', now).getTime()).toBe(new Date(2026, 10, 22, 7, 30).getTime());
    expect(parseStartTime('2026-11-22T01:00:00Z', now).toISOString()).toBe('2026-11-22T01:00:00.000Z');
    expect(() => parseStartTime('2020-01-01T00:00', now)).toThrow(/in the past/);
    expect(() => parseStartTime('25:00', now)).toThrow(expect.objectContaining({ code: 'cli.schedule-time', exitCode: 2 }));
  });
});
