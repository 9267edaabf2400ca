/**
 * When does a rate or usage limit reset? Parsed from the error text the CLI or API gives, e.g.
 * "Claude usage limit reached. Your limit will reset at 3am (UTC).", "resets 5:30pm
 * (Europe/Berlin)", "try again in 5 minutes", "retry after 30s",
 * "Claude AI usage limit reached|1747022400" (older CLIs: epoch seconds after a bar),
 * or an ISO time. Pure; `now` is passed in.
 */

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function unitMs(unit: string): number | undefined {
  const u = unit.toLowerCase();
  if (/^(s|secs?|seconds?)$/.test(u)) return UNIT_MS.s;
  if (/^(m|mins?|minutes?)$/.test(u)) return UNIT_MS.m;
  if (/^(h|hrs?|hours?)$/.test(u)) return UNIT_MS.h;
  if (/^(d|days?)$/.test(u)) return UNIT_MS.d;
  return undefined;
}

/** Offset of `tz` from UTC at `instant` (ms since epoch), in ms. Throws RangeError for an unknown zone. */
function tzOffsetMs(instant: number, tz: string): number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** Calendar date of `instant` in `tz` ('local' = this machine's zone). */
function dateIn(instant: number, tz: string): { y: number; m: number; d: number } {
  if (tz === 'local') {
    const d = new Date(instant);
    return { y: d.getFullYear(), m: d.getMonth(), d: d.getDate() };
  }
  const shifted = new Date(instant + tzOffsetMs(instant, tz));
  return { y: shifted.getUTCFullYear(), m: shifted.getUTCMonth(), d: shifted.getUTCDate() };
}

/** The instant the wall-clock time y-m-d h:mi has in `tz` ('local' = this machine's zone). */
function wallToInstant(y: number, m: number, d: number, h: number, mi: number, tz: string): number {
  if (tz === 'local') return new Date(y, m, d, h, mi).getTime();
  const wall = Date.UTC(y, m, d, h, mi);
  const first = wall - tzOffsetMs(wall, tz);
  return wall - tzOffsetMs(first, tz);
}

/** Normalises a zone written in parentheses: UTC/GMT/Z -> 'UTC', an IANA name as is, else 'local'. */
function zoneOf(written: string | undefined): string {
  if (!written) return 'local';
  const z = written.trim();
  if (/^(utc|gmt|z)$/i.test(z)) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: z });
    return z;
  } catch {
    return 'local';
  }
}

/**
 * The ISO time a limit resets, from an error text, or undefined when the text gives none.
 * Clock times without a date mean their next occurrence after `now`, in the zone named in
 * parentheses (UTC, GMT or an IANA name), else in this machine's zone. Relative times add to `now`.
 */
export function parseRetryAt(text: string | undefined, now: Date = new Date()): string | undefined {
  if (!text) return undefined;
  const t = now.getTime();

  // Older CLIs: "Claude AI usage limit reached|1747022400" (epoch seconds or ms).
  const epoch = /limit reached\|(\d{10,13})\b/i.exec(text);
  if (epoch) {
    const n = Number(epoch[1]);
    return new Date(epoch[1]!.length > 10 ? n : n * 1000).toISOString();
  }

  // An ISO time near a reset/retry word.
  const iso = /(?:reset|retry|until|after|available)[^.\n]{0,40}?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?)/i.exec(text);
  if (iso) {
    const parsed = Date.parse(iso[1]!.replace(' ', 'T').replace(/\s*UTC$/i, 'Z'));
    if (!Number.isNaN(parsed)) return new Date(parsed).toISOString();
  }

  // Relative: "try again in 5 minutes", "retry after 30s", "resets in 2 hours 15 minutes".
  const rel = /(?:try again|retry|resets?|available(?: again)?|wait)\s+(?:again\s+)?(?:in|after|for)\s+((?:\d+(?:\.\d+)?\s*[a-z]+(?:,?\s*(?:and\s+)?)?)+)/i.exec(text);
  if (rel) {
    let total = 0;
    let ok = false;
    for (const part of rel[1]!.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/gi)) {
      const ms = unitMs(part[2]!);
      if (ms === undefined) break;
      total += Number(part[1]) * ms;
      ok = true;
    }
    if (ok && total > 0) return new Date(t + total).toISOString();
  }

  // Clock time: "reset at 3am (UTC)", "resets 5:30pm (Europe/Berlin)", "reset at 15:00".
  const clock = /resets?\s+(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?:\s*\(([^)]+)\)|\s+(UTC|GMT))?/i.exec(text);
  if (clock && (clock[2] !== undefined || clock[3] !== undefined)) {
    let h = Number(clock[1]);
    const mi = clock[2] !== undefined ? Number(clock[2]) : 0;
    const ampm = clock[3]?.toLowerCase().replace(/\./g, '');
    if (ampm) {
      if (h < 1 || h > 12) return undefined;
      if (ampm === 'am' && h === 12) h = 0;
      if (ampm === 'pm' && h !== 12) h += 12;
    }
    if (h > 23 || mi > 59) return undefined;
    const tz = zoneOf(clock[4] ?? clock[5]);
    const today = dateIn(t, tz);
    let at = wallToInstant(today.y, today.m, today.d, h, mi, tz);
    if (at <= t) {
      const next = new Date(Date.UTC(today.y, today.m, today.d + 1)); // the next calendar day
      at = wallToInstant(next.getUTCFullYear(), next.getUTCMonth(), next.getUTCDate(), h, mi, tz);
    }
    return new Date(at).toISOString();
  }
  return undefined;
}

/**
 * Claude Code's own backoff between API retries, at most, for retry number `attempt` (1-based), ms:
 * 500 ms doubled per retry with up to 25 % jitter. Measured with Claude Code 2.1.330 and the stand-in
 * answering 429 without a header: retry_delay_ms 547 then 1101 (docs/architecture.md).
 */
export function cliBackoffCeilingMs(attempt: number): number {
  return 500 * 2 ** Math.max(0, attempt - 1) * 1.25;
}

/**
 * The time a 429's `retry-after` header asks to wait until, as Claude Code passes it on: the CLI
 * does not print response headers, but it waits `retry-after` (plus jitter) before its own retry and
 * reports that wait as `retry_delay_ms` in its `system/api_retry` line (measured with 2.1.330:
 * `retry-after: 7` gave 8578 and 7170 ms, no header 547 and 1101 ms). A delay above the CLI's own
 * backoff ceiling (cliBackoffCeilingMs) therefore came from the header. Returns the ISO time
 * `now + delay`, or undefined when the last retry was not a 429 or its delay is the CLI's backoff.
 */
export function retryAfterFromApiRetry(retry: { status?: number; attempt?: number; retryDelayMs?: number } | undefined, now: Date = new Date()): string | undefined {
  if (!retry || retry.status !== 429 || typeof retry.retryDelayMs !== 'number') return undefined;
  if (retry.retryDelayMs <= cliBackoffCeilingMs(retry.attempt ?? 1)) return undefined;
  return new Date(now.getTime() + retry.retryDelayMs).toISOString();
}
