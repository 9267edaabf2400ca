/**
 * Atomic replacement of a session file (state.json): write a temp file in the same folder, fsync
 * it, rename it over the target (rename(2) is atomic within one file system), so a reader sees the
 * old or the new file, never half of one, and a crash cannot leave a torn state.json.
 *
 * write-file-atomic does the same, but inside the esbuild ESM bundle (dist/cli.js) it reads
 * `__filename`, which ES modules do not define, and crashes; so this small version is used.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

/** Writes `text` to `path` atomically (temp file + fsync + rename). Throws the fs error; the temp file is removed. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}
