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

/** The record for the last resort: the runner process `pid` sleeps until `at` itself. */
export function processWakeUp(pid: number, at: Date, command: WakeUp['command'], tried: string[]): WakeUp {
  return {
    mechanism: 'process',
    at: at.toISOString(),
    command,
    handle: String(pid),
    description: `the sleeping runner process (pid ${pid}), which does not survive a reboot or logout (no scheduler was usable: ${tried.join('; ') || 'none tried'})`,
  };
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
