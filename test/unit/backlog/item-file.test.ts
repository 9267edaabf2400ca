import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { MAX_ITEM_FILE_BYTES, readItemFile } from '../../../src/backlog/item-file.js';

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'overnight-item-file-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('readItemFile', () => {
  test('a regular UTF-8 file is read whole', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.md'), 'Café ✓\n');
    expect(await readItemFile(join(dir, 'a.md'), 'backlog/a.md')).toEqual({ ok: true, text: 'Café ✓\n' });
  });

  test('exactly the limit is read; one byte more is too large, and the message names both sizes', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'limit.md'), Buffer.alloc(MAX_ITEM_FILE_BYTES, 0x61));
    writeFileSync(join(dir, 'over.md'), Buffer.alloc(MAX_ITEM_FILE_BYTES + 1, 0x61));
    expect((await readItemFile(join(dir, 'limit.md'), 'limit.md')).ok).toBe(true);
    const over = await readItemFile(join(dir, 'over.md'), 'over.md');
    expect(over.ok).toBe(false);
    if (!over.ok) {
      expect(over.error.code).toBe('backlog.too-large');
      expect(over.error.message).toBe('the file is 1 MiB; a backlog item may be at most 1 MiB');
    }
  });

  test('the line of the first byte that is not UTF-8 is named', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'x.md'), Buffer.concat([Buffer.from('one\ntwo ✓\nthree '), Buffer.from([0xff, 0x0a]), Buffer.from('\xe9')]));
    const read = await readItemFile(join(dir, 'x.md'), 'x.md');
    expect(read.ok ? undefined : [read.error.code, read.error.line]).toEqual(['backlog.not-utf8', 3]);
  });

  test('a symlink to a folder, and a FIFO, are refused without blocking', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'folder'));
    symlinkSync(join(dir, 'folder'), join(dir, 'link.md'));
    execFileSync('mkfifo', [join(dir, 'pipe.md')]);
    const link = await readItemFile(join(dir, 'link.md'), 'link.md');
    const pipe = await readItemFile(join(dir, 'pipe.md'), 'pipe.md');
    expect(link.ok ? undefined : link.error.message).toMatch(/^a folder is named like a backlog item/);
    expect(pipe.ok ? undefined : pipe.error.message).toMatch(/^a FIFO \(named pipe\) is named like a backlog item/);
  });

  test('a dangling symlink is unreadable', async () => {
    const dir = scratch();
    symlinkSync(join(dir, 'missing'), join(dir, 'gone.md'));
    const read = await readItemFile(join(dir, 'gone.md'), 'gone.md');
    expect(read.ok ? undefined : [read.error.code, read.error.message]).toEqual(['backlog.unreadable', 'cannot read the file: ENOENT']);
  });
});
