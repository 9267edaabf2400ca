/**
 * Reading one backlog item file safely (DESIGN.md, "Backlog items"; issue 12, item 8): only a
 * regular file is read, never a folder, FIFO, socket or device (a FIFO would block a plain read
 * forever); a file larger than MAX_ITEM_FILE_BYTES is refused before it is read; the bytes must be
 * UTF-8. Each problem is an OvernightError naming the file and the fix.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { OvernightError } from '../util/errors.js';

/**
 * Largest item file read, in bytes (1 MiB). An item is a page of markdown (a few KB); a bigger
 * file is a mistake (a log or a data dump saved under an item's name) and would swell every
 * agent's brief. Documented in docs/backlog-format.md.
 */
export const MAX_ITEM_FILE_BYTES = 1024 * 1024;

/** The text of an item file, or the one problem that kept it from being read. */
export type ItemFileText = { ok: true; text: string } | { ok: false; error: OvernightError };

/**
 * Reads the item file at `path` (absolute; `file` is how messages name it, relative to the
 * repository root). Opens it with O_NONBLOCK so a FIFO cannot hang the read, then checks on the
 * open handle (fstat, so a symlink is judged by its target): a folder is `backlog.not-a-file`, a
 * FIFO, socket or device `backlog.not-a-file`, more than MAX_ITEM_FILE_BYTES `backlog.too-large`,
 * bytes that are not UTF-8 `backlog.not-utf8` (with the line of the first bad byte). A file that
 * cannot be opened is `backlog.unreadable`. Never throws; read-only.
 */
export async function readItemFile(path: string, file: string): Promise<ItemFileText> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, error: unreadable(file, error) };
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) return { ok: false, error: notAFile(file, 'a folder') };
    if (!stat.isFile()) return { ok: false, error: notAFile(file, kindOf(stat)) };
    if (stat.size > MAX_ITEM_FILE_BYTES) return { ok: false, error: tooLarge(file, stat.size) };
    const bytes = await handle.readFile();
    if (bytes.length > MAX_ITEM_FILE_BYTES) return { ok: false, error: tooLarge(file, bytes.length) };
    if (!isUtf8(bytes)) return { ok: false, error: notUtf8(file, firstBadLine(bytes)) };
    return { ok: true, text: bytes.toString('utf8') };
  } catch (error) {
    return { ok: false, error: unreadable(file, error) };
  } finally {
    await handle.close();
  }
}

/**
 * The error for a folder whose name looks like an item (`004-x.md/`), found while listing the
 * backlog folder. `file` is the folder, relative to the repository root.
 */
export function folderNamedLikeItem(file: string): OvernightError {
  return notAFile(file, 'a folder');
}

function notAFile(file: string, kind: string): OvernightError {
  return new OvernightError('backlog.not-a-file', `${kind} is named like a backlog item, but an item must be a regular markdown file`, {
    file,
    fix: `Move it out of the backlog folder, or rename it so it does not end in '.md' (or start its name with '_' to keep it out of the backlog).`,
  });
}

function tooLarge(file: string, size: number): OvernightError {
  return new OvernightError('backlog.too-large', `the file is ${formatMiB(size)}; a backlog item may be at most ${formatMiB(MAX_ITEM_FILE_BYTES)}`, {
    file,
    fix: 'Keep the item to its goal and acceptance criteria, and move long material (logs, data, specs) to a file the item links to.',
  });
}

function notUtf8(file: string, line: number): OvernightError {
  return new OvernightError('backlog.not-utf8', 'the file is not valid UTF-8 text', {
    file,
    line,
    fix: `Save it as UTF-8, e.g. 'iconv -f latin1 -t utf-8 ${file} > tmp.md && mv tmp.md ${file}' (if it was Latin-1).`,
  });
}

function unreadable(file: string, error: unknown): OvernightError {
  return new OvernightError('backlog.unreadable', `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
    file,
    fix: 'Make it readable (check its permissions, or where its symlink points).',
    cause: error,
  });
}

function kindOf(stat: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'a special file';
}

/** 1-based line holding the first byte sequence that is not UTF-8 (lines split on LF). */
function firstBadLine(bytes: Buffer): number {
  let start = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    if (!isUtf8(bytes.subarray(start, stop))) return line;
    if (end === -1) return line;
    start = end + 1;
  }
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 10 ? `${Math.round(mib)} MiB` : `${Number(mib.toFixed(1))} MiB`;
}
