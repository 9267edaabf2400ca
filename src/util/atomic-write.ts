/**
 * Atomic replacement of a file (state.json, report.json, morning-report.md...): write-file-atomic
 * writes a temp file beside the target, fsyncs it and renames it over the target (rename(2) is
 * atomic within one file system), so a reader sees the old or the new file, never half of one, and
 * a crash cannot leave a torn file. Concurrent writes to one path from one process are queued.
 */
import writeFileAtomicLib from 'write-file-atomic';

/** Writes `text` (UTF-8) to `path` atomically. Throws the underlying fs error; no temp file is left behind. */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  await writeFileAtomicLib(path, text, { encoding: 'utf8', fsync: true });
}
