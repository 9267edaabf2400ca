/** Whether a check run passed: one rule for the ratchet, the report and the dashboard. Pure, no runtime imports. */
import type { CheckRun } from './types.js';

/** Whether a check run passed: exit code 0 within its timeout. */
export function checkPassed(run: Pick<CheckRun, 'exitCode' | 'timedOut'>): boolean {
  return run.exitCode === 0 && !run.timedOut;
}
