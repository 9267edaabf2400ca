import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chattrTopDir, prepareWorktreesFolder } from '../../../src/runner/worktrees-folder.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});
function tempRoot(): string {
  const r = mkdtempSync(join(tmpdir(), 'overnight-wtfolder-'));
  roots.push(r);
  return r;
}

/** The attribute letters `lsattr -d` prints for `dir`, or undefined where lsattr cannot read them. */
function lsattr(dir: string): string | undefined {
  try {
    return execFileSync('lsattr', ['-d', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(' ')[0];
  } catch {
    return undefined;
  }
}

describe('prepareWorktreesFolder', () => {
  it('asks for the hint on .overnight/worktrees BEFORE the session folder exists, then makes it', async () => {
    const root = tempRoot();
    const calls: Array<{ dir: string; sessionFolderExisted: boolean }> = [];
    const session = join(root, '.overnight/worktrees/s1');
    const result = await prepareWorktreesFolder(root, 's1', async (dir) => {
      calls.push({ dir, sessionFolderExisted: existsSync(session) });
      return true;
    });
    expect(calls).toEqual([{ dir: join(root, '.overnight/worktrees'), sessionFolderExisted: false }]);
    expect(result).toEqual({ path: session, created: true, topDirHint: true });
    expect(existsSync(session)).toBe(true);
  });

  it('keeps an existing session folder (resume) and says it did not create it', async () => {
    const root = tempRoot();
    await prepareWorktreesFolder(root, 's1', async () => false);
    const again = await prepareWorktreesFolder(root, 's1', async () => false);
    expect(again).toMatchObject({ created: false, topDirHint: false });
  });

  it('sets the T attribute for real where the file system has it, and never throws where it does not', async () => {
    const root = tempRoot();
    const result = await prepareWorktreesFolder(root, 's1');
    const attrs = lsattr(join(root, '.overnight/worktrees'));
    if (result.topDirHint) expect(attrs).toContain('T');
    else if (attrs !== undefined && process.platform === 'linux') expect(attrs).not.toContain('T');
    // A folder chattr cannot change: false, not an error.
    expect(await chattrTopDir(join(root, 'does-not-exist'))).toBe(false);
  });
});
