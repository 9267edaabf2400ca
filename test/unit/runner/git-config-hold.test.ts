import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configHoldText, configLockPath, heldBy, holdGitConfig, releaseGitConfig } from '../../../src/runner/git-config-hold.js';

function withDir(fn: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overnight-config-hold-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('holding the repository config.lock while agents run', () => {
  it('reads whose a lock file is from its text, and nothing else counts as ours', () => {
    expect(heldBy(configHoldText('20261202-0100-abcd'))).toBe('20261202-0100-abcd');
    expect(heldBy('[core]\n\tbare = false\n')).toBeUndefined();
    expect(heldBy('')).toBeUndefined();
  });

  it('holds, takes over a stopped night\'s hold, and releases only its own kind', withDir(async (dir) => {
    expect(await holdGitConfig(dir, 's1')).toEqual({ held: true });
    expect(heldBy(readFileSync(configLockPath(dir), 'utf8'))).toBe('s1');
    expect(await holdGitConfig(dir, 's1')).toEqual({ held: true });
    expect(await holdGitConfig(dir, 's2')).toEqual({ held: true, takenOver: 's1' });
    expect(releaseGitConfig(dir)).toBe(true);
    expect(existsSync(configLockPath(dir))).toBe(false);
    expect(releaseGitConfig(dir)).toBe(false);
  }));

  it("never touches git's own lock: waits for it, then leaves it", withDir(async (dir) => {
    writeFileSync(configLockPath(dir), '[core]\n\tbare = false\n');
    const r = await holdGitConfig(dir, 's1', { attempts: 3, waitMs: 5 });
    expect(r.held).toBe(false);
    expect(releaseGitConfig(dir)).toBe(false);
    expect(readFileSync(configLockPath(dir), 'utf8')).toBe('[core]\n\tbare = false\n');
  }));

  it("takes the lock once git's own write is over", withDir(async (dir) => {
    writeFileSync(configLockPath(dir), '[core]\n');
    setTimeout(() => rmSync(configLockPath(dir)), 30);
    expect(await holdGitConfig(dir, 's1', { attempts: 50, waitMs: 10 })).toEqual({ held: true });
  }));
});
