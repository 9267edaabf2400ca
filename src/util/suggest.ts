/** "Did you mean ...?" suggestions for misspelt keys and values (Levenshtein distance, fastest-levenshtein). */
import { distance } from 'fastest-levenshtein';

/** Lower-cases and drops `-`, `_` and spaces, so `blockedBy`, `blocked-by` and `blocked_by` compare equal. */
function normalize(text: string): string {
  return text.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * Returns the candidate closest to `word` when it is close enough to be a plausible typo, else undefined.
 * Close enough: the same after normalizing case and separators, or an edit distance of at most
 * max(2, a third of the word's length). Ties go to the earlier candidate.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const target = normalize(word);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const d = normalize(candidate) === target ? 0 : distance(target, normalize(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(target.length / 3));
  return bestDistance <= limit ? best : undefined;
}
