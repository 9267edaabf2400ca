/**
 * A tiny, targeted reader of the `safety:` section of overnight.config.yaml, for the hooks.
 *
 * Why not the yaml package: a hook is a new Node process per tool call, and loading yaml (and zod
 * to validate it) would add several milliseconds to every call (docs/safety-policy.md, "Hooks and
 * their cost"). The hooks only need the `safety` keys, written in the plain block style the docs
 * show, so this reads exactly that:
 *
 * ```yaml
 * safety:
 *   interactive: false
 *   protected_branches: [main, "release/*"]
 *   deny_paths:
 *     - secrets/
 *     - 'infra/prod'
 * ```
 *
 * Anything else inside the section (anchors, flow mappings, multi-line strings, tags) makes the
 * reader answer `unsupported`; the hooks then apply the built-in defaults, which keep the gate on,
 * so a config the reader cannot follow never makes the gate weaker than the defaults, only
 * possibly stricter. The full loader (the CLI) validates the file and reports real errors.
 */

/** The `safety` keys the hooks use, as written in the file (snake_case). */
export interface SafetyLite {
  interactive?: boolean;
  protected_branches?: string[];
  allow_paths?: string[];
  deny_paths?: string[];
  allow_commands?: string[];
  deny_commands?: string[];
}

export type SafetyLiteResult = { ok: true; safety: SafetyLite } | { ok: false; reason: string };

const LIST_KEYS = new Set(['protected_branches', 'allow_paths', 'deny_paths', 'allow_commands', 'deny_commands']);

/** Removes a trailing ` # comment` outside quotes. */
function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

/** A YAML scalar in plain, single- or double-quoted style; undefined when not one of those. */
function scalar(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) return undefined;
    try {
      return JSON.parse(text) as string;
    } catch {
      return undefined;
    }
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) return undefined;
    const inner = text.slice(1, -1);
    if (/(^|[^'])'([^']|$)/.test(inner)) return undefined;
    return inner.replace(/''/g, "'");
  }
  // Plain scalars: refuse indicators that would mean something else in YAML.
  if (/^[[\]{}&*!|>%@`]/.test(text) || text.includes(': ') || text.startsWith('- ')) return undefined;
  return text;
}

/** `[a, "b", 'c']` -> ['a', 'b', 'c']; undefined when not a flat flow sequence of scalars. */
function flowList(text: string): string[] | undefined {
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined;
  const inner = text.slice(1, -1).trim();
  if (inner === '') return [];
  const items: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quote) {
      current += c;
      if (c === '\\' && quote === '"') {
        current += inner[++i] ?? '';
      } else if (c === quote) {
        quote = undefined;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ',') {
      items.push(current);
      current = '';
    } else if (c === '[' || c === ']' || c === '{' || c === '}') {
      return undefined;
    } else {
      current += c;
    }
  }
  if (quote) return undefined;
  if (current.trim() !== '' || items.length === 0) items.push(current);
  const values: string[] = [];
  for (const item of items) {
    const value = scalar(item);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * Reads the `safety:` section of overnight.config.yaml text.
 * In: the whole file's text. Out: `{ ok: true, safety }` with the keys found (none when the file
 * has no `safety:` section), or `{ ok: false, reason }` when the section uses YAML this reader does
 * not handle. Never throws. Unknown keys inside the section are skipped (the CLI reports them).
 */
export function readSafetyLite(text: string): SafetyLiteResult {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((line) => /^safety\s*:/.test(line));
  if (start === -1) return { ok: true, safety: {} };
  const head = stripComment(lines[start]!.replace(/^safety\s*:/, '')).trim();
  if (head !== '') {
    return head === '{}' ? { ok: true, safety: {} } : { ok: false, reason: 'safety: is not a block mapping' };
  }
  // The section's own lines: indented, up to the next line at column 0.
  const body: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (indentOf(line) === 0) break;
    if (line.includes('\t')) return { ok: false, reason: 'tabs in the safety section' };
    body.push(line);
  }
  const safety: SafetyLite = {};
  if (body.length === 0) return { ok: true, safety };
  const keyIndent = indentOf(body[0]!);
  for (let i = 0; i < body.length; i++) {
    const line = body[i]!;
    const indent = indentOf(line);
    if (indent !== keyIndent) return { ok: false, reason: `unexpected indentation: ${line.trim()}` };
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$/.exec(line.trim());
    if (!match) return { ok: false, reason: `not a key: ${line.trim()}` };
    const key = match[1]!;
    const rest = stripComment(match[2]!).trim();
    // Block sequence items that follow the key (indented further, or at the same indent).
    const items: string[] = [];
    while (i + 1 < body.length) {
      const next = body[i + 1]!;
      const nextIndent = indentOf(next);
      const trimmed = next.trim();
      if (!(nextIndent > keyIndent || (nextIndent === keyIndent && trimmed.startsWith('- ')))) break;
      if (!trimmed.startsWith('- ') && trimmed !== '-') return { ok: false, reason: `unsupported value under ${key}` };
      const value = scalar(stripComment(trimmed.slice(1)));
      if (value === undefined) return { ok: false, reason: `unsupported list item under ${key}` };
      items.push(value);
      i++;
    }
    if (key === 'interactive') {
      if (items.length > 0) return { ok: false, reason: 'interactive is not a boolean' };
      if (/^(true|True|TRUE|yes|on)$/.test(rest)) safety.interactive = true;
      else if (/^(false|False|FALSE|no|off)$/.test(rest)) safety.interactive = false;
      else return { ok: false, reason: 'interactive is not a boolean' };
    } else if (LIST_KEYS.has(key)) {
      let values: string[] | undefined;
      if (rest === '') values = items;
      else if (items.length === 0) values = flowList(rest);
      if (values === undefined) return { ok: false, reason: `${key} is not a list of strings` };
      (safety as Record<string, string[]>)[key] = values;
    }
    // Any other key is skipped here; the CLI's full loader reports unknown keys.
  }
  return { ok: true, safety };
}
