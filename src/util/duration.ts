/**
 * Durations as users write them. Session time limits follow DESIGN.md: `\d+(\.\d+)?h` or `NNm`
 * (e.g. `6h`, `1.5h`, `90m`). Config durations also accept seconds (`30s`) for watchdogs.
 */

const TIME_LIMIT = /^(\d+(?:\.\d+)?)h$|^(\d+)m$/;
const DURATION = /^(\d+(?:\.\d+)?)(h|m|s)$/;

/**
 * Parses a session time limit (`6h`, `1.5h`, `90m`) into milliseconds.
 * Returns `undefined` when the text is not in that form; callers turn that into a user-facing error.
 */
export function parseTimeLimit(text: string): number | undefined {
  const m = TIME_LIMIT.exec(text.trim());
  if (!m) return undefined;
  const ms = m[1] !== undefined ? Number(m[1]) * 3_600_000 : Number(m[2]) * 60_000;
  return ms > 0 ? Math.round(ms) : undefined;
}

/** Parses `45m`, `2h`, `30s`, `1.5h` into milliseconds; `undefined` when malformed or zero. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : 1000;
  const ms = Math.round(Number(m[1]) * unit);
  return ms > 0 ? ms : undefined;
}

/** Whole hours, minutes and seconds of `ms` milliseconds (rounded to the second; negatives count as 0). */
function splitDuration(ms: number): { h: number; m: number; s: number } {
  const total = Math.max(0, Math.round(ms / 1000));
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

/** Formats milliseconds for people: `2h 05m`, `7m 30s`, `12s`. */
export function formatDuration(ms: number): string {
  const { h, m, s } = splitDuration(ms);
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Formats milliseconds the way time limits are written, for session plans: `6h`, `1h 30m`, `45m`, `30s` (zero parts left out; `0m` for nothing). */
export function shortDuration(ms: number): string {
  const { h, m, s } = splitDuration(ms);
  const parts = [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 ? `${s}s` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '0m';
}
