/**
 * `checks-baseline.json` in the session folder (src/session/paths.ts sessionFiles.checksBaseline):
 * read and validated with ratchetFileSchema, written atomically (temp file and rename).
 */
import { readFileSync } from 'node:fs';
import { writeTextAtomic } from '../util/atomic-write.js';
import { OvernightError } from '../util/errors.js';
import { ratchetFileSchema, type RatchetFile } from './types.js';

/**
 * The ratchet file at `path`, or undefined when there is none. Throws OvernightError
 * `session.corrupt` naming the file and the first bad field when it is not valid.
 */
export function readRatchetFile(path: string): RatchetFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new OvernightError('session.corrupt', `${path} is not JSON: ${(error as Error).message}`, { file: path, fix: 'Delete the file; `overnight resume` runs the project checks on the base commit again.' });
  }
  const parsed = ratchetFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new OvernightError('session.corrupt', `${path}: field ${issue.path.join('.') || '(root)'}: ${issue.message}`, { file: path, fix: 'Delete the file; `overnight resume` runs the project checks on the base commit again.' });
  }
  return parsed.data;
}

/** Writes the ratchet file atomically. Throws the file system's error. */
export async function writeRatchetFile(path: string, file: RatchetFile): Promise<void> {
  await writeTextAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
}

/**
 * The ratchet file for a reader that must not fail (the morning report, `overnight status`): the
 * file, or undefined when there is none or it cannot be read.
 */
export function readRatchetOrNone(path: string): RatchetFile | undefined {
  try {
    return readRatchetFile(path);
  } catch {
    return undefined;
  }
}
