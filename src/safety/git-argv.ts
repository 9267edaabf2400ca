/**
 * Splits a `git` command line into its global options and its subcommand (git(1), "OPTIONS"):
 * `git -C dir -c k=v --git-dir=x --no-pager push ...` -> { cwd: dir, config: {k: v}, sub: 'push', args }.
 */
import type { Arg } from './shell/expand.js';

export interface GitArgv {
  /** The `-C` directories, in order (each relative to the previous). */
  chdirs: Array<string | null>;
  /** `-c key=value` settings (keys lower-cased before the last dot, as git does for aliases). */
  config: Record<string, string>;
  /** `--git-dir` / `--work-tree` values, when given. */
  gitDir?: string | null;
  workTree?: string | null;
  /** Index in argv of the subcommand, or -1 when there is none. */
  subIndex: number;
  sub: string | null;
  /** The arguments after the subcommand. */
  args: Arg[];
  /** The global option arguments (argv[1..subIndex-1]). */
  globals: Arg[];
  /**
   * Settings whose value is only known when git runs: `-c "$KV"`, `-c key="$V"`,
   * `--config-env=key=ENVVAR` (git(1)). The key, lower-cased, or '' when the key is unknown too.
   */
  unknownConfig: string[];
}

const GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env', '--super-prefix', '--list-cmds', '--attr-source']);

/** Parses argv (argv[0] is `git`). Never throws. */
export function parseGitArgv(argv: Arg[]): GitArgv {
  const out: GitArgv = { chdirs: [], config: {}, subIndex: -1, sub: null, args: [], globals: [], unknownConfig: [] };
  let i = 1;
  while (i < argv.length) {
    const a = argv[i]!;
    const v = a.value;
    if (v === null || !v.startsWith('-')) break;
    const eq = v.indexOf('=');
    const key = eq > 0 && v.startsWith('--') ? v.slice(0, eq) : v;
    let val: string | null | undefined;
    if (GLOBAL_WITH_VALUE.has(key)) {
      if (eq > 0 && v.startsWith('--')) {
        val = v.slice(eq + 1);
        i++;
      } else {
        val = argv[i + 1]?.value ?? null;
        i += 2;
      }
      if (key === '-C') out.chdirs.push(val);
      else if (key === '-c' && val !== null) {
        const e = val.indexOf('=');
        const k = e < 0 ? val : val.slice(0, e);
        out.config[k.toLowerCase()] = e < 0 ? 'true' : val.slice(e + 1);
      } else if (key === '-c') {
        const text = (eq > 0 && v.startsWith('--') ? a : argv[i - 1])?.text ?? '';
        const k = /^([A-Za-z][\w.-]*)=/.exec(text);
        out.unknownConfig.push(k ? k[1]!.toLowerCase() : '');
      } else if (key === '--config-env') {
        const k = val === null ? null : /^([^=]+)=/.exec(val);
        out.unknownConfig.push(k ? k[1]!.toLowerCase() : '');
      } else if (key === '--git-dir') out.gitDir = val;
      else if (key === '--work-tree') out.workTree = val;
      continue;
    }
    i++;
  }
  out.globals = argv.slice(1, i);
  if (i < argv.length) {
    out.subIndex = i;
    out.sub = argv[i]!.value;
    out.args = argv.slice(i + 1);
  }
  return out;
}

/** The options and the operands of a subcommand's arguments (everything after `--` is an operand). */
export function splitOptions(args: Arg[]): { opts: string[]; operands: Arg[]; afterDashDash: Arg[] } {
  const opts: string[] = [];
  const operands: Arg[] = [];
  const afterDashDash: Arg[] = [];
  let dd = false;
  for (const a of args) {
    if (dd) {
      afterDashDash.push(a);
      operands.push(a);
    } else if (a.value === '--') dd = true;
    else if (a.value !== null && a.value.startsWith('-') && a.value !== '-') opts.push(a.value);
    else operands.push(a);
  }
  return { opts, operands, afterDashDash };
}

/** True when the short-option clusters or long options in `opts` include one of `short` (letters) or `long`. */
export function hasOpt(opts: string[], short: string, long: string[] = []): boolean {
  for (const o of opts) {
    if (o.startsWith('--')) {
      const name = o.split('=')[0]!;
      if (long.includes(name)) return true;
    } else if (o.startsWith('-')) {
      for (const ch of o.slice(1)) if (short.includes(ch)) return true;
    }
  }
  return false;
}
