import { describe, expect, it } from 'vitest';
import { schedule } from '../../../src/runner/scheduler.js';
import { mItem, st } from './helpers.js';

const NOW = Date.parse('2026-11-21T23:00:00Z');
const HOUR = 3_600_000;

describe('schedule', () => {
  it('starts independent items up to the concurrency, in plan order', () => {
    const items = [mItem('a'), mItem('b'), mItem('c')];
    const d = schedule({ items, states: { a: st('a', 'pending'), b: st('b', 'pending'), c: st('c', 'pending') }, concurrency: 2, now: NOW, deadline: NOW + HOUR });
    expect(d.start).toEqual(['a', 'b']);
    expect(d.finished).toBe(false);
  });

  it('counts running, verifying and merging items against the concurrency', () => {
    const items = [mItem('a'), mItem('b'), mItem('c')];
    const d = schedule({ items, states: { a: st('a', 'verifying'), b: st('b', 'merging'), c: st('c', 'pending') }, concurrency: 2, now: NOW });
    expect(d.start).toEqual([]);
  });

  it('waits for dependencies to be MERGED (not just finished by the agent)', () => {
    const items = [mItem('a'), mItem('b', { dependsOn: ['a'] })];
    expect(schedule({ items, states: { a: st('a', 'merging'), b: st('b', 'pending') }, concurrency: 4, now: NOW }).start).toEqual([]);
    expect(schedule({ items, states: { a: st('a', 'merged'), b: st('b', 'pending') }, concurrency: 4, now: NOW }).start).toEqual(['b']);
  });

  it('treats dependencies outside the session as done', () => {
    const items = [mItem('b', { dependsOn: ['elsewhere'] })];
    expect(schedule({ items, states: { b: st('b', 'pending') }, concurrency: 1, now: NOW }).start).toEqual(['b']);
  });

  it('blocks dependents of a failed item, transitively, with the reason', () => {
    const items = [mItem('a'), mItem('b', { dependsOn: ['a'] }), mItem('c', { dependsOn: ['b'] })];
    const d = schedule({ items, states: { a: st('a', 'failed', { reason: 'checks failed' }), b: st('b', 'pending'), c: st('c', 'pending') }, concurrency: 2, now: NOW });
    expect(d.block.map((b) => b.slug)).toEqual(['b', 'c']);
    expect(d.block[0]!.reason).toContain('depends on a, which failed: checks failed');
    expect(d.block[1]!.reason).toContain('depends on b');
    expect(d.finished).toBe(true);
  });

  it('defers an item whose estimate does not fit before the deadline, and its dependents', () => {
    const items = [mItem('a', { estimateMs: 2 * HOUR }), mItem('b', { dependsOn: ['a'] }), mItem('c', { estimateMs: 10 * 60_000 })];
    const d = schedule({ items, states: { a: st('a', 'pending'), b: st('b', 'pending'), c: st('c', 'pending') }, concurrency: 2, now: NOW, deadline: NOW + HOUR });
    expect(d.start).toEqual(['c']);
    expect(d.defer.map((x) => x.slug).sort()).toEqual(['a', 'b']);
    expect(d.defer.find((x) => x.slug === 'a')!.reason).toMatch(/does not fit/);
  });

  it('defers everything pending once the deadline has passed', () => {
    const items = [mItem('a'), mItem('b')];
    const d = schedule({ items, states: { a: st('a', 'merged'), b: st('b', 'pending') }, concurrency: 2, now: NOW, deadline: NOW - 1 });
    expect(d.defer).toEqual([{ slug: 'b', reason: 'not started: the session time limit was reached' }]);
    expect(d.finished).toBe(true);
  });

  it('starts nothing while paused or stopping, but is not finished', () => {
    const items = [mItem('a')];
    const states = { a: st('a', 'pending') };
    expect(schedule({ items, states, concurrency: 1, now: NOW, pausedUntil: NOW + 1000 })).toMatchObject({ start: [], finished: false });
    expect(schedule({ items, states, concurrency: 1, now: NOW, pausedUntil: NOW - 1 }).start).toEqual(['a']);
    expect(schedule({ items, states, concurrency: 1, now: NOW, stopping: true })).toMatchObject({ start: [], finished: false });
  });

  it('defers dependents of an interrupted item instead of blocking them', () => {
    const items = [mItem('a'), mItem('b', { dependsOn: ['a'] })];
    const d = schedule({ items, states: { a: st('a', 'interrupted'), b: st('b', 'pending') }, concurrency: 1, now: NOW });
    expect(d.block).toEqual([]);
    expect(d.defer[0]).toMatchObject({ slug: 'b' });
    expect(d.finished).toBe(true);
  });

  it('is finished only when every item is settled', () => {
    const items = [mItem('a'), mItem('b')];
    expect(schedule({ items, states: { a: st('a', 'merged'), b: st('b', 'running') }, concurrency: 1, now: NOW }).finished).toBe(false);
    expect(schedule({ items, states: { a: st('a', 'merged'), b: st('b', 'blocked') }, concurrency: 1, now: NOW }).finished).toBe(true);
  });
});
