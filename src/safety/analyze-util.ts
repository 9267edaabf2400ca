/**
 * Pure helpers of the analyzer (analyze.ts): option skipping, literal output of pipeline stages,
 * what `xargs` and `find -exec` arguments stand for, and the merge of alternative branch states.
 */
import { posix } from 'node:path';
import type { Command, Script } from './shell/ast.js';
import { POSITIONAL_KEY, type Arg, type Env } from './shell/expand.js';
import type { PolicyContext } from './types.js';
import { FIND_MATCH, lit, type FindInfo, type Invocation, type StdinInfo } from './invocation.js';

/** What is known while walking a command line: variables (and recorded files, aliases), cwd, checked-out branch. */
export interface State {
  env: Env;
  cwd: string | null;
  branch: string | null | undefined;
}

/** A copy of a state, for a subshell or one branch of an alternative. */
export const clone = (st: State): State => ({ env: new Map(st.env), cwd: st.cwd, branch: st.branch });

/**
 * Sets the positional parameters `$1`... `$#`, `$@`, `$*` of a new script or function call
 * (`sh -c 'script' name args...`, `f args...`, `set -- args`, `shift`): known values stay known;
 * when any is unknown, `"$@"` and `$#` are unknown too. `$0` is left as it is.
 */
export function setPositional(st: State, params: Arg[]): void {
  for (const k of POSITIONAL_KEYS) st.env.delete(k);
  params.forEach((a, k) => {
    if (k < 9) st.env.set(String(k + 1), a.value);
  });
  // Parameters past the ninth are unknown rather than missing (`${10}`).
  for (let k = params.length; k < 9; k++) st.env.set(String(k + 1), '');
  if (params.every((a) => a.value !== null)) {
    const list = params.map((a) => a.value!);
    st.env.set(POSITIONAL_KEY, JSON.stringify(list));
    st.env.set('#', String(list.length));
    st.env.set('*', list.join(' '));
    st.env.set('@', list.join(' '));
  } else {
    st.env.set('#', null);
    st.env.set('*', null);
    st.env.set('@', null);
  }
}

/** The keys of the positional parameters in the variable map (saved around a function call). */
export const POSITIONAL_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '@', '*', '#', POSITIONAL_KEY];

/** The known positional parameters as literal arguments, or null when unknown. */
export function positionalArgs(st: State): Arg[] | null {
  const raw = st.env.get(POSITIONAL_KEY);
  return raw == null ? null : (JSON.parse(raw) as string[]).map(lit);
}

/** Drops options (and the values of the listed ones) from the front of `args`, through `--`. */
export function skipOptions(args: Arg[], shortWithValue: string, longWithValue: string[]): Arg[] {
  let i = 0;
  while (i < args.length) {
    const v = args[i]!.value;
    if (v === null || !v.startsWith('-') || v === '-') break;
    if (v === '--') {
      i++;
      break;
    }
    if (v.startsWith('--')) {
      i += longWithValue.includes(v) ? 2 : 1;
      continue;
    }
    const last = v[v.length - 1]!;
    i += v.length === 2 && shortWithValue.includes(last) ? 2 : 1;
  }
  return args.slice(i);
}

export function stripVersion(args: Arg[]): Arg[] {
  const a = args[0];
  if (!a || a.value === null) return args;
  const m = /^(@?[^@]+)@[^/]*$/.exec(a.value);
  const name = m ? m[1]! : a.value;
  return [{ ...a, value: name, text: name }, ...args.slice(1)];
}

export function shellQuote(v: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/** Splits a git alias value into words (git's own quoting: whitespace, single and double quotes). */
export function splitAlias(v: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v))) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** The name `$(which rm)` / `$(command -v rm)` stands for, when the word is just that. */
export function whichName(a: Arg, produced: Map<Script, Invocation[]>): string | null {
  if (a.cmdsubs.length !== 1 || !/^\$\(\.\.\.\)$/.test(a.text)) return null;
  const invs = produced.get(a.cmdsubs[0]!) ?? [];
  const inv = invs[0];
  if (invs.length !== 1 || !inv) return null;
  const args = inv.argv.slice(1).filter((x) => !(x.value ?? '').startsWith('-'));
  if ((inv.name === 'which' || inv.name === 'command' || inv.name === 'type') && args.length === 1 && args[0]!.value) return posix.basename(args[0]!.value);
  return null;
}

/** The text a pipeline stage writes, when it is literal (`echo`, `printf`, `cat <<EOF`). */
export function literalOutput(cmd: Command, mine: Invocation[]): string | null {
  if (cmd.type !== 'simple') return null;
  const inv = mine.find((i) => i.depth === Math.min(...mine.map((m) => m.depth)) && i.name !== '');
  if (!inv || mine.filter((m) => m.name !== '' && m.depth === inv.depth).length !== 1) return null;
  const args = inv.argv.slice(1);
  if (args.some((a) => a.value === null)) return null;
  const vals = args.map((a) => a.value!);
  if (inv.name === 'echo') {
    let interpret = false;
    while (vals[0] && /^-[neE]+$/.test(vals[0])) {
      if (vals[0].includes('e')) interpret = true;
      vals.shift();
    }
    const s = vals.join(' ');
    return (interpret ? s.replace(/\\n/g, '\n').replace(/\\t/g, '\t') : s) + '\n';
  }
  if (inv.name === 'printf') {
    const fmt = vals.shift() ?? '';
    let k = 0;
    return fmt.replace(/%[sbdq]/g, () => vals[k++] ?? '').replace(/\\n/g, '\n').replace(/\\t/g, '\t') + (k < vals.length ? vals.slice(k).join(' ') : '');
  }
  if (inv.name === 'cat' && args.length === 0) {
    const h = inv.redirects.find((r) => r.op === '<<' || r.op === '<<-' || r.op === '<<<');
    if (h && h.text !== undefined) return h.text;
  }
  return null;
}

/** The arguments a stdin-fed command (`xargs`, `parallel`) receives: known words, or one placeholder. */
export function stdinItems(stdin: StdinInfo | undefined, ctx: PolicyContext): Arg[] {
  if (stdin?.text != null) {
    const words = stdin.text.split(/\s+/).filter(Boolean);
    if (words.length <= 64) return words.map(lit);
  }
  const ph: Arg = { value: null, text: '<stdin>', quoted: false, glob: false, unknownVars: [], vars: [], cmdsubs: [], fromStdin: true };
  const producers = stdin?.producers ?? [];
  const finds = producers.filter((p) => p.name === 'find');
  if (finds.length === 1 && producers.length === 1) {
    const info = finds[0]!.find!;
    if (info.bases.length === 1) {
      const v = findMatchValue(info.bases[0]!, info);
      if (v !== null) return [{ ...ph, value: v, text: '<found>' }];
    }
  }
  if (producers.length > 0 && producers.every((p) => listsVisibleFiles(p) && p.argv.slice(1).every((a) => a.value !== null && !a.value.startsWith('/') && !a.value.startsWith('..')) && p.cwd !== null)) {
    const cwd = producers[0]!.cwd!;
    if (cwd.startsWith(ctx.worktreeRoot)) return [{ ...ph, value: `${cwd}/${FIND_MATCH}`, text: '<listed>' }];
  }
  return [ph];
}

/** A producer whose output names files below its cwd and never `.git` or `.`/`..` (`git ls-files`, `ls` without -a, `rg -l`, `fd`). */
export function listsVisibleFiles(p: Invocation): boolean {
  const vals = p.argv.slice(1).map((a) => a.value ?? '');
  switch (p.name) {
    case 'git': {
      const sub = vals.find((v) => !v.startsWith('-'));
      return sub === 'ls-files' || sub === 'diff' || sub === 'status' || sub === 'grep' || sub === 'ls-tree';
    }
    case 'ls':
      return !vals.some((v) => /^-[^-]*[aAdR]/.test(v) || v === '--all' || v === '--almost-all');
    case 'rg':
    case 'fd':
    case 'fdfind':
      return !vals.some((v) => /^--(hidden|no-ignore|unrestricted)|^-[^-]*[uH]/.test(v));
    case 'grep':
    case 'egrep':
    case 'fgrep': {
      // `grep -rl pat src lib`: names files below the given folders. Recursive grep also walks hidden
      // folders, so the folders must be named, and not `.` or hidden ones (`.git` could be listed).
      const listing = vals.some((v) => /^-[^-]*[lL]/.test(v) || v === '--files-with-matches' || v === '--files-without-match');
      const recursive = vals.some((v) => /^-[^-]*[rR]/.test(v) || v === '--recursive' || v === '--dereference-recursive');
      if (!listing || !recursive) return false;
      const patternGiven = vals.some((v) => /^(-e|-f|--regexp|--file)(=|$)/.test(v));
      const ops = vals.filter((v, i) => !v.startsWith('-') && !/^(-e|-f|--regexp|--file|--include|--exclude|--exclude-dir|-m|-A|-B|-C)$/.test(vals[i - 1] ?? '')).slice(patternGiven ? 0 : 1);
      return ops.length > 0 && ops.every((v) => v !== '' && !/^\.\/?$/.test(v) && !/(^|\/)\./.test(v));
    }
    default:
      return false;
  }
}

/** What `{}` of `find -exec` stands for: a path below the base, the base itself, or `.git` (whichever is worst). */
export function findMatchValue(base: string | null, info: FindInfo): string | null {
  if (base === null) return null;
  if (!info.narrowing) return base;
  if (info.canHitGit) return `${base === '/' ? '' : base}/.git`;
  return `${base === '/' ? '' : base}/${FIND_MATCH}`;
}

const GIT_NAMES = ['.git', 'HEAD', 'config', 'index', 'ORIG_HEAD', 'FETCH_HEAD', 'packed-refs', 'description', 'COMMIT_EDITMSG', 'objects', 'refs', 'hooks', 'info', 'logs', 'pack-1a2b.pack', 'pack-1a2b.idx', 'pre-commit.sample', 'main', 'master', 'exclude', '3f9a1c0de5b0b0a9d8c7f6e5d4c3b2a1908172'];

export function patternCanHitGit(test: string, pat: string): boolean {
  if (test.includes('regex')) return true;
  if (test === '-name' || test === '-iname' || test === '-lname' || test === '-ilname') {
    const re = globRegex(pat, test.startsWith('-i'));
    return GIT_NAMES.some((n) => re.test(n));
  }
  // -path / -wholename: `*` matches `/` too.
  return ['./.git/config', './.git/objects/3f/9a1c', '/.git/HEAD', './.git/refs/heads/main'].some((p) => pathPatternMatches(pat, p) || pathPatternMatches(pat, p.slice(1)));
}

/** A find(1) `-name` pattern as a RegExp (`*` may match a leading dot, as fnmatch without FNM_PERIOD does). */
function globRegex(pattern: string, icase: boolean): RegExp {
  try {
    return new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', icase ? 'i' : '');
  } catch {
    return /^/;
  }
}

function pathPatternMatches(pattern: string, p: string): boolean {
  try {
    return new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$').test(p);
  } catch {
    return true;
  }
}

/** Merges the states of alternative branches: a variable (or cwd, branch) that differs becomes unknown. */
export function merge(st: State, snap: State, outs: State[]): void {
  const keys = new Set<string>();
  for (const o of outs) for (const k of o.env.keys()) keys.add(k);
  for (const k of keys) {
    const vals = outs.map((o) => (o.env.has(k) ? o.env.get(k)! : snap.env.has(k) ? snap.env.get(k)! : undefined));
    const first = vals[0];
    if (vals.every((v) => v === first) && first !== undefined) st.env.set(k, first);
    else st.env.set(k, null);
  }
  const cwds = outs.map((o) => o.cwd);
  st.cwd = cwds.every((c) => c === cwds[0]) ? cwds[0]! : null;
  const brs = outs.map((o) => o.branch);
  st.branch = brs.every((b) => b === brs[0]) ? brs[0] : null;
}

/** True when a function body calls the function itself in a pipeline or in the background. */
export function callsItselfInBackground(body: Command, name: string): boolean {
  const visitScript = (sc: Script): boolean =>
    sc.items.some((it) => {
      const cmds = it.pipeline.commands;
      const self = cmds.filter((c) => c.type === 'simple' && c.words[0]?.raw === name).length;
      if (self > 0 && (cmds.length > 1 || it.op === '&')) return true;
      return cmds.some(visitCmd);
    });
  const visitCmd = (c: Command): boolean => {
    switch (c.type) {
      case 'group':
      case 'subshell':
        return visitScript(c.body);
      case 'if':
        return c.clauses.some((cl) => visitScript(cl.cond) || visitScript(cl.body)) || (c.elseBody ? visitScript(c.elseBody) : false);
      case 'loop':
        return visitScript(c.cond) || visitScript(c.body);
      case 'for':
        return visitScript(c.body);
      default:
        return false;
    }
  };
  return visitCmd(body);
}

/**
 * `GIT_DIR=x GIT_WORK_TREE=y git ...` acts like `git --git-dir=x --work-tree=y ...`, and the
 * configuration given through the environment (`GIT_CONFIG_COUNT` with `GIT_CONFIG_KEY_<n>` /
 * `GIT_CONFIG_VALUE_<n>`, and `GIT_CONFIG_PARAMETERS`) like `git -c key=value` (git(1) and
 * git-config(1), ENVIRONMENT): the pairs become those options so the rules see them the same way.
 * A setting whose key or value is unknown becomes `-c` with an unknown value. Argv unchanged when
 * it is not git or no such variable is set.
 */
export function withGitEnv(argv: Arg[], pairs: Array<[string, string | null]>): Arg[] {
  const a0 = argv[0]?.value;
  if (a0 == null || !/(^|\/)git$/.test(a0)) return argv;
  const env = new Map(pairs);
  const unknown = (text: string, name: string): Arg => ({ value: null, text, quoted: false, glob: false, unknownVars: [name], vars: [name], cmdsubs: [] });
  const opts: Arg[] = [];
  for (const [n, v] of pairs) {
    const opt = n === 'GIT_DIR' ? '--git-dir' : n === 'GIT_WORK_TREE' ? '--work-tree' : undefined;
    if (!opt) continue;
    opts.push(v === null ? unknown(`${opt}=$${n}`, n) : lit(`${opt}=${v}`));
  }
  const params = env.get('GIT_CONFIG_PARAMETERS');
  if (params === null) opts.push(lit('-c'), unknown('$GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_PARAMETERS'));
  else if (params !== undefined) for (const kv of parseConfigParameters(params)) opts.push(lit('-c'), kv === null ? unknown('$GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_PARAMETERS') : lit(kv));
  if (env.has('GIT_CONFIG_COUNT')) {
    const count = env.get('GIT_CONFIG_COUNT');
    const n = count != null && /^\d+$/.test(count) ? Math.min(Number(count), 64) : null;
    if (n === null) opts.push(lit('-c'), unknown('$GIT_CONFIG_COUNT', 'GIT_CONFIG_COUNT'));
    for (let k = 0; n !== null && k < n; k++) {
      const key = env.get(`GIT_CONFIG_KEY_${k}`);
      const value = env.get(`GIT_CONFIG_VALUE_${k}`);
      // A key that is not set here may come from the environment the agent started with: unknown.
      if (key == null) opts.push(lit('-c'), unknown(`$GIT_CONFIG_KEY_${k}`, `GIT_CONFIG_KEY_${k}`));
      else if (value == null) opts.push(lit('-c'), unknown(`${key}=$GIT_CONFIG_VALUE_${k}`, `GIT_CONFIG_VALUE_${k}`));
      else opts.push(lit('-c'), lit(`${key}=${value}`));
    }
  }
  return opts.length === 0 ? argv : [argv[0]!, ...opts, ...argv.slice(1)];
}

/** Names of the environment variables withGitEnv reads. */
export function isGitEnvName(n: string): boolean {
  return n === 'GIT_DIR' || n === 'GIT_WORK_TREE' || n === 'GIT_CONFIG_PARAMETERS' || n === 'GIT_CONFIG_COUNT' || /^GIT_CONFIG_(KEY|VALUE)_\d+$/.test(n);
}

/**
 * `GIT_CONFIG_PARAMETERS` as git writes it (`'key'='value' 'key2'='value2'`, each part single-quoted
 * with `'\''` for a quote; older gits write `'key=value'`): the `key=value` strings, null for a
 * part that does not have that form.
 */
export function parseConfigParameters(v: string): Array<string | null> {
  const out: Array<string | null> = [];
  const sq = "'((?:[^']|'\\\\'')*)'";
  const re = new RegExp(`\\s*${sq}(?:=${sq})?|\\s*(\\S+)`, 'g');
  const unq = (s: string) => s.replace(/'\\''/g, "'");
  let m: RegExpExecArray | null;
  while ((m = re.exec(v))) {
    if (m[3] !== undefined) out.push(null);
    else if (m[2] !== undefined) out.push(`${unq(m[1]!)}=${unq(m[2])}`);
    else out.push(unq(m[1]!));
    if (m[0] === '') break;
  }
  return out;
}
