/** Reading a file that may not exist yet (an event log before its first event, a lock file). */
import { readFileSync } from 'node:fs';

/**
 * The UTF-8 text of `file`, or undefined when it does not exist (ENOENT). Throws every other
 * error (permissions, a folder in its place), so a file that exists but cannot be read is never
 * taken for an absent one.
 */
export function readTextIfExists(file: string): string | undefined {
  return readBytesIfExists(file)?.toString('utf8');
}

/** The bytes of `file`, or undefined when it does not exist (ENOENT); every other error is thrown. */
export function readBytesIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
