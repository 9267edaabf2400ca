import { describe, expect, it } from 'vitest';
import { keyedSerialQueue, serialQueue } from '../../../src/util/serial-queue.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serialQueue', () => {
  it('runs tasks one at a time in arrival order; a failure reaches its caller and the queue goes on', async () => {
    const queue = serialQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, ms: number, fail = false) => async () => {
      running++;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
      running--;
      if (fail) throw new Error(name);
      return name;
    };
    const a = queue(task('a', 20));
    const b = queue(task('b', 1, true));
    const c = queue(task('c', 5));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});

describe('keyedSerialQueue', () => {
  it('serialises tasks of one key and lets other keys run beside them', async () => {
    const queue = keyedSerialQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
    };
    await Promise.all([queue('/r1', task('r1-a', 20)), queue('/r1', task('r1-b', 1)), queue('/r2', task('r2-a', 1))]);
    expect(log.indexOf('start r2-a')).toBeLessThan(log.indexOf('end r1-a'));
    expect(log.indexOf('start r1-b')).toBeGreaterThan(log.indexOf('end r1-a'));
  });
});
