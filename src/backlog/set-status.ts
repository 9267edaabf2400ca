/**
 * Changing an item's `status:` in its file's text without touching anything else (DESIGN.md, "Git
 * model": the merge of an item sets its backlog file to `status: done` on the integration branch).
 * The frontmatter is parsed with the `yaml` package, whose nodes carry their source range, and only
 * the characters of the status value are replaced: comments, key order, quoting of other keys, line
 * endings and the markdown body stay byte-identical. Pure: no I/O.
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import type { ItemStatus } from './types.js';

/** The frontmatter's YAML text and where it starts in the file text (after the opening `---` line). */
function frontmatterSpan(text: string): { start: number; end: number } | undefined {
  // An optional BOM, then a `---` line (LF or CRLF), as gray-matter and parseItemText accept it.
  const open = /^(\uFEFF)?---[ \t]*\r?\n/.exec(text);
  if (!open) return undefined;
  const start = open[0].length;
  const close = /(^|\n)---[ \t]*(\r?\n|$)/m.exec(text.slice(start));
  if (!close) return undefined;
  const end = start + close.index + (close[1] ?? '').length;
  return { start, end };
}

/**
 * Returns `text` (a whole backlog item file) with its frontmatter `status` set to `status`, or
 * `undefined` when the file has no readable frontmatter (no `---` block, a YAML error, not a map)
 * or its status value is not a plain scalar. When the status already is `status`, `text` comes
 * back unchanged. When the key is absent, `status: <status>` is added as the frontmatter's first
 * line. Only the value's characters change (a quoted `"ready"` becomes `done`); the rest of the
 * file is byte-identical. Never throws.
 */
export function setItemStatusText(text: string, status: ItemStatus): string | undefined {
  const span = frontmatterSpan(text);
  if (!span) return undefined;
  const yamlText = text.slice(span.start, span.end);
  const doc = parseDocument(yamlText, { uniqueKeys: true });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'status');
  if (!pair) {
    const eol = /\r\n/.test(yamlText) ? '\r\n' : '\n';
    return `${text.slice(0, span.start)}status: ${status}${eol}${text.slice(span.start)}`;
  }
  const value = pair.value;
  if (!isScalar(value) || !value.range) return undefined;
  if (value.value === status) return text;
  const [from, to] = value.range;
  return `${text.slice(0, span.start + from)}${status}${text.slice(span.start + to)}`;
}

/** The frontmatter `status` of an item file's text, or undefined when there is none to read. Pure; never throws. */
export function readItemStatusText(text: string): string | undefined {
  const span = frontmatterSpan(text);
  if (!span) return undefined;
  const doc = parseDocument(text.slice(span.start, span.end));
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const value = doc.contents.get('status');
  return typeof value === 'string' ? value : undefined;
}
