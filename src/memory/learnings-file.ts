/**
 * The learnings file (issue 9, mechanism 7 "Memory across nights"; seed 003: a persistent memory
 * file the agent's learnings go to as tasks complete): a committed markdown file, default
 * `docs/overnight-learnings.md`, that every night's mission briefs include and that the end of a
 * night appends its items' `## Learnings` to, deduplicated, within a size bound (oldest entries
 * dropped first). This module is the pure part: parse, merge, bound, render. No I/O.
 *
 * The format, oldest first:
 *
 * ```markdown
 * # Overnight learnings
 *
 * (a preamble, kept as written)
 *
 * ## 2026-12-02 · 001-greeting · Add a greeting helper
 * - Tests use node:test and run with `node --test test/`.
 * - A second learning,
 *   continued on an indented line.
 * ```
 *
 * Everything before the first `## ` heading is the preamble, kept byte for byte. Each `## ` heading
 * opens a group (a night's item, or whatever heading a person wrote), kept as written; under it,
 * each bullet (`-`, `*`, `+`, `1.`) or plain paragraph is one entry (one learning).
 */

/** One learning: its text (without the bullet marker; continuation lines joined with `\n`). */
export interface LearningEntry {
  text: string;
}

/** A `## ` heading and the learnings under it, in file order. */
export interface LearningGroup {
  /** The heading's text after `## `, e.g. `2026-12-02 · 001-greeting · Add a greeting helper`. */
  heading: string;
  entries: LearningEntry[];
}

/** The parsed file: the preamble (text before the first group, verbatim) and the groups, oldest first. */
export interface LearningsFile {
  preamble: string;
  groups: LearningGroup[];
}

/** The preamble of a new file. */
export const DEFAULT_PREAMBLE = [
  '# Overnight learnings',
  '',
  'What the agents of earlier overnight sessions learned about this codebase: commands, conventions,',
  'pitfalls. Every mission brief of a night includes this file. At the end of each night overnight',
  "appends the night's learnings (one `##` group per item, skipping learnings already here) and drops",
  'the oldest entries first when the file grows past `memory.max_bytes`. Edit or delete entries freely.',
  '',
].join('\n');

const BULLET = /^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+(.*)$/;
const GROUP_HEADING = /^##\s+(.*?)\s*#*\s*$/;

/**
 * Splits learnings text (an agent's `## Learnings` section, or the body of a group) into entries:
 * each bullet line starts one, its following non-blank lines continue it (trimmed); a blank line
 * ends it; text outside bullets forms one entry per paragraph. Empty entries are left out. Pure.
 */
export function splitEntries(text: string): LearningEntry[] {
  const out: LearningEntry[] = [];
  let current: string[] | undefined;
  const flush = () => {
    const t = current?.join('\n').trim();
    if (t) out.push({ text: t });
    current = undefined;
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    if (!line.trim()) {
      flush();
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      flush();
      current = [bullet[1]!.trim()];
    } else if (current) current.push(line.trim());
    else current = [line.trim()];
  }
  flush();
  return out;
}

/**
 * Parses the learnings file's text (see the module comment). Never throws: any text parses (a
 * file with no `## ` heading is all preamble), so a hand-edited file is never refused. Pure.
 */
export function parseLearningsFile(text: string): LearningsFile {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const first = lines.findIndex((l) => GROUP_HEADING.test(l));
  if (first === -1) return { preamble: text, groups: [] };
  const preamble = lines.slice(0, first).join('\n');
  const groups: LearningGroup[] = [];
  let heading = '';
  let body: string[] = [];
  const close = () => groups.push({ heading, entries: splitEntries(body.join('\n')) });
  for (let i = first; i < lines.length; i++) {
    const h = GROUP_HEADING.exec(lines[i]!);
    if (h) {
      if (i !== first) close();
      heading = h[1]!;
      body = [];
    } else body.push(lines[i]!);
  }
  close();
  return { preamble, groups };
}

/**
 * The text two learnings are compared by: lower case, markdown emphasis and code marks removed,
 * runs of whitespace made one space, leading and trailing punctuation and space removed. Pure.
 */
export function normaliseLearning(text: string): string {
  return text
    .toLowerCase()
    .replace(/[`*_~]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.,;:!?-]+|[\s.,;:!?]+$/g, '');
}

/** Renders one entry as a bullet, continuation lines indented by two spaces. */
function renderEntry(e: LearningEntry): string {
  return `- ${e.text.split('\n').join('\n  ')}`;
}

/**
 * Renders the file: the preamble (DEFAULT_PREAMBLE when it is empty), then every group that has
 * entries as `## <heading>` and its bullets, groups separated by a blank line, one newline at the
 * end. Pure.
 */
export function renderLearningsFile(file: LearningsFile): string {
  const preamble = file.preamble.trim() ? `${file.preamble.trimEnd()}\n` : DEFAULT_PREAMBLE;
  const groups = file.groups.filter((g) => g.entries.length > 0).map((g) => `## ${g.heading}\n${g.entries.map(renderEntry).join('\n')}\n`);
  return [preamble, ...groups].join('\n');
}

/** One item's learnings of tonight, for mergeLearnings. */
export interface NightLearning {
  /** The night's date, `YYYY-MM-DD` (UTC). */
  date: string;
  /** The item's reference, `NNN-slug`. */
  ref: string;
  title: string;
  /** The item's `## Learnings` text as the agent wrote it. */
  text: string;
  /** Set when the item did not ship (its learnings may describe what went wrong). */
  notShipped?: boolean;
}

/** The group heading of one item's learnings: `<date> · <ref> · <title>`, `(did not ship)` after it when so. */
export function groupHeading(l: Pick<NightLearning, 'date' | 'ref' | 'title' | 'notShipped'>): string {
  const title = l.title.replace(/\s+/g, ' ').trim();
  return `${l.date} · ${l.ref} · ${title}${l.notShipped ? ' (did not ship)' : ''}`;
}

/** What mergeLearnings did. */
export interface MergeOutcome {
  file: LearningsFile;
  /** Learnings of tonight written to the file (after the size bound). */
  added: number;
  /** Learnings of tonight left out because the file (or an earlier item tonight) already had them. */
  duplicates: number;
  /** Entries dropped, oldest first, to keep the file within the size bound (old and new ones). */
  dropped: number;
  /** Entries the file holds now. */
  kept: number;
}

/**
 * Appends tonight's learnings to `file` (one group per item, in the order given), skipping every
 * entry whose normalised text (normaliseLearning) is already in the file or earlier tonight; then,
 * while the rendered file is longer than `maxBytes` (UTF-8 bytes), drops the oldest entry (the
 * first entry of the first group; a group left empty goes too). The preamble is never dropped.
 * Returns the new file (the input is not changed) and the counts. Pure.
 */
export function mergeLearnings(file: LearningsFile, night: NightLearning[], maxBytes: number): MergeOutcome {
  const seen = new Set(file.groups.flatMap((g) => g.entries.map((e) => normaliseLearning(e.text))));
  const groups: LearningGroup[] = file.groups.map((g) => ({ heading: g.heading, entries: [...g.entries] }));
  const fresh = new Set<LearningEntry>();
  let duplicates = 0;
  for (const l of night) {
    const entries: LearningEntry[] = [];
    for (const e of splitEntries(l.text)) {
      const key = normaliseLearning(e.text);
      if (!key) continue;
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      entries.push(e);
      fresh.add(e);
    }
    if (entries.length) groups.push({ heading: groupHeading(l), entries });
  }
  const next: LearningsFile = { preamble: file.preamble, groups };
  let dropped = 0;
  while (Buffer.byteLength(renderLearningsFile(next), 'utf8') > maxBytes) {
    const oldest = next.groups.find((g) => g.entries.length > 0);
    if (!oldest) break;
    fresh.delete(oldest.entries.shift()!);
    dropped++;
    next.groups = next.groups.filter((g) => g.entries.length > 0);
  }
  next.groups = next.groups.filter((g) => g.entries.length > 0);
  const kept = next.groups.reduce((n, g) => n + g.entries.length, 0);
  return { file: next, added: fresh.size, duplicates, dropped, kept };
}

/**
 * The learnings of the file for a mission brief: its groups as `### <heading>` and bullets,
 * without the preamble, leaving out entries that `exclude` (tonight's own learnings, which the
 * brief shows in their own section) holds by normalised text. When the text is longer than
 * `maxChars`, the oldest groups are left out first and a line says how many. Empty string when
 * nothing is left. Pure.
 */
export function learningsForBrief(text: string, exclude: string[], maxChars: number): string {
  const skip = new Set(exclude.flatMap((t) => splitEntries(t).map((e) => normaliseLearning(e.text))));
  const parts = parseLearningsFile(text)
    .groups.map((g) => ({ heading: g.heading, entries: g.entries.filter((e) => !skip.has(normaliseLearning(e.text))) }))
    .filter((g) => g.entries.length > 0)
    .map((g) => `### ${g.heading}\n${g.entries.map(renderEntry).join('\n')}`);
  const kept: string[] = [];
  let used = 0;
  for (let i = parts.length - 1; i >= 0; i--) {
    if (used + parts[i]!.length + 2 > maxChars) break;
    used += parts[i]!.length + 2;
    kept.unshift(parts[i]!);
  }
  if (parts.length === 0) return '';
  // Even one group too long: its end (the newest entries) is kept.
  if (kept.length === 0) return `(older learnings left out for length.)\n…${parts.at(-1)!.slice(-(maxChars - 50))}`;
  const left = parts.length - kept.length;
  return `${left ? `(${left} older group(s) left out for length.)\n\n` : ''}${kept.join('\n\n')}`;
}
