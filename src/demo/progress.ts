/** One line of progress per interesting runner event (events.jsonl), for `overnight demo`. Pure. */
import type { SessionEvent } from '../session/state.js';

function s(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined ? '' : String(v);
}

/**
 * Describes an event for people, or returns undefined for events not worth a line (activity,
 * bookkeeping). Event types are the runner's (src/runner/night.ts, item.ts, merge-queue.ts).
 */
export function describeEvent(e: SessionEvent): string | undefined {
  const item = e.slug ? `${e.slug}: ` : '';
  switch (e.type) {
    case 'session_started':
      return `session started (runner pid ${s(e.pid)})`;
    case 'item_started':
    case 'attempt_started':
      return `${item}agent started (attempt ${s(e.attempt)})`;
    case 'agent_finished':
      return `${item}agent finished: ${s(e.completion)}${e.killedBy ? `, killed (${s(e.killedBy)})` : ''}, ${s(e.turns)} turns`;
    case 'verify_finished':
      return `${item}success condition ${e.passed ? 'passed' : `FAILED (${s(e.command)})`}`;
    case 'merged':
      return `${item}merged into the integration branch (${s(e.mergeCommit).slice(0, 8)})`;
    case 'merge_failed':
    case 'merge_undone':
      return `${item}not merged: ${s(e.reason)}`;
    case 'merge_conflict': {
      const withItems = Array.isArray(e.with) && e.with.length > 0 ? ` with ${e.with.map(s).join(', ')}` : '';
      const files = Array.isArray(e.files) ? e.files.map(s).join(', ') : '';
      return `${item}merge conflict${withItems} in ${files}: ${e.next === 'rerun' ? 're-run from the integration branch as it is now' : 'no conflict re-run left'}`;
    }
    case 'attempt_failed':
      return `${item}attempt ${s(e.attempt)} failed (${s(e.kind)}): ${s(e.reason)}`;
    case 'item_failed':
      return `${item}FAILED (${s(e.kind)}): ${s(e.reason)}`;
    case 'item_blocked':
      return `${item}blocked (${s(e.by)}): ${s(e.reason)}`;
    case 'item_deferred':
      return `${item}deferred: ${s(e.reason)}`;
    case 'item_interrupted':
      return `${item}interrupted: ${s(e.reason)}`;
    case 'session_paused':
      return `session paused until ${s(e.until)}: ${s(e.reason)}`;
    case 'session_end':
      return `session ended: ${s(e.phase)}${e.stopReason ? ` (${s(e.stopReason)})` : ''}`;
    default:
      return undefined;
  }
}
