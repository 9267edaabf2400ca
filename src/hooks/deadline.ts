/**
 * Deadlines inside a hook. Claude Code lets a call through when a hook times out (hooks
 * reference: a timed-out hook is a non-blocking error), so every gate must decide - and deny when
 * in doubt - well before the `timeout` in hooks/hooks.json (60 s: far above the gate's own
 * deadline, so a slow start of node on a loaded machine meets that deadline, a deny, rather than
 * Claude Code's timeout, which would let the call through; with 10 s, a heavily loaded test
 * machine reached it).
 *
 * Two mechanisms: a timer for the asynchronous part (reading stdin), and `vm` script timeouts for
 * the synchronous policy: `vm.runInThisContext(code, { timeout })` has V8 terminate the running
 * JavaScript after `timeout` ms even inside a tight loop or a backtracking regular expression
 * (Node.js docs, vm, "timeout"), which a timer on the same thread cannot do.
 */
import vm from 'node:vm';

/** Total time a PreToolUse gate may take from process start to its answer, in ms. */
export const GATE_DEADLINE_MS = 3000;
/** hooks/hooks.json `timeout` for the gates, in seconds (kept here so tests can check they agree). */
export const HOOK_TIMEOUT_SECONDS = 60;

/** Thrown by runWithin when the work ran past its time. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

const SLOT = '__overnightHookWork';
let script: vm.Script | undefined;

/**
 * Runs `work` synchronously and returns its result, or throws DeadlineError if it runs longer
 * than `ms` milliseconds (at least 1). Exceptions thrown by `work` propagate unchanged.
 */
export function runWithin<T>(work: () => T, ms: number): T {
  const slots = globalThis as unknown as Record<string, unknown>;
  slots[SLOT] = work;
  script ??= new vm.Script(`globalThis.${SLOT}()`, { filename: 'overnight-hook-deadline' });
  try {
    return script.runInThisContext({ timeout: Math.max(1, Math.floor(ms)) }) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new DeadlineError(`the policy took longer than ${Math.floor(ms)} ms`);
    }
    throw error;
  } finally {
    delete slots[SLOT];
  }
}

/**
 * Starts a timer that calls `onExpire` after `ms` milliseconds unless the returned function is
 * called first. The timer is unref'd: it never keeps a finished hook process alive.
 */
export function startDeadline(ms: number, onExpire: () => void): () => void {
  const timer = setTimeout(onExpire, Math.max(0, ms));
  timer.unref();
  return () => clearTimeout(timer);
}
