/**
 * Process I/O of a hook: stdin in, stdout out, exit. Kept apart so the rest is pure.
 *
 * Start-up cost matters here (one process per tool call), so the answer is written to fd 1
 * directly instead of through process.stdout (whose stream object loads Node's net and tty
 * internals); stdin needs a stream (see readStdin). docs/safety-policy.md, "Hooks and their cost".
 */
import { writeSync } from 'node:fs';

/**
 * Reads all of stdin as UTF-8 through process.stdin. Claude Code hands hooks a socket as stdin; a
 * libuv stream handle reads it without blocking a thread, so the deadline can still end the process
 * (an fs.read on fd 0 would block a thread-pool thread, and process.exit waits for that thread to
 * finish: a hook whose input never ends could then never answer). Resolves at end of input;
 * rejects on a read error.
 */
export function readStdin(stream: NodeJS.ReadStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

/** Writes all of `text` to fd 1, retrying while a non-blocking pipe is full. */
function writeAll(text: string): void {
  let data = Buffer.from(text, 'utf8');
  for (let tries = 0; data.length > 0 && tries < 10000; ) {
    try {
      const written = writeSync(1, data);
      data = data.subarray(written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      tries++;
    }
  }
}

let finished = false;

/**
 * Writes `text` (possibly empty) to stdout and exits with code 0.
 * Only the first call has an effect, so a late deadline cannot print a second answer.
 */
export function finish(text: string): void {
  if (finished) return;
  finished = true;
  try {
    if (text !== '') writeAll(text);
  } finally {
    process.exit(0);
  }
}
