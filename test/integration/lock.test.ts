import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, isPidAlive, liveLockHolder, readLock, releaseLock } from '../../src/session/lock.js';
import { lockFile } from '../../src/session/paths.js';

/** A pid that certainly belongs to no live process: a child that already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('the repository lock', () => {
  it('is exclusive while its holder lives, and released by its holder only', () => {
    const root = mkdtempSync(join(tmpdir(), 'overnight-lock-'));
    acquireLock(root, 's1');
    expect(readLock(root)).toMatchObject({ pid: process.pid, sessionId: 's1' });
    expect(acquireLock(root, 's1')).toEqual({ recovered: undefined }); // re-entrant for the same pid
    // Another live process (our parent) holding it: refused with its pid.
    writeFileSync(lockFile(root), JSON.stringify({ pid: process.ppid, sessionId: 's0', acquiredAt: '' }));
    expect(() => acquireLock(root, 's1')).toThrow(`The runner is still running (pid ${process.ppid})`);
    expect(releaseLock(root)).toBe(false); // not ours
    expect(existsSync(lockFile(root))).toBe(true);
  });

  it('recovers a stale lock left by a dead pid', () => {
    const root = mkdtempSync(join(tmpdir(), 'overnight-lock-'));
    const pid = deadPid();
    expect(isPidAlive(pid)).toBe(false);
    mkdirSync(join(root, '.overnight'), { recursive: true });
    writeFileSync(lockFile(root), JSON.stringify({ pid, sessionId: 'old', acquiredAt: '' }));
    expect(liveLockHolder(root)).toBeUndefined();
    const { recovered } = acquireLock(root, 'new');
    expect(recovered).toMatchObject({ pid, sessionId: 'old' });
    expect(JSON.parse(readFileSync(lockFile(root), 'utf8'))).toMatchObject({ pid: process.pid, sessionId: 'new' });
    expect(releaseLock(root)).toBe(true);
    expect(existsSync(lockFile(root))).toBe(false);
  });

  it('treats an unreadable lock file as stale', () => {
    const root = mkdtempSync(join(tmpdir(), 'overnight-lock-'));
    mkdirSync(join(root, '.overnight'), { recursive: true });
    writeFileSync(lockFile(root), '');
    expect(acquireLock(root, 's').recovered).toBeDefined();
    releaseLock(root);
  });
});
