/**
 * YAML text parsed with the `yaml` package while keeping positions, so that errors about a key
 * can name its line (used for overnight.config.yaml and backlog frontmatter).
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/** A parsed YAML document and a way to find the 1-based line of any key path in it. */
export interface YamlSource {
  /** The document as plain JavaScript (null for an empty document). */
  data: unknown;
  /**
   * 1-based line of the value at `path` (or of its key when `key` is true). When the path does not
   * exist, the line of its deepest existing ancestor; undefined when nothing matches.
   */
  lineOf(path: ReadonlyArray<PropertyKey>, options?: { key?: boolean }): number | undefined;
}

/** A YAML syntax error with its 1-based line and column in the parsed text. */
export class YamlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(message);
    this.name = 'YamlSyntaxError';
  }
}

/**
 * Parses YAML text (YAML 1.2 core schema; duplicate keys are errors).
 * Throws YamlSyntaxError with the parser's first error, its line and column (1-based, relative to `text`).
 */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const short = first.message.split(/ at line \d+, column \d+/)[0] ?? first.message;
    // An error found only at the end of the text (e.g. an unclosed '[') points past the last line:
    // name the last line that has content instead, where the problem starts.
    const lines = text.split(/\r?\n/);
    let line = pos?.line;
    let column = pos?.col;
    if (line !== undefined && (lines[line - 1] ?? '').trim() === '') {
      while (line > 1 && (lines[line - 1] ?? '').trim() === '') line--;
      column = undefined;
    }
    throw new YamlSyntaxError(short.trim(), line, column);
  }
  const data: unknown = doc.toJS();
  return {
    data,
    lineOf(path, options = {}) {
      const offset = findOffset(doc, path, options.key === true);
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    },
  };
}

function findOffset(doc: Document, path: ReadonlyArray<PropertyKey>, wantKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return offset;
      if (last && wantKey) return rangeStart(pair.key) ?? offset;
      node = pair.value;
      offset = rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) return offset;
      node = item;
      offset = rangeStart(item) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : undefined;
}
