/**
 * The few events `overnight status` needs, found in events.jsonl without parsing the whole log.
 *
 * The status view (src/report/status.ts, buildStatus) uses two events per item: its latest event
 * (the activity column when state.json has none) and its latest `agent_activity` event (turns and
 * cost of the running attempt). A long night's log holds tens of thousands of lines; parsing and
 * validating each one made `overnight status` slow (issue 11). Instead the file is read once, as
 * bytes (decoding a long log as UTF-8 cost more than reading it), and searched backwards for each
 * item's `"slug":"<slug>"` bytes: events are appended as compact JSON (session/store.ts
 * appendEventFile, JSON.stringify), so an event about an item contains that text, and only the
 * lines that contain it are decoded, parsed and validated with the shared eventSchema.
 */
import { eventSchema, type SessionEvent } from '../session/state.js';
import { readBytesIfExists } from '../util/read-optional.js';

const NEWLINE = 0x0a;

/** The event on the line around `index` in `text` (undefined: torn, not JSON, not an event), and where that line starts. */
function lineAt(text: Buffer, index: number): { event?: SessionEvent; start: number } {
  const start = text.lastIndexOf(NEWLINE, index) + 1;
  const endAt = text.indexOf(NEWLINE, index);
  const line = text.toString('utf8', start, endAt === -1 ? text.length : endAt);
  try {
    const parsed = eventSchema.safeParse(JSON.parse(line));
    return { event: parsed.success ? parsed.data : undefined, start };
  } catch {
    return { start };
  }
}

/**
 * The latest event whose top-level `slug` is `slug` and that `accept` takes, with its offset in
 * `text`; undefined when there is none. Lines that only mention the slug elsewhere (a nested field)
 * are parsed and passed over.
 */
function latest(text: Buffer, slug: string, accept: (e: SessionEvent) => boolean): { event: SessionEvent; at: number } | undefined {
  const needle = Buffer.from(`"slug":${JSON.stringify(slug)}`);
  let from = text.length;
  while (from > 0) {
    const hit = text.lastIndexOf(needle, from - 1);
    if (hit === -1) return undefined;
    const { event, start } = lineAt(text, hit);
    if (event && event.slug === slug && accept(event)) return { event, at: start };
    from = start - 1;
  }
  return undefined;
}

/**
 * Reads events.jsonl once and returns, in file order, each item's latest event and latest
 * `agent_activity` event: the events buildStatus reads, so its result is the same as with every
 * event (events are appended in time order and attempts are numbered upwards, so the latest
 * agent_activity of an item is the one of its latest attempt that has any).
 * - file: the session's events.jsonl; a missing file is no events.
 * - slugs: the items of the session manifest.
 * Throws only when the file exists but cannot be read (permissions).
 */
export function readStatusEvents(file: string, slugs: readonly string[]): SessionEvent[] {
  const text = readBytesIfExists(file);
  if (text === undefined) return [];
  const found = new Map<number, SessionEvent>();
  for (const slug of slugs) {
    const any = latest(text, slug, () => true);
    if (!any) continue;
    found.set(any.at, any.event);
    const activity = any.event.type === 'agent_activity' ? any : latest(text, slug, (e) => e.type === 'agent_activity');
    if (activity) found.set(activity.at, activity.event);
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e);
}
