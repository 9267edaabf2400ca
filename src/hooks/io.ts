/** Process I/O of a hook: stdin in, stdout out, exit. Kept apart so the rest is pure. */

/**
 * Reads all of stdin as UTF-8. Resolves with '' when stdin is a TTY or closed at once.
 * Rejects when stdin errors.
 */
export function readStdin(stream: NodeJS.ReadStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    if (stream.isTTY) {
      resolve('');
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

let finished = false;

/**
 * Writes `text` (possibly empty) to stdout and exits with code 0 once it is flushed.
 * Only the first call has an effect, so a late deadline cannot print a second answer.
 */
export function finish(text: string): void {
  if (finished) return;
  finished = true;
  if (text === '') {
    process.exit(0);
  }
  process.stdout.write(text, () => process.exit(0));
}
