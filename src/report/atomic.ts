/**
 * Atomic file replacement for the report files: write a temp file in the same folder, then rename
 * it over the target (rename(2) is atomic within one file system), so a reader sees the old or the
 * new file, never half of one.
 *
 * (write-file-atomic is not used here: inside the esbuild ESM bundle it reads `__filename`, which
 * ES modules do not define.)
 */
import { rename, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

/** Writes `text` to `path` atomically. Throws the underlying fs error (the temp file is removed). */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}
