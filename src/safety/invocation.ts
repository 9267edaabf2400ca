/**
 * What the analyzer (analyze.ts) reports about a command line: every simple command it would run
 * ("invocations", after expansion and unwrapping) and the structural findings.
 */
import type { Arg } from './shell/expand.js';

/** A redirection after expansion. `target` is null for heredocs. */
export interface Redir {
  op: string;
  fd?: number;
  target: Arg | null;
  /** Heredoc or here-string text, when known. */
  text?: string | null;
  /** Variables expanded in an unquoted heredoc body. */
  vars?: string[];
}

/** What a command reads on standard input. */
export interface StdinInfo {
  /** Something earlier in the pipeline fetched from the network. */
  network: boolean;
  /** The literal text fed in (`echo ... |`, a heredoc, a here-string), when known. */
  text: string | null;
  /** The invocations of the earlier pipeline stages. */
  producers: Invocation[];
  /** Fed by text only known at run time (`<<< "$(cmd)"`, `< <(cmd)`), when there are no producers. */
  computed?: boolean;
}

/** What `find` will do, for the deletion rules. */
export interface FindInfo {
  /** Starting points, resolved (null when unknown). */
  bases: Array<string | null>;
  /** A name/path/regex test narrows the matches (so the starting point itself is not matched). */
  narrowing: boolean;
  /** The tests could match `.git` or files inside it. */
  canHitGit: boolean;
  /** `-delete` is among the actions. */
  deletes: boolean;
}

/** One simple command that would run. */
export interface Invocation {
  /** Arguments after expansion and unwrapping; argv[0] is the command. Empty for a redirect-only command. */
  argv: Arg[];
  /** Basename of argv[0] (`/usr/bin/rm` -> `rm`), or '' when there is none. */
  name: string;
  /** The working directory it runs in, or null when unknown. */
  cwd: string | null;
  redirects: Redir[];
  stdin?: StdinInfo;
  /** Wrappers it ran under, outermost first (`sudo`, `timeout`, `env`...). */
  wrappers: string[];
  /** How it is nested: `$(...)`, `bash -c`, `eval`, `xargs`, `find -exec`, `heredoc`, `python -c`... */
  via: string[];
  /** Nesting depth (0 = top level). */
  depth: number;
  /** The branch checked out by an earlier command of the same line (`git checkout main && ...`); undefined when none. */
  branch: string | null | undefined;
  /** Set for `find` invocations. */
  find?: FindInfo;
  /** A readable form of the command (values, unknown parts as `$X`). */
  text: string;
  /** When its output is piped into the next command of a pipeline: that command's name. */
  pipedTo?: string;
}

/** A decision the analyzer reaches from the structure itself (not from one simple command). */
export interface Finding {
  ruleId: string;
  detail: string;
  /** `allow_commands` may override it (code that cannot be inspected, not a known-destructive command). */
  overridable: boolean;
}

export interface Analysis {
  invocations: Invocation[];
  findings: Finding[];
}

/** The synthetic last path component standing for "a file `find` matched below its starting point". */
export const FIND_MATCH = '{find-match}';

/** An argument with a literal value. */
export const lit = (v: string): Arg => ({ value: v, text: v, quoted: false, glob: false, unknownVars: [], vars: [], cmdsubs: [] });

/** A readable form of an argv (values, quoted when they hold blanks; unknown parts as `$X`). */
export const argsText = (argv: Arg[]): string => argv.map((a) => (a.value !== null && /[\s'"]/.test(a.value) ? JSON.stringify(a.value) : a.text)).join(' ');
