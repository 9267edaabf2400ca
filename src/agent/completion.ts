/**
 * Reading the agent's final message: the completion signal the mission brief asks for
 * (`TASK_COMPLETE` on its own line, or `TASK_BLOCKED: <reason>`) and its "Learnings" section.
 * Pure functions over text.
 */
import type { Completion } from './types.js';

/** Strips markdown emphasis and code marks around a line: `**TASK_COMPLETE**` -> `TASK_COMPLETE`. */
function bare(line: string): string {
  return line.trim().replace(/^[>*_`\s-]+/, '').replace(/[*_`\s]+$/, '');
}

/**
 * The completion signal in `text`: the LAST line that is `TASK_COMPLETE` or starts with
 * `TASK_BLOCKED` (markdown emphasis, backticks and a leading `>`/`-` are tolerated). A mention in
 * the middle of a sentence ("I will print TASK_COMPLETE when done") is not a signal.
 * `TASK_BLOCKED` without a reason gets the reason "no reason given".
 * Returns `{ kind: 'none' }` when there is no signal line.
 */
export function extractCompletion(text: string | undefined): Completion {
  if (!text) return { kind: 'none' };
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = bare(lines[i]!);
    if (/^TASK_COMPLETE\.?$/.test(line)) return { kind: 'complete' };
    const blocked = /^TASK_BLOCKED\b[*_`]*\s*[:\-–—]?\s*(.*)$/.exec(line);
    if (blocked) {
      const reason = blocked[1]!.replace(/[*_`]+$/, '').trim();
      return { kind: 'blocked', reason: reason || 'no reason given' };
    }
  }
  return { kind: 'none' };
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const LEARNINGS_HEADING = /^(?:\*\*|__)?learnings(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?$/i;
const LEARNINGS_LABEL = /^(?:\*\*|__)?learnings(?:\s*:(?:\*\*|__)?|(?:\*\*|__)\s*:?)\s*(.*)$/i;

/** Maximum characters of a learnings section kept (later briefs carry every item's learnings). */
export const MAX_LEARNINGS_CHARS = 1500;

/**
 * The agent's learnings section from its final message, without the heading: either a markdown
 * heading `## Learnings` (any level) up to the next heading of the same or a higher level, or a
 * `Learnings:` / `**Learnings:**` label line and the lines after it up to a blank line that is
 * followed by a non-list line, a heading, or the completion signal. The completion signal line is
 * never part of it. Trimmed and cut to MAX_LEARNINGS_CHARS. Returns undefined when there is none
 * or it is empty.
 */
export function extractLearnings(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const lines = text.split(/\r?\n/);
  const isSignal = (l: string) => /^(TASK_COMPLETE|TASK_BLOCKED)\b/.test(bare(l));
  let out: string[] | undefined;
  // The last learnings section wins (a final message may quote the brief's instructions earlier).
  for (let i = lines.length - 1; i >= 0 && !out; i--) {
    const line = lines[i]!.trim();
    const heading = HEADING.exec(line);
    if (heading && LEARNINGS_HEADING.test(heading[2]!)) {
      const level = heading[1]!.length;
      const body: string[] = [];
      for (let j = i + 1; j < lines.length; j++) {
        const h = HEADING.exec(lines[j]!.trim());
        if (h && h[1]!.length <= level) break;
        if (isSignal(lines[j]!)) break;
        body.push(lines[j]!);
      }
      out = body;
      break;
    }
    const label = !heading ? LEARNINGS_LABEL.exec(line) : null;
    if (label) {
      const body: string[] = label[1] ? [label[1]] : [];
      for (let j = i + 1; j < lines.length; j++) {
        const l = lines[j]!;
        if (isSignal(l) || HEADING.test(l.trim())) break;
        if (l.trim() === '') {
          const next = lines.slice(j + 1).find((x) => x.trim() !== '');
          if (next === undefined || !/^\s*([-*+]|\d+[.)])\s/.test(next)) break;
        }
        body.push(l);
      }
      out = body;
    }
  }
  if (!out) return undefined;
  let result = out.join('\n').trim();
  if (!result) return undefined;
  if (result.length > MAX_LEARNINGS_CHARS) result = `${result.slice(0, MAX_LEARNINGS_CHARS - 1).trimEnd()}…`;
  return result;
}
