/** A zombie (exited, not yet reaped) is not a live process: a runner killed with SIGKILL whose parent is init. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPidAlive, isZombie } from '../../../src/session/lock.js';

describe.runIf(process.platform === 'linux')('isPidAlive', () => {
  it('is false for a zombie, true for a running process', async () => {
    // `true` exits at once; its parent then becomes `sleep`, which never reaps it: a zombie.
    const parent = spawn('sh', ['-c', 'true & exec sleep 5'], { stdio: 'ignore' });
    try {
      let zombie: number | undefined;
      for (let i = 0; i < 50 && zombie === undefined; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const children = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
        zombie = children.find((c) => isZombie(c));
      }
      expect(zombie).toBeDefined();
      expect(isPidAlive(zombie!)).toBe(false);
      expect(isPidAlive(parent.pid!)).toBe(true);
      expect(isZombie(parent.pid!)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
