/**
 * Following a session's events.jsonl as the runner appends to it, read-only: each call to `read`
 * returns the whole lines added since the last call (a torn last line waits for its newline).
 * Offsets are bytes, so a client that reconnects with `Last-Event-ID: <offset>` misses nothing.
 */
import { open, stat } from 'node:fs/promises';
import { parseEvents } from '../session/store.js';
import type { SessionEvent } from '../session/state.js';

export interface TailedEvent {
  /** Byte offset just after this event's line: the SSE id a reconnecting client sends back. */
  offset: number;
  event: SessionEvent;
}

/** Size of `file` in bytes, 0 when it does not exist (yet). */
export async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * Reads the complete lines of `file` between byte `offset` and its end. Returns the parsed events
 * (invalid lines skipped, as parseEvents does) and the offset to read from next (just after the last
 * newline). A file that shrank (replaced) is read again from 0. Throws only on unexpected I/O errors.
 */
export async function readNewEvents(file: string, offset: number): Promise<{ events: TailedEvent[]; next: number }> {
  const size = await fileSize(file);
  if (size < offset) offset = 0;
  if (size === offset) return { events: [], next: offset };
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
    const chunk = buf.subarray(0, bytesRead);
    const lastNewline = chunk.lastIndexOf(0x0a);
    if (lastNewline < 0) return { events: [], next: offset };
    const events: TailedEvent[] = [];
    let start = 0;
    while (start <= lastNewline) {
      const end = chunk.indexOf(0x0a, start);
      const line = chunk.subarray(start, end).toString('utf8');
      for (const event of parseEvents(line)) events.push({ offset: offset + end + 1, event });
      start = end + 1;
    }
    return { events, next: offset + lastNewline + 1 };
  } finally {
    await handle.close();
  }
}
