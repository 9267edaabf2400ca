/**
 * The syntax tree of a shell command, as the hand-written parser in `parser.ts` produces it.
 * It covers the POSIX shell grammar plus the bash extensions agents use (`$'...'`, `[[ ]]`,
 * `(( ))`, process substitution, here-strings, `function`), enough to find every simple command
 * a command line would run, however deeply it is nested.
 */

/** One piece of a word. `quoted` is true when the piece came from inside quotes (no splitting or globbing). */
export type WordPart =
  | { type: 'lit'; value: string; quoted: boolean }
  /** `$NAME`, `${NAME}`, `${NAME:-x}`...; `op` is the text after the name inside braces (e.g. `:-x`). */
  | { type: 'param'; name: string; quoted: boolean; op?: string; opScript?: Script }
  /** `$(...)` or backticks: a script whose output becomes text. */
  | { type: 'cmdsub'; body: Script; quoted: boolean }
  /** `<(...)` / `>(...)`: a script whose output (or input) becomes a file name. */
  | { type: 'procsub'; dir: '<' | '>'; body: Script }
  /**
   * `$((...))`: arithmetic; its value is unknown to the analyzer. `body` is the text read with the
   * rules inside double quotes, so the `$(...)`, backticks and `${...}` inside it are walked too
   * (bash expands them before it evaluates the arithmetic).
   */
  | { type: 'arith'; raw: string; quoted: boolean; body: Word };

export interface Word {
  parts: WordPart[];
  /** The source text of the word, as written. */
  raw: string;
}

export interface Redirect {
  /** `>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `<&`, `&>`, `&>>`, `>|`, `<>`. */
  op: string;
  /** The file descriptor written before the operator, if any. */
  fd?: number;
  /** The target word (a file name, a descriptor number, or the heredoc delimiter). */
  target: Word;
  /** For `<<` / `<<-`: the body; `expand` is false when the delimiter was quoted. */
  heredoc?: { body: string; expand: boolean; bodyWord?: Word };
}

export interface Assignment {
  name: string;
  value: Word;
  append: boolean;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: Assignment[];
  words: Word[];
  redirects: Redirect[];
  /** Offsets of the command in the source that was parsed. */
  start: number;
  end: number;
}

export interface Pipeline {
  type: 'pipeline';
  negated: boolean;
  commands: Command[];
}

/** One element of a list: a pipeline and the operator that FOLLOWS it (`&&`, `||`, `;`, `&`, or none). */
export interface ListItem {
  pipeline: Pipeline;
  op: '&&' | '||' | ';' | '&' | '';
}

export interface Script {
  type: 'script';
  items: ListItem[];
}

export type Command =
  | SimpleCommand
  | { type: 'subshell'; body: Script; redirects: Redirect[] }
  | { type: 'group'; body: Script; redirects: Redirect[] }
  | { type: 'if'; clauses: Array<{ cond: Script; body: Script }>; elseBody?: Script; redirects: Redirect[] }
  | { type: 'loop'; kind: 'while' | 'until'; cond: Script; body: Script; redirects: Redirect[] }
  | { type: 'for'; name: string; items?: Word[]; body: Script; redirects: Redirect[] }
  | { type: 'case'; word: Word; arms: Array<{ patterns: Word[]; body: Script }>; redirects: Redirect[] }
  | { type: 'function'; name: string; body: Command }
  | { type: 'test'; words: Word[]; redirects: Redirect[] }
  /** `(( ... ))`; `body` as for the `$((...))` word part. */
  | { type: 'arith'; raw: string; body: Word; redirects: Redirect[] };
