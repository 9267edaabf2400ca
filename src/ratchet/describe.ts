/**
 * The test ratchet's baseline in words, for the runner's log, the morning report and `overnight
 * status`. Pure, and light to import (types only): `overnight status` loads it.
 */
import { checkPassed } from './passed.js';
import type { RatchetFile } from './types.js';

/** One line per check of a baseline: "`cmd`: passed" / "failed (exit code 1; 2 failing tests: a, b)". Pure. */
export function baselineLines(file: Pick<RatchetFile, 'baseline'>, most = 10): string[] {
  return file.baseline.map((r) => {
    if (checkPassed(r)) return `\`${r.command}\`: passed`;
    const how = r.timedOut ? 'timed out' : `exit code ${r.exitCode ?? 'none'}`;
    if (r.format === 'exit') return `\`${r.command}\`: failed (${how}; compared by exit code${r.note ? `: ${r.note}` : ''})`;
    const names = r.failing.slice(0, most).join(', ');
    const more = r.failing.length > most ? ` and ${r.failing.length - most} more` : '';
    return `\`${r.command}\`: failed (${how}; ${r.failing.length} failing ${r.format === 'tap' ? 'TAP' : 'JUnit'} test(s): ${names}${more})`;
  });
}
