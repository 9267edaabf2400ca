/**
 * Turning loop mode on for a session (`overnight start --loop`, `overnight schedule --loop`): the
 * choice, the `--approve` references for loop items of an `approval.ask` type, and the poll
 * settings of overnight.config.yaml (`loop.poll_interval`, `loop.stop_before`) are recorded in
 * state.json `loop`, so a detached or scheduled runner and `overnight resume` go on with them.
 */
import { loadConfig } from '../config/load.js';
import { splitIds } from '../plan/selection.js';
import type { LoopState } from '../session/state.js';
import { appendEvent, updateState } from '../session/store.js';
import { parseDuration } from '../util/duration.js';

/**
 * Records loop mode in the state of session `sessionId` (a later call replaces the approve list
 * and poll settings, and keeps what earlier polls found). `approve`: raw `--approve` values (ids,
 * slugs or `NNN-slug`, comma-separated; they may name items that are not written yet). Writes
 * event `loop_enabled`. Returns the loop state. Throws what loadConfig throws (invalid config).
 * Call only when no runner holds the session (process.ts assertStartable).
 */
export async function turnOnLoop(repoRoot: string, sessionId: string, opts: { approve?: string | string[]; now?: Date } = {}): Promise<LoopState> {
  const config = await loadConfig(repoRoot);
  const approve = splitIds(opts.approve);
  const pollIntervalMs = parseDuration(config.loop.poll_interval) ?? 120_000;
  const stopBeforeMs = parseDuration(config.loop.stop_before) ?? 30 * 60_000;
  const since = (opts.now ?? new Date()).toISOString();
  const state = await updateState(repoRoot, sessionId, (s) => {
    s.loop = { skipped: [], ...s.loop, since: s.loop?.since ?? since, pollIntervalMs, stopBeforeMs, approve };
    delete s.loop.stoppedAt;
    delete s.loop.stopReason;
  });
  appendEvent(repoRoot, sessionId, 'loop_enabled', { approve, pollIntervalMs, stopBeforeMs });
  return state.loop!;
}
