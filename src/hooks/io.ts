/**
 * Process I/O of a hook: stdin in, stdout out, exit. Kept apart so the rest is pure.
 *
 * Start-up cost matters here (one process per tool call), so both ends use the file descriptors
 * directly where they safely can: process.stdin and process.stdout are stream objects whose
 * creation loads Node's stream, net and tty internals (docs/safety-policy.md, "Hooks and their
 * cost").
 */
import { read, writeSync } from 'node:fs';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the hook input (one JSON object) from stdin as UTF-8.
 *
 * Fast path: one `fs.read` of fd 0. Claude Code writes the whole input at once, so the first chunk
 * is normally the complete JSON and no other read is issued. Creating process.stdin would load
 * Node's stream and net modules, ~3 ms of every call (docs/safety-policy.md, "Hooks and their
 * cost").
 *
 * When the first chunk is not complete JSON, the rest is read through process.stdin: a libuv
 * stream reads without blocking a thread, so the gate's deadline can still end the process. (A
 * second `fs.read` would block a thread-pool thread until more input came, and process.exit waits
 * for that thread: a hook whose input stalls could never answer.) The one case the fast path cannot
 * bound is a stdin that sends nothing at all and never closes; Claude Code's own hook timeout then
 * ends the hook, and the `--settings` deny rules still apply.
 *
 * Resolves with the text ('' at once on an empty stdin); rejects on a read error.
 */
export function readStdin(fd = 0, stream: () => NodeJS.ReadStream = () => process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    const rest = (chunks: Buffer[]): void => {
      const s = stream();
      s.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
      s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      s.on('error', reject);
    };
    const buffer = Buffer.allocUnsafe(1 << 16);
    read(fd, buffer, 0, buffer.length, null, (error, bytesRead) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') rest([]);
        else if (code === 'EOF') resolve('');
        else reject(error);
        return;
      }
      if (bytesRead === 0) {
        resolve('');
        return;
      }
      const first = Buffer.from(buffer.subarray(0, bytesRead));
      const text = first.toString('utf8');
      if (parses(text)) resolve(text);
      else rest([first]);
    });
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
