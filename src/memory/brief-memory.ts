/**
 * The learnings file for a mission brief (issue 9, mechanism 7): read from the commit the item's
 * attempt starts from (the integration branch, which starts from the base branch: so night one's
 * briefs already read the file when the base has it), without the learnings tonight's items
 * already reported (the brief lists those in their own section).
 */
import { MEMORY_OFF, type OvernightConfig } from '../config/schema.js';
import { readCommittedFile } from './git-file.js';
import { learningsForBrief } from './learnings-file.js';

/** Characters of the learnings file a brief carries at most (the newest groups are kept). */
export const MAX_MEMORY_IN_BRIEF = 8_000;

/** The learnings file's part of a brief: its path, and its learnings (absent when there are none). */
export interface BriefMemory {
  file: string;
  text?: string;
}

/**
 * The learnings file of `commit` for a brief: undefined when `memory.file` is `off`; else the
 * file's path and its learnings (learningsForBrief, MAX_MEMORY_IN_BRIEF characters at most) less
 * those in `tonight` (tonight's items' learnings texts); `text` absent when the commit has no file
 * or nothing is left. Never throws: a git failure reads as no file.
 */
export async function memoryForBrief(repoRoot: string, config: Pick<OvernightConfig, 'memory'>, commit: string, tonight: string[]): Promise<BriefMemory | undefined> {
  const file = config.memory.file;
  if (file === MEMORY_OFF) return undefined;
  const text = await readCommittedFile(repoRoot, commit, file).catch(() => undefined);
  const learnings = text ? learningsForBrief(text, tonight, MAX_MEMORY_IN_BRIEF) : '';
  return learnings ? { file, text: learnings } : { file };
}
