/**
 * The items of a session: those of the approved plan (session.json, never rewritten) followed by
 * those loop mode added (state.json `added`). Everything that walks a session's items (the
 * runner, status, the morning report, resume, retry) reads them through sessionView. Pure.
 */
import type { ManifestItem, SessionManifest, SessionState } from './state.js';
import { readManifest, readState } from './store.js';

/**
 * Returns `manifest` with `items` extended by the items of `state.added` (in the order they were
 * added; a slug already in the manifest is never added twice). The manifest object itself is not
 * changed; when nothing was added it is returned as is.
 */
export function sessionView(manifest: SessionManifest, state: Pick<SessionState, 'added'>): SessionManifest {
  const added = state.added ?? [];
  if (added.length === 0) return manifest;
  const known = new Set(manifest.items.map((i) => i.slug));
  const extra: ManifestItem[] = [];
  for (const a of added) {
    if (known.has(a.item.slug)) continue;
    known.add(a.item.slug);
    extra.push(a.item);
  }
  return { ...manifest, items: [...manifest.items, ...extra] };
}

/** Slugs of the items loop mode added (state.json `added`). */
export function addedSlugs(state: Pick<SessionState, 'added'>): Set<string> {
  return new Set((state.added ?? []).map((a) => a.slug));
}

/**
 * Reads session.json and state.json of a session and returns sessionView of them: the manifest
 * with loop mode's added items. Throws what readManifest/readState throw (OvernightError naming the file).
 */
export function readSessionView(repoRoot: string, sessionId: string): SessionManifest {
  return sessionView(readManifest(repoRoot, sessionId), readState(repoRoot, sessionId));
}
