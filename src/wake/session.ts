/**
 * A session's wake-up, kept in state.json (`wakeUp`): installed for a scheduled start (`overnight
 * schedule`) and for the end of a usage-limit pause (the runner), removed when the runner is awake
 * or the session is abandoned. See install.ts for the schedulers.
 */
import { sessionFiles } from '../session/paths.js';
import type { WakeUp } from '../session/state.js';
import { appendEvent, readState, updateState } from '../session/store.js';
import { cliEntry } from '../runner/process.js';
import { installWakeUp, removeWakeUp } from './install.js';

/** The handle of a `process` wake-up whose runner is being started (it claims the record itself). */
export const PENDING_RUNNER = 'pending';

/**
 * The record for the last resort: the runner process `pid` sleeps until `at` itself. `pid`
 * undefined: the runner is about to be started and claims the record when it starts
 * (claimProcessWakeUp), so that only the runner writes the session while it runs.
 */
export function processWakeUp(pid: number | undefined, at: Date, command: WakeUp['command'], tried: string[]): WakeUp {
  const who = pid === undefined ? 'the sleeping runner process' : `the sleeping runner process (pid ${pid})`;
  return {
    mechanism: 'process',
    at: at.toISOString(),
    command,
    handle: pid === undefined ? PENDING_RUNNER : String(pid),
    description: `${who}, which does not survive a reboot or logout (no scheduler was usable: ${tried.join('; ') || 'none tried'})`,
  };
}

/** Whether `wake` is the sleeping runner `pid` itself (its own record, or one pending for it). */
export function isOwnProcessWakeUp(wake: WakeUp | undefined, pid: number): boolean {
  return wake?.mechanism === 'process' && (wake.handle === String(pid) || wake.handle === PENDING_RUNNER);
}

/** `wake` with a pending runner's handle filled in by the runner `pid`; any other record as it is. */
export function claimProcessWakeUp(wake: WakeUp, pid: number): WakeUp {
  if (wake.mechanism !== 'process' || wake.handle !== PENDING_RUNNER) return wake;
  return { ...wake, handle: String(pid), description: wake.description.replace('the sleeping runner process', `the sleeping runner process (pid ${pid})`) };
}

/**
 * Hands the session's wake-up at `at` to the operating system (installWakeUp) and records it in
 * state.json with event `wake_up_installed`. Resolves to the record, or to the list of schedulers
 * tried when none worked (nothing is recorded then: the caller keeps a process sleeping and
 * records processWakeUp). Never throws for a scheduler's failure.
 */
export async function installSessionWakeUp(repoRoot: string, sessionId: string, at: Date, command: WakeUp['command'], env: NodeJS.ProcessEnv = process.env): Promise<{ ok: true; wakeUp: WakeUp } | { ok: false; tried: string[] }> {
  const result = await installWakeUp({ repoRoot, sessionId, at, command, cliEntry: cliEntry(), logFile: sessionFiles(repoRoot, sessionId).runnerLog, env });
  if (!result.ok) return result;
  await updateState(repoRoot, sessionId, (s) => {
    s.wakeUp = result.wakeUp;
  });
  appendEvent(repoRoot, sessionId, 'wake_up_installed', { ...result.wakeUp });
  return result;
}

/**
 * Removes the session's recorded wake-up from its scheduler (a `process` one is only forgotten)
 * and from state.json; event `wake_up_removed` (with the scheduler's error, if it refused).
 * Resolves to what was removed, or undefined when nothing was recorded. Never throws for the scheduler.
 */
export async function clearSessionWakeUp(repoRoot: string, sessionId: string, why: string, env: NodeJS.ProcessEnv = process.env): Promise<WakeUp | undefined> {
  const wake = readState(repoRoot, sessionId).wakeUp;
  if (!wake) return undefined;
  const error = await removeWakeUp(wake, env);
  await updateState(repoRoot, sessionId, (s) => {
    delete s.wakeUp;
  });
  appendEvent(repoRoot, sessionId, 'wake_up_removed', { mechanism: wake.mechanism, handle: wake.handle, why, ...(error ? { error } : {}) });
  return wake;
}

/**
 * Waits until the runner `pid` has claimed the session's pending `process` wake-up (claimProcessWakeUp),
 * polling state.json every 100 ms for at most `waitMs` (default 10 000 ms). Out: whether it did.
 * Never throws for an unreadable state (it keeps waiting).
 */
export async function waitForClaim(repoRoot: string, sessionId: string, pid: number, waitMs = 10_000): Promise<boolean> {
  const end = Date.now() + waitMs;
  for (;;) {
    try {
      if (readState(repoRoot, sessionId).wakeUp?.handle === String(pid)) return true;
    } catch {
      // being written: read again
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
