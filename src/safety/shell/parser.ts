/**
 * A hand-written recursive-descent parser for the shell language (POSIX sh plus the bash
 * extensions agents write). It turns a command line into the tree of `ast.ts` in one pass over
 * the text, with no dependencies, so the PreToolUse hook that runs it before every Bash call
 * starts fast (see docs/safety-policy.md, "The shell parser", for the measurements).
 *
 * Grammar followed: POSIX "Shell Command Language" (XCU 2.3 token recognition, 2.6 word
 * expansions, 2.7 redirection, 2.9 commands, 2.10 grammar) and the bash manual for `$'...'`,
 * `[[ ]]`, `(( ))`, `<(...)`, `<<<`, `&>`, `|&` and `function`.
 *
 * Errors: `parseShell` throws `ShellParseError` with kind `unparseable` (syntax error such as an
 * unbalanced quote or parenthesis), `too-large` (more than MAX_SOURCE_BYTES) or `too-deep` (nesting
 * of subshells, groups, substitutions and compound commands deeper than MAX_DEPTH).
 */
import type { Assignment, Command, ListItem, Pipeline, Redirect, Script, SimpleCommand, Word, WordPart } from './ast.js';

export const MAX_SOURCE_BYTES = 64 * 1024;
export const MAX_DEPTH = 16;

export type ParseErrorKind = 'unparseable' | 'too-large' | 'too-deep';

export class ShellParseError extends Error {
  constructor(
    readonly kind: ParseErrorKind,
    message: string,
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'ShellParseError';
  }
}

const RESERVED = new Set([
  'if', 'then', 'elif', 'else', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'select',
  'in', 'function', '{', '}', '!', '[[', ']]',
]);
/** Characters that end an unquoted word (POSIX metacharacters plus newline). */
const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const REDIRECT_OPS = ['&>>', '&>', '<<<', '<<-', '<<', '<>', '<&', '>&', '>>', '>|', '<', '>'];

interface PendingHeredoc {
  redirect: Redirect;
  delim: string;
  stripTabs: boolean;
}

/**
 * Parses `src` into a Script. `depth` is the nesting already used by the caller (the analyzer
 * passes it when it parses the string of `bash -c '...'` or `eval`), so the bound holds overall.
 * Throws ShellParseError (see the module comment); never returns a partial tree.
 */
export function parseShell(src: string, depth = 0): Script {
  if (Buffer.byteLength(src, 'utf8') > MAX_SOURCE_BYTES) {
    throw new ShellParseError('too-large', `the command is longer than ${MAX_SOURCE_BYTES} bytes`);
  }
  if (depth > MAX_DEPTH) throw new ShellParseError('too-deep', `nesting deeper than ${MAX_DEPTH} levels`);
  return new Parser(src, depth).parseScript();
}

/** Parses text with the rules inside double quotes (heredoc bodies, `${X:-...}` operands): only `$`, backticks and `\` are special. */
export function parseDquoteText(text: string, depth: number): Word {
  const p = new Parser(text, depth);
  const parts = p.readDquoteParts(null);
  return { parts, raw: text };
}

class Parser {
  private i = 0;
  private pending: PendingHeredoc[] = [];

  constructor(
    private readonly s: string,
    private depth: number,
  ) {}

  // ---- errors and nesting -------------------------------------------------------------

  private fail(msg: string): never {
    throw new ShellParseError('unparseable', `${msg} at offset ${this.i}`, this.i);
  }

  private enter(): void {
    this.depth++;
    if (this.depth > MAX_DEPTH) throw new ShellParseError('too-deep', `nesting deeper than ${MAX_DEPTH} levels`, this.i);
  }

  private leave(): void {
    this.depth--;
  }

  // ---- scanning helpers ---------------------------------------------------------------

  private get eof(): boolean {
    return this.i >= this.s.length;
  }

  private ch(off = 0): string {
    return this.s[this.i + off] ?? '';
  }

  private startsWith(t: string): boolean {
    return this.s.startsWith(t, this.i);
  }

  /** Skips blanks, line continuations and a comment (which runs to the end of the line). */
  private skipBlanks(): void {
    for (;;) {
      const c = this.ch();
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\\' && this.ch(1) === '\n') this.i += 2;
      else if (c === '#') {
        while (!this.eof && this.ch() !== '\n') this.i++;
      } else return;
    }
  }

  /** Consumes one newline, then the bodies of the heredocs opened on the line it ends. */
  private consumeNewline(): void {
    this.i++;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    for (const h of pending) {
      const lines: string[] = [];
      for (;;) {
        if (this.eof) break;
        let nl = this.s.indexOf('\n', this.i);
        if (nl < 0) nl = this.s.length;
        let line = this.s.slice(this.i, nl);
        this.i = Math.min(nl + 1, this.s.length);
        if (h.stripTabs) line = line.replace(/^\t+/, '');
        if (line === h.delim || line.replace(/\r$/, '') === h.delim) break;
        lines.push(line);
      }
      const body = lines.length > 0 ? lines.join('\n') + '\n' : '';
      const expand = h.redirect.heredoc?.expand ?? true;
      h.redirect.heredoc = { body, expand, bodyWord: expand ? parseDquoteText(body, this.depth + 1) : undefined };
    }
  }

  private skipSpaceAndNewlines(): void {
    for (;;) {
      this.skipBlanks();
      if (this.ch() === '\n') this.consumeNewline();
      else return;
    }
  }

  /** The reserved word at the cursor, if an unquoted one stands there as a whole word. */
  private peekReserved(): string | undefined {
    let j = this.i;
    while (j < this.s.length) {
      const c = this.s[j]!;
      if (META.has(c) || c === '\r') break;
      if (c === '"' || c === "'" || c === '\\' || c === '$' || c === '`') return undefined;
      j++;
    }
    const w = this.s.slice(this.i, j);
    if (w === '' && (this.ch() === '(' || this.ch() === ')')) return undefined;
    return RESERVED.has(w) ? w : undefined;
  }

  private expectReserved(w: string): void {
    this.skipSpaceAndNewlines();
    if (this.peekReserved() !== w) this.fail(`expected '${w}'`);
    this.i += w.length;
  }

  // ---- grammar ------------------------------------------------------------------------

  parseScript(): Script {
    const sc = this.parseList(new Set(), false);
    this.skipSpaceAndNewlines();
    if (!this.eof) this.fail(`unexpected '${this.ch()}'`);
    if (this.pending.length > 0) {
      // A heredoc on the last line with no body: bash reads an empty body.
      for (const h of this.pending) h.redirect.heredoc = { body: '', expand: h.redirect.heredoc?.expand ?? true };
      this.pending = [];
    }
    return sc;
  }

  /** A list of and-or lists, up to EOF, a `)` (when `inParens`), `;;`, or one of the reserved words in `stop`. */
  private parseList(stop: Set<string>, inParens: boolean): Script {
    const items: ListItem[] = [];
    for (;;) {
      this.skipSpaceAndNewlines();
      if (this.eof) break;
      if (this.ch() === ')' && (inParens || stop.has(')'))) break;
      if (this.startsWith(';;') || this.startsWith(';&')) break;
      const rw = this.peekReserved();
      if (rw !== undefined && stop.has(rw)) break;
      const pipeline = this.parsePipeline();
      this.skipBlanks();
      let op: ListItem['op'] = '';
      if (this.startsWith('&&')) {
        op = '&&';
        this.i += 2;
      } else if (this.startsWith('||')) {
        op = '||';
        this.i += 2;
      } else if (this.ch() === ';' && !this.startsWith(';;') && !this.startsWith(';&')) {
        op = ';';
        this.i++;
      } else if (this.ch() === '&') {
        op = '&';
        this.i++;
      } else if (this.ch() === '\n') {
        op = ';';
        this.consumeNewline();
      }
      items.push({ pipeline, op });
      if (op === '&&' || op === '||') {
        this.skipSpaceAndNewlines();
        const next = this.peekReserved();
        if (this.eof || this.ch() === ')' || (next !== undefined && stop.has(next))) this.fail(`missing command after '${op}'`);
        continue;
      }
      if (op === '') {
        // Nothing separates this pipeline from what follows: it must be the end of the list.
        const c = this.ch();
        if (!(this.eof || c === ')' || this.startsWith(';;') || this.startsWith(';&'))) {
          const r = this.peekReserved();
          if (r === undefined || !stop.has(r)) this.fail(`unexpected '${c}'`);
        }
        break;
      }
    }
    return { type: 'script', items };
  }

  private parsePipeline(): Pipeline {
    this.skipBlanks();
    let negated = false;
    if (this.peekReserved() === '!') {
      negated = true;
      this.i++;
      this.skipBlanks();
    }
    // `time [-p] pipeline` is a reserved word in bash; it times the whole pipeline.
    if (/^time[ \t]/.test(this.s.slice(this.i, this.i + 5))) {
      const save = this.i;
      this.i += 4;
      this.skipBlanks();
      while (this.startsWith('-p') && /[ \t]/.test(this.ch(2))) {
        this.i += 2;
        this.skipBlanks();
      }
      if (this.startsWith('--') && /[ \t]/.test(this.ch(2))) {
        this.i += 2;
        this.skipBlanks();
      }
      if (this.eof || ';&|)\n'.includes(this.ch())) this.i = save;
    }
    const commands: Command[] = [this.parseCommand()];
    for (;;) {
      this.skipBlanks();
      if (this.ch() === '|' && this.ch(1) !== '|') {
        this.i += this.ch(1) === '&' ? 2 : 1;
        this.skipSpaceAndNewlines();
        commands.push(this.parseCommand());
      } else break;
    }
    return { type: 'pipeline', negated, commands };
  }

  private parseCommand(): Command {
    this.skipBlanks();
    const c = this.ch();
    if (c === '(') {
      if (this.ch(1) === '(') {
        this.i += 2;
        const raw = this.readArith();
        return { type: 'arith', raw, body: this.arithBody(raw), redirects: this.parseRedirects() };
      }
      this.i++;
      this.enter();
      const body = this.parseList(new Set(), true);
      if (this.ch() !== ')') this.fail("expected ')'");
      this.i++;
      this.leave();
      return { type: 'subshell', body, redirects: this.parseRedirects() };
    }
    const rw = this.peekReserved();
    switch (rw) {
      case '{': {
        this.i++;
        this.enter();
        const body = this.parseList(new Set(['}']), false);
        this.expectReserved('}');
        this.leave();
        return { type: 'group', body, redirects: this.parseRedirects() };
      }
      case 'if':
        return this.parseIf();
      case 'while':
      case 'until': {
        this.i += rw.length;
        this.enter();
        const cond = this.parseList(new Set(['do']), false);
        this.expectReserved('do');
        const body = this.parseList(new Set(['done']), false);
        this.expectReserved('done');
        this.leave();
        return { type: 'loop', kind: rw, cond, body, redirects: this.parseRedirects() };
      }
      case 'for':
      case 'select':
        return this.parseFor(rw.length);
      case 'case':
        return this.parseCase();
      case 'function': {
        this.i += rw.length;
        this.skipBlanks();
        const name = this.readWord();
        if (name.raw === '') this.fail('expected a function name');
        this.skipBlanks();
        if (this.ch() === '(') {
          this.i++;
          this.skipBlanks();
          if (this.ch() !== ')') this.fail("expected ')'");
          this.i++;
        }
        this.skipSpaceAndNewlines();
        this.enter();
        const body = this.parseCommand();
        this.leave();
        return { type: 'function', name: name.raw, body };
      }
      case '[[':
        return this.parseTest();
      case undefined:
      case '!':
        return this.parseSimple();
      default:
        // `in`, `]]` are ordinary words at command position in practice; the rest are out of place.
        if (rw === 'in' || rw === ']]') return this.parseSimple();
        this.fail(`unexpected '${rw}'`);
    }
  }

  private parseIf(): Command {
    this.i += 2;
    this.enter();
    const clauses: Array<{ cond: Script; body: Script }> = [];
    let elseBody: Script | undefined;
    for (;;) {
      const cond = this.parseList(new Set(['then']), false);
      this.expectReserved('then');
      const body = this.parseList(new Set(['elif', 'else', 'fi']), false);
      clauses.push({ cond, body });
      this.skipSpaceAndNewlines();
      const rw = this.peekReserved();
      if (rw === 'elif') {
        this.i += 4;
        continue;
      }
      if (rw === 'else') {
        this.i += 4;
        elseBody = this.parseList(new Set(['fi']), false);
      }
      this.expectReserved('fi');
      break;
    }
    this.leave();
    return { type: 'if', clauses, elseBody, redirects: this.parseRedirects() };
  }

  private parseFor(kwLen: number): Command {
    this.i += kwLen;
    this.skipBlanks();
    this.enter();
    let name = '';
    let items: Word[] | undefined;
    if (this.startsWith('((')) {
      // `for ((init; cond; step))`: one unknown item stands for the arithmetic (its substitutions are walked, the body once).
      this.i += 2;
      const raw = this.readArith();
      name = '';
      items = [{ parts: [{ type: 'arith', raw, quoted: false, body: this.arithBody(raw) }], raw: `((${raw}))` }];
    } else {
      name = this.readWord().raw;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.fail('expected a loop variable name');
      this.skipSpaceAndNewlines();
      if (this.peekReserved() === 'in') {
        this.i += 2;
        items = [];
        for (;;) {
          this.skipBlanks();
          const c = this.ch();
          if (this.eof || c === ';' || c === '\n') break;
          const w = this.readWord();
          if (w.raw === '') this.fail(`unexpected '${c}' in a for list`);
          items.push(w);
        }
      }
    }
    this.skipBlanks();
    if (this.ch() === ';') this.i++;
    this.expectReserved('do');
    const body = this.parseList(new Set(['done']), false);
    this.expectReserved('done');
    this.leave();
    return { type: 'for', name, items, body, redirects: this.parseRedirects() };
  }

  private parseCase(): Command {
    this.i += 4;
    this.skipBlanks();
    const word = this.readWord();
    this.expectReserved('in');
    this.enter();
    const arms: Array<{ patterns: Word[]; body: Script }> = [];
    for (;;) {
      this.skipSpaceAndNewlines();
      if (this.peekReserved() === 'esac') {
        this.i += 4;
        break;
      }
      if (this.eof) this.fail("expected 'esac'");
      if (this.ch() === '(') this.i++;
      const patterns: Word[] = [];
      for (;;) {
        this.skipBlanks();
        const w = this.readWord();
        if (w.raw === '') this.fail('expected a case pattern');
        patterns.push(w);
        this.skipBlanks();
        if (this.ch() === '|') {
          this.i++;
          continue;
        }
        break;
      }
      if (this.ch() !== ')') this.fail("expected ')' after a case pattern");
      this.i++;
      const body = this.parseList(new Set(['esac']), false);
      arms.push({ patterns, body });
      this.skipBlanks();
      if (this.startsWith(';;&')) this.i += 3;
      else if (this.startsWith(';;') || this.startsWith(';&')) this.i += 2;
    }
    this.leave();
    return { type: 'case', word, arms, redirects: this.parseRedirects() };
  }

  private parseTest(): Command {
    this.i += 2;
    const words: Word[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.ch() === '\n') {
        this.consumeNewline();
        continue;
      }
      if (this.eof) this.fail("expected ']]'");
      if (this.startsWith(']]') && (META.has(this.ch(2)) || this.i + 2 >= this.s.length)) {
        this.i += 2;
        break;
      }
      const c = this.ch();
      if ('&|<>()!'.includes(c)) {
        let op = c;
        if ((c === '&' || c === '|') && this.ch(1) === c) op += c;
        this.i += op.length;
        words.push({ parts: [{ type: 'lit', value: op, quoted: false }], raw: op });
        continue;
      }
      const w = this.readWord();
      if (w.raw === '') this.fail(`unexpected '${this.ch()}' in [[ ]]`);
      words.push(w);
    }
    return { type: 'test', words, redirects: this.parseRedirects() };
  }

  private parseRedirects(): Redirect[] {
    const out: Redirect[] = [];
    for (;;) {
      this.skipBlanks();
      const r = this.tryRedirect();
      if (!r) return out;
      out.push(r);
    }
  }

  private parseSimple(): Command {
    const start = this.i;
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.eof) break;
      const c = this.ch();
      if (c === '(') {
        if (words.length === 1 && assigns.length === 0 && redirects.length === 0) {
          // name () compound-command
          this.i++;
          this.skipBlanks();
          if (this.ch() !== ')') this.fail("expected ')' in a function definition");
          this.i++;
          this.skipSpaceAndNewlines();
          this.enter();
          const body = this.parseCommand();
          this.leave();
          return { type: 'function', name: words[0]!.raw, body };
        }
        this.fail("unexpected '('");
      }
      const r = this.tryRedirect();
      if (r) {
        redirects.push(r);
        continue;
      }
      if (c === ';' || c === '|' || c === '&' || c === ')' || c === '\n') break;
      const w = this.readWord();
      if (w.raw === '') this.fail(`unexpected '${this.ch()}'`);
      const m = words.length === 0 ? /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/.exec(w.raw) : null;
      if (m) assigns.push({ name: m[1]!, append: m[2] === '+', value: stripAssignName(w, m[0].length) });
      else words.push(w);
    }
    if (words.length === 0 && assigns.length === 0 && redirects.length === 0) {
      this.fail(this.eof ? 'missing command' : `unexpected '${this.ch()}'`);
    }
    const cmd: SimpleCommand = { type: 'simple', assigns, words, redirects, start, end: this.i };
    return cmd;
  }

  private tryRedirect(): Redirect | undefined {
    const save = this.i;
    let fd: number | undefined;
    const m = /^[0-9]+/.exec(this.s.slice(this.i, this.i + 10));
    if (m) {
      fd = Number(m[0]);
      this.i += m[0].length;
    } else if (this.ch() === '{') {
      const v = /^\{[A-Za-z_][A-Za-z0-9_]*\}/.exec(this.s.slice(this.i, this.i + 70));
      if (v && (this.s[this.i + v[0].length] === '>' || this.s[this.i + v[0].length] === '<')) this.i += v[0].length;
    }
    const op = REDIRECT_OPS.find((o) => this.startsWith(o));
    if (!op || ((op === '<' || op === '>') && this.ch(1) === '(') || (fd !== undefined && op.startsWith('&'))) {
      this.i = save;
      return undefined;
    }
    this.i += op.length;
    this.skipBlanks();
    const target = this.readWord();
    if (target.raw === '') this.fail(`missing target after '${op}'`);
    const r: Redirect = { op, fd, target };
    if (op === '<<' || op === '<<-') {
      const quoted = /['"\\]/.test(target.raw);
      const delim = target.parts.map((p) => (p.type === 'lit' ? p.value : p.type === 'param' ? '$' + p.name : '')).join('');
      r.heredoc = { body: '', expand: !quoted };
      this.pending.push({ redirect: r, delim, stripTabs: op === '<<-' });
    }
    return r;
  }

  /** The substitutions inside arithmetic text: the text read as if it were double-quoted (bash(1), ARITHMETIC EVALUATION). */
  private arithBody(raw: string): Word {
    if (this.depth + 1 > MAX_DEPTH) throw new ShellParseError('too-deep', `nesting deeper than ${MAX_DEPTH} levels`, this.i);
    return parseDquoteText(raw, this.depth + 1);
  }

  /** Reads `((...))` content after the opening `((`, through the closing `))`. */
  private readArith(): string {
    const start = this.i;
    let depth = 0;
    while (!this.eof) {
      const c = this.ch();
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0 && this.ch(1) === ')') {
          const raw = this.s.slice(start, this.i);
          this.i += 2;
          return raw;
        }
        depth--;
      }
      this.i++;
    }
    this.fail("unterminated '(('");
  }

  // ---- words --------------------------------------------------------------------------

  /** Reads one word (possibly empty when the cursor is at a metacharacter). */
  readWord(): Word {
    const start = this.i;
    const parts: WordPart[] = [];
    let buf = '';
    const flush = () => {
      if (buf !== '') parts.push({ type: 'lit', value: buf, quoted: false });
      buf = '';
    };
    while (!this.eof) {
      const c = this.ch();
      if (META.has(c)) {
        if ((c === '<' || c === '>') && this.ch(1) === '(' && buf === '' && parts.length === 0) {
          this.i += 2;
          this.enter();
          const body = this.parseList(new Set(), true);
          if (this.ch() !== ')') this.fail("expected ')' to close process substitution");
          this.i++;
          this.leave();
          parts.push({ type: 'procsub', dir: c, body });
          continue;
        }
        if (c === '(' && buf !== '' && '@!+*?'.includes(buf[buf.length - 1]!)) {
          buf += this.readBalancedParens();
          continue;
        }
        // `a=(1 2)`, and `declare -A m=([k]=v)` / `local -a l=(x y)` after a declaration builtin.
        if (c === '(' && parts.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(buf)) {
          buf += this.readBalancedParens();
          continue;
        }
        break;
      }
      if (c === '\r' && (this.ch(1) === '\n' || this.i + 1 >= this.s.length)) break;
      if (c === '\\') {
        if (this.ch(1) === '\n') {
          this.i += 2;
          continue;
        }
        flush();
        if (this.i + 1 >= this.s.length) {
          parts.push({ type: 'lit', value: '\\', quoted: true });
          this.i++;
          continue;
        }
        parts.push({ type: 'lit', value: this.ch(1), quoted: true });
        this.i += 2;
        continue;
      }
      if (c === "'") {
        flush();
        const end = this.s.indexOf("'", this.i + 1);
        if (end < 0) this.fail('unterminated single quote');
        parts.push({ type: 'lit', value: this.s.slice(this.i + 1, end), quoted: true });
        this.i = end + 1;
        continue;
      }
      if (c === '"' || (c === '$' && this.ch(1) === '"')) {
        flush();
        this.i += c === '$' ? 2 : 1;
        const inner = this.readDquoteParts('"');
        if (inner.length === 0) parts.push({ type: 'lit', value: '', quoted: true });
        parts.push(...inner);
        continue;
      }
      const expansion = this.readExpansion(false);
      if (expansion) {
        flush();
        parts.push(expansion);
        continue;
      }
      buf += c;
      this.i++;
    }
    flush();
    return { parts, raw: this.s.slice(start, this.i) };
  }

  private readBalancedParens(): string {
    const start = this.i;
    let depth = 0;
    while (!this.eof) {
      const c = this.ch();
      if (c === '\\') {
        this.i += 2;
        continue;
      }
      if (c === "'" || c === '"') {
        const end = this.s.indexOf(c, this.i + 1);
        if (end < 0) this.fail('unterminated quote');
        this.i = end + 1;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth === 0) {
          this.i++;
          return this.s.slice(start, this.i);
        }
      }
      this.i++;
    }
    this.fail("unbalanced '('");
  }

  /** Reads the inside of double quotes up to `end` (`"`), or to EOF when `end` is null. */
  readDquoteParts(end: string | null): WordPart[] {
    const parts: WordPart[] = [];
    let buf = '';
    const flush = () => {
      if (buf !== '') parts.push({ type: 'lit', value: buf, quoted: true });
      buf = '';
    };
    for (;;) {
      if (this.eof) {
        if (end !== null) this.fail('unterminated double quote');
        break;
      }
      const c = this.ch();
      if (end !== null && c === end) {
        this.i++;
        break;
      }
      if (c === '\\') {
        const n = this.ch(1);
        if (n === '\n') {
          this.i += 2;
          continue;
        }
        if (n === '$' || n === '`' || n === '\\' || (n === '"' && end !== null)) {
          buf += n;
          this.i += 2;
          continue;
        }
        buf += '\\';
        this.i++;
        continue;
      }
      const expansion = this.readExpansion(true);
      if (expansion) {
        flush();
        parts.push(expansion);
        continue;
      }
      buf += c;
      this.i++;
    }
    flush();
    return parts;
  }

  /**
   * The expansion at the cursor, read and consumed: a `$...` expansion or a backquoted command
   * substitution, unquoted or inside double quotes (`quoted`). Undefined, with nothing consumed,
   * when the cursor is on anything else, or on a `$` that is a literal dollar sign.
   */
  private readExpansion(quoted: boolean): WordPart | undefined {
    const c = this.ch();
    if (c === '`') return this.readBacktick(quoted);
    if (c === '$') return this.readDollar(quoted);
    return undefined;
  }

  private readBacktick(quoted: boolean): WordPart {
    this.i++;
    let inner = '';
    for (;;) {
      if (this.eof) this.fail('unterminated backquote');
      const c = this.ch();
      if (c === '`') {
        this.i++;
        break;
      }
      if (c === '\\') {
        const n = this.ch(1);
        if (n === '$' || n === '`' || n === '\\' || (quoted && n === '"')) {
          inner += n;
          this.i += 2;
          continue;
        }
      }
      inner += c;
      this.i++;
    }
    if (this.depth + 1 > MAX_DEPTH) throw new ShellParseError('too-deep', `nesting deeper than ${MAX_DEPTH} levels`, this.i);
    const body = new Parser(inner, this.depth + 1).parseScript();
    return { type: 'cmdsub', body, quoted };
  }

  /** Reads a `$` expansion at the cursor; undefined when the `$` is literal. */
  private readDollar(quoted: boolean): WordPart | undefined {
    const n = this.ch(1);
    if (n === "'" && !quoted) {
      this.i += 2;
      return { type: 'lit', value: this.readAnsiC(), quoted: true };
    }
    if (n === '(') {
      if (this.ch(2) === '(') {
        this.i += 3;
        const raw = this.readArith();
        return { type: 'arith', raw, quoted, body: this.arithBody(raw) };
      }
      this.i += 2;
      this.enter();
      const body = this.parseList(new Set(), true);
      if (this.ch() !== ')') this.fail("expected ')' to close '$('");
      this.i++;
      this.leave();
      return { type: 'cmdsub', body, quoted };
    }
    if (n === '{') {
      const start = this.i + 2;
      let j = start;
      let depth = 1;
      while (j < this.s.length) {
        const c = this.s[j]!;
        if (c === '\\') {
          j += 2;
          continue;
        }
        if (c === "'" && !quoted) {
          const e = this.s.indexOf("'", j + 1);
          if (e < 0) this.fail('unterminated single quote');
          j = e + 1;
          continue;
        }
        if (c === '{') depth++;
        else if (c === '}') {
          depth--;
          if (depth === 0) break;
        }
        j++;
      }
      if (j >= this.s.length) this.fail("unterminated '${'");
      const inner = this.s.slice(start, j);
      this.i = j + 1;
      const m = /^([#!]?)([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(inner);
      if (!m) this.fail('bad substitution');
      const op = (m[1] ? m[1] : '') + inner.slice(m[0].length);
      const part: WordPart = { type: 'param', name: m[2]!, quoted };
      if (op !== '') {
        part.op = op;
        this.enter();
        part.opScript = scriptOfWord(parseDquoteText(inner.slice(m[0].length), this.depth));
        this.leave();
      }
      return part;
    }
    if (/[A-Za-z_]/.test(n)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i + 1, this.i + 300))!;
      this.i += 1 + m[0].length;
      return { type: 'param', name: m[0], quoted };
    }
    if (/[0-9@*#?$!-]/.test(n) && n !== '') {
      this.i += 2;
      return { type: 'param', name: n, quoted };
    }
    return undefined;
  }

  /** Decodes bash ANSI-C quoting (`$'...'`) after the opening quote, through the closing one. */
  private readAnsiC(): string {
    let out = '';
    for (;;) {
      if (this.eof) this.fail("unterminated $'");
      const c = this.ch();
      if (c === "'") {
        this.i++;
        return out;
      }
      if (c !== '\\') {
        out += c;
        this.i++;
        continue;
      }
      const n = this.ch(1);
      this.i += 2;
      const simple: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
      if (n in simple) {
        out += simple[n];
        continue;
      }
      const take = (re: RegExp, max: number): string => {
        let t = '';
        while (t.length < max && re.test(this.ch())) {
          t += this.ch();
          this.i++;
        }
        return t;
      };
      if (/[0-7]/.test(n)) {
        const digits = n + take(/[0-7]/, 2);
        out += String.fromCharCode(parseInt(digits, 8) & 0xff);
        continue;
      }
      if (n === 'x') {
        const h = take(/[0-9a-fA-F]/, 2);
        out += h ? String.fromCharCode(parseInt(h, 16)) : '\\x';
        continue;
      }
      if (n === 'u' || n === 'U') {
        const h = take(/[0-9a-fA-F]/, n === 'u' ? 4 : 8);
        out += h ? String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)) : '\\' + n;
        continue;
      }
      if (n === 'c') {
        const x = this.ch();
        this.i++;
        out += String.fromCharCode(x.toUpperCase().charCodeAt(0) & 0x1f);
        continue;
      }
      out += '\\' + n;
    }
  }
}

/** Removes the `NAME=` prefix from an assignment word, keeping the parts of the value. */
function stripAssignName(w: Word, prefixLen: number): Word {
  let skip = prefixLen;
  const parts: WordPart[] = [];
  for (const p of w.parts) {
    if (skip > 0 && p.type === 'lit' && !p.quoted) {
      if (p.value.length <= skip) {
        skip -= p.value.length;
        continue;
      }
      parts.push({ ...p, value: p.value.slice(skip) });
      skip = 0;
      continue;
    }
    parts.push(p);
  }
  return { parts, raw: w.raw.slice(prefixLen) };
}

/** Wraps the command substitutions found in a word into a Script, so the analyzer visits them. */
function scriptOfWord(w: Word): Script | undefined {
  const items: ListItem[] = [];
  for (const p of w.parts) {
    if (p.type === 'cmdsub') items.push(...p.body.items);
    if (p.type === 'param' && p.opScript) items.push(...p.opScript.items);
  }
  return items.length > 0 ? { type: 'script', items } : undefined;
}
