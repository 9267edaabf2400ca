/**
 * `overnight retry [items]`: runs failed items of a session again, as fresh attempts, on the SAME
 * integration branch (issue 12, item 2). A retry is a resume (src/runner/resume.ts) that also
 * sets the chosen failed or blocked items back to pending, in a new run of the session: earlier
 * attempts stay in the item's history (state.json), the retry limits count this run's attempts
 * only, and the first new attempt's brief says why the last one failed.
 *
 * Why a command of its own rather than `resume` doing it: `resume` continues an interrupted night
 * where it stopped and never re-runs what the night settled; re-running failed work is a decision
 * a person makes after reading the report, item by item, so it is asked for by name.
 */
import { formatId, itemRef } from '../backlog/filename.js';
import type { ManifestItem, SessionManifest, SessionState } from '../session/state.js';
import { OvernightError } from '../util/errors.js';
import { closestMatch } from '../util/suggest.js';
import { retrySelection } from './transitions.js';

/** The manifest item a user's reference names: an id (`3`, `003`), a slug, or `NNN-slug`. */
function findItem(items: readonly ManifestItem[], reference: string): ManifestItem | undefined {
  const ref = reference.trim();
  if (/^\d+$/.test(ref)) return items.find((i) => i.id === Number(ref));
  return items.find((i) => i.slug === ref || itemRef(i) === ref);
}

/**
 * The slugs `overnight retry` runs again for `references` (ids, slugs or `NNN-slug`; empty: every
 * failed or blocked item), plus the dependency-blocked items that come with them (retrySelection).
 * Throws OvernightError: `retry.unknown-item` (exit 2; the closest item is suggested),
 * `retry.not-failed` (a named item shipped or is still to run, with what to do instead),
 * `retry.nothing` (no failed or blocked item in the session). Pure.
 */
export function chooseRetryItems(manifest: SessionManifest, state: SessionState, references: readonly string[]): string[] {
  const slugs: string[] = [];
  for (const reference of references) {
    const item = findItem(manifest.items, reference);
    if (!item) {
      const suggestion = closestMatch(reference, manifest.items.flatMap((i) => [i.slug, itemRef(i)]));
      throw new OvernightError('retry.unknown-item', `session ${manifest.id} has no item '${reference}'`, {
        field: 'items',
        fix: `${suggestion ? `Did you mean '${suggestion}'? ` : ''}Name items of the session by id or slug: ${manifest.items.map((i) => itemRef(i)).join(', ')}.`,
        exitCode: 2,
      });
    }
    slugs.push(item.slug);
  }
  const picked = retrySelection(state, manifest.items, slugs);
  if ('error' in picked) {
    const item = manifest.items.find((i) => i.slug === picked.error.slug)!;
    const status = picked.error.status;
    throw new OvernightError('retry.not-failed', `${formatId(item.id)}-${item.slug} is ${status}, not failed or blocked: there is nothing to retry`, {
      field: 'items',
      fix:
        status === 'merged'
          ? `It shipped on ${manifest.integrationBranch}; review the pull request.`
          : `Run what is left of the night with \`overnight resume --session ${manifest.id}\`.`,
    });
  }
  if (picked.slugs.length === 0) {
    throw new OvernightError('retry.nothing', `session ${manifest.id} has no failed or blocked item to retry`, {
      fix: `Read the morning report (\`overnight report --session ${manifest.id}\`); \`overnight resume --session ${manifest.id}\` runs interrupted or deferred items.`,
    });
  }
  return picked.slugs;
}

/**
 * Checks that a retry may start on the session as it is now: its night ran (not launched or
 * scheduled, which `start` runs) and was not abandoned. Throws OvernightError `retry.not-run`
 * or `retry.abandoned`. Pure. (The live-runner check is the caller's: process.ts.)
 */
export function assertRetryPhase(state: SessionState): void {
  if (state.phase === 'launched' || state.phase === 'scheduled') {
    throw new OvernightError('retry.not-run', `Session ${state.sessionId} has not run yet (phase ${state.phase}); there is nothing to retry.`, {
      fix: `Start it with \`overnight start --session ${state.sessionId}\`.`,
    });
  }
  if (state.phase === 'abandoned') {
    throw new OvernightError('retry.abandoned', `Session ${state.sessionId} was abandoned; it cannot be retried.`, {
      fix: 'Plan a new night with `overnight prepare` and `overnight launch` (its branches are still there).',
    });
  }
}
