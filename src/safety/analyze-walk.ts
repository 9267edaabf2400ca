/**
 * The walking half of the analyzer: goes through scripts, pipelines, compound and simple
 * commands, expands words, keeps the state (variables, cwd, checked-out branch, files written
 * earlier in the line), and emits invocations. What a command name means (wrappers, shells,
 * xargs, find...) is decided by the subclass in analyze.ts through `dispatch`. Pure: no I/O.
 */
import { posix } from 'node:path';
import type { Command, Redirect, Script, SimpleCommand, Word } from './shell/ast.js';
import { parseDquoteText, parseShell, ShellParseError, MAX_DEPTH } from './shell/parser.js';
import { expandWord, type Arg } from './shell/expand.js';
import { resolvePath } from './paths.js';
import type { PolicyContext } from './types.js';
import { COMMAND_VARS, FETCHERS, SHELL_OPTIONS } from './commands.js';
import { parseGitArgv, splitOptions } from './git-argv.js';
import { argsText, lit, type FindInfo, type Finding, type Invocation, type Redir, type StdinInfo } from './invocation.js';
import { callsItselfInBackground, clone, isGitEnvName, literalOutput, merge, positionalArgs, POSITIONAL_KEYS, setPositional, withGitEnv, type State } from './analyze-util.js';

/** Where a walk is: the nesting labels so far and the depth. */
export interface Frame {
  via: string[];
  depth: number;
}

/** What dispatch() receives besides argv: redirections, standard input, wrappers so far, a cwd override. */
export interface DispatchExtra {
  redirects: Redir[];
  stdin?: StdinInfo;
  wrappers: string[];
  cwd?: string | null;
}

export const MAX_INVOCATIONS = 2000;
/** Builtins whose arguments bash evaluates as arithmetic or as subscripted variable names. */
const ARITH_BUILTINS = new Set(['let', 'declare', 'typeset', 'local', 'export', 'readonly', 'printf', 'read', 'test', '[', 'unset', 'mapfile', 'readarray', 'wait', 'shift', 'return', 'exit']);
/** Commands visited (loop bodies once per item, function bodies, nested scripts): bounds the work on hostile input. */
export const MAX_STEPS = 20000;
/** Function calls expanded (each walks the function's body): bounds calls that fan out (`f() { g; g; }; g() { h; h; }...`). */
export const MAX_FUNCTION_CALLS = 400;
/** Files written in a subshell or pipeline stage stay written for the commands after it (the file system is shared). */
function keepFiles(from: State, to: State): void {
  for (const [k, v] of from.env) if (k.startsWith(FILE_KEY)) to.env.set(k, v);
}

/** Keys in the variable map that hold other facts: written file contents and aliases. */
export const FILE_KEY = '\u0000file:';
export const ALIAS_KEY = '\u0000alias:';
/** Functions defined earlier in the same command line: the index in Walker.functions, null when only some branches define it. */
export const FUNC_KEY = '\u0000func:';
/** Git aliases written by `git config alias.x ...` earlier in the same command line. */
export const GIT_ALIAS_KEY = '\u0000gitalias:';
/** The content recorded for a file downloaded earlier in the same command. */
export const NETWORK_CONTENT = '\u0000network';

export abstract class Walker {
  invocations: Invocation[] = [];
  findings: Finding[] = [];
  protected produced = new Map<Script, Invocation[]>();
  protected steps = 0;
  /** Shell functions defined in the command line, with the state where they were defined. */
  protected functions: Array<{ name: string; body: Command; st: State; fr: Frame; called: boolean }> = [];
  protected functionCalls = 0;

  constructor(protected readonly ctx: PolicyContext) {}

  protected find(ruleId: string, detail: string, overridable = false): void {
    this.findings.push({ ruleId, detail, overridable });
  }

  protected deeper(fr: Frame, label: string): Frame | undefined {
    if (fr.depth + 1 > MAX_DEPTH) {
      this.find('parse.too-deep', `nesting deeper than ${MAX_DEPTH} levels (${[...fr.via, label].join(' > ')})`);
      return undefined;
    }
    return { via: [...fr.via, label], depth: fr.depth + 1 };
  }

  // ---- scripts and compound commands --------------------------------------------------

  /** Judges the functions that were defined but never called, as if they ran with unknown arguments. Call once, after the walk. */
  finishFunctions(): void {
    for (let k = 0; k < this.functions.length; k++) {
      const fn = this.functions[k]!;
      if (fn.called) continue;
      fn.called = true;
      const st = clone(fn.st);
      for (const key of POSITIONAL_KEYS) st.env.delete(key);
      const f = this.deeper(fn.fr, `function ${fn.name}`);
      if (f) this.command(fn.body, st, f, undefined);
    }
  }

  /**
   * A call of a function defined earlier in the line (`f() { git "$@"; }; f push --force`): walks
   * its body in the caller's state with `$1`... `"$@"` bound to the call's arguments, then puts the
   * caller's positional parameters back (bash(1), FUNCTIONS). Returns false when `name` is not
   * known to be a function here. A function calling itself is expanded with the call's arguments
   * twice, then once more with unknown arguments, and no deeper.
   */
  protected callFunction(name: string, args: Arg[], st: State, fr: Frame, x: DispatchExtra): boolean {
    const id = st.env.get(FUNC_KEY + name);
    if (id == null) return false;
    const fn = this.functions[Number(id)];
    if (!fn) return false;
    fn.called = true;
    const label = `function ${name}`;
    const self = fr.via.filter((v) => v === label).length;
    // A function calling itself: its body was already judged one level up with unknown arguments.
    if (self >= 3) return true;
    if (++this.functionCalls > MAX_FUNCTION_CALLS) {
      if (!this.findings.some((x) => x.ruleId === 'parse.too-large')) this.find('parse.too-large', `more than ${MAX_FUNCTION_CALLS} function calls to analyze`);
      return true;
    }
    const f = this.deeper(fr, label);
    if (!f) return true;
    if (x.redirects.length > 0) this.emit([], st, fr, { redirects: x.redirects, wrappers: [] });
    const saved = POSITIONAL_KEYS.map((k) => [k, st.env.has(k), st.env.get(k)] as const);
    if (self === 2) for (const k of POSITIONAL_KEYS) st.env.delete(k);
    else setPositional(st, args);
    this.command(fn.body, st, f, x.stdin);
    for (const [k, had, v] of saved) {
      if (had) st.env.set(k, v!);
      else st.env.delete(k);
    }
    return true;
  }

  script(sc: Script, st: State, fr: Frame): void {
    for (const item of sc.items) this.pipeline(item.pipeline.commands, st, fr);
  }

  /** Parses and walks a string run as shell code (`bash -c`, `eval`, a piped script...). */
  protected walkString(text: string, st: State, fr: Frame, label: string): void {
    const f = this.deeper(fr, label);
    if (!f) return;
    let sc: Script;
    try {
      sc = parseShell(text, f.depth);
    } catch (e) {
      if (e instanceof ShellParseError) {
        this.find(`parse.${e.kind}`, `the script given to ${label} cannot be analyzed: ${e.message}`);
        return;
      }
      throw e;
    }
    this.script(sc, st, f);
  }

  /** Walks a nested script (substitution) and remembers what it runs. */
  protected walkSub(sc: Script, st: State, fr: Frame, label: string): void {
    if (this.produced.has(sc)) return;
    const f = this.deeper(fr, label);
    const before = this.invocations.length;
    if (f) this.script(sc, clone(st), f);
    this.produced.set(sc, this.invocations.slice(before));
  }

  /**
   * The text a substitution's script prints, when it is literal (`echo 'x'`, `printf '...'`,
   * `cat <<EOF`, `cat` of a file written earlier in the line), else null.
   */
  protected scriptOutput(sc: Script, st: State): string | null {
    const cmd = sc.items.length === 1 && sc.items[0]!.pipeline.commands.length === 1 ? sc.items[0]!.pipeline.commands[0]! : undefined;
    const mine = this.produced.get(sc) ?? [];
    if (!cmd) return null;
    const text = literalOutput(cmd, mine);
    if (text !== null) return text;
    const cat = this.catContent(mine, st);
    return cat === NETWORK_CONTENT ? null : cat;
  }

  protected fetches(sc: Script | undefined): boolean {
    if (!sc) return false;
    return (this.produced.get(sc) ?? []).some((inv) => FETCHERS.has(inv.name));
  }

  protected pipeline(commands: Command[], st: State, fr: Frame): void {
    if (commands.length === 1) {
      this.command(commands[0]!, st, fr, undefined);
      return;
    }
    let network = false;
    let text: string | null = null;
    let prev: Invocation[] = [];
    commands.forEach((cmd, k) => {
      const sub = clone(st);
      const before = this.invocations.length;
      const stdin: StdinInfo | undefined = k === 0 ? undefined : { network, text, producers: prev };
      this.command(cmd, sub, fr, stdin);
      keepFiles(sub, st);
      const mine = this.invocations.slice(before);
      // Tell the previous stage where its output goes (the secrets rules care whether it reaches the transcript).
      const consumer = mine.find((i) => i.depth === fr.depth && i.name !== '')?.name;
      if (consumer !== undefined) for (const p of prev) if (p.depth === fr.depth) p.pipedTo = consumer;
      network = network || mine.some((inv) => FETCHERS.has(inv.name));
      const cat = this.catContent(mine, sub);
      text = literalOutput(cmd, mine) ?? (cat === NETWORK_CONTENT ? null : cat);
      if (cat === NETWORK_CONTENT) network = true;
      prev = mine;
    });
  }

  protected command(cmd: Command, st: State, fr: Frame, stdin: StdinInfo | undefined): void {
    if (++this.steps > MAX_STEPS || this.invocations.length > MAX_INVOCATIONS) {
      if (!this.findings.some((f) => f.ruleId === 'parse.too-large')) this.find('parse.too-large', `more than ${MAX_INVOCATIONS} commands or ${MAX_STEPS} analysis steps`);
      return;
    }
    switch (cmd.type) {
      case 'simple':
        this.simple(cmd, st, fr, stdin);
        return;
      case 'subshell': {
        const f = this.deeper(fr, '( )');
        if (f) {
          const sub = clone(st);
          this.script(cmd.body, sub, f);
          keepFiles(sub, st);
        }
        this.redirectOnly(cmd.redirects, st, fr);
        return;
      }
      case 'group': {
        this.script(cmd.body, st, fr);
        this.redirectOnly(cmd.redirects, st, fr);
        return;
      }
      case 'if': {
        const snap = clone(st);
        const outs: State[] = [];
        let condState = st;
        for (const c of cmd.clauses) {
          this.script(c.cond, condState, fr);
          const b = clone(condState);
          this.script(c.body, b, fr);
          outs.push(b);
          condState = clone(condState);
        }
        const e = clone(condState);
        if (cmd.elseBody) this.script(cmd.elseBody, e, fr);
        outs.push(e);
        merge(st, snap, outs);
        this.redirectOnly(cmd.redirects, st, fr);
        return;
      }
      case 'loop': {
        const snap = clone(st);
        this.script(cmd.cond, st, fr);
        const b = clone(st);
        this.script(cmd.body, b, fr);
        merge(st, snap, [st, b]);
        this.redirectOnly(cmd.redirects, st, fr);
        return;
      }
      case 'for': {
        const snap = clone(st);
        const items = cmd.items ? cmd.items.flatMap((w) => this.expand(w, st, fr, true)) : undefined;
        const outs: State[] = [clone(st)];
        const known = items && items.length <= 16 && items.every((a) => a.value !== null);
        const values: Array<string | null> = known ? items.map((a) => a.value) : [null];
        for (const v of values) {
          const b = clone(st);
          if (cmd.name) b.env.set(cmd.name, v);
          this.script(cmd.body, b, fr);
          outs.push(b);
        }
        merge(st, snap, outs);
        this.redirectOnly(cmd.redirects, st, fr);
        return;
      }
      case 'case': {
        this.expand(cmd.word, st, fr, false);
        const snap = clone(st);
        const outs: State[] = [clone(st)];
        for (const arm of cmd.arms) {
          const b = clone(st);
          this.script(arm.body, b, fr);
          outs.push(b);
        }
        merge(st, snap, outs);
        this.redirectOnly(cmd.redirects, st, fr);
        return;
      }
      case 'function': {
        if (callsItselfInBackground(cmd.body, cmd.name)) {
          this.find('sys.fork-bomb', `function '${cmd.name}' calls itself in a pipeline or in the background (a fork bomb)`);
          return;
        }
        // A function body is judged at each call, with the call's arguments as `$1`... `"$@"`
        // (callFunction); one never called is judged at the end as if it ran with unknown arguments.
        const id = String(this.functions.length);
        this.functions.push({ name: cmd.name, body: cmd.body, st: clone(st), fr, called: false });
        st.env.set(FUNC_KEY + cmd.name, id);
        return;
      }
      case 'test':
        this.arithmeticArgs([lit('test'), ...cmd.words.flatMap((w) => this.expand(w, st, fr, false))], st, fr);
        this.redirectOnly(cmd.redirects, st, fr);
        return;
      case 'arith':
        this.expand(cmd.body, st, fr, false);
        this.redirectOnly(cmd.redirects, st, fr);
        return;
    }
  }

  /** Expands a word after walking the substitutions inside it. */
  protected expand(w: Word, st: State, fr: Frame, split: boolean): Arg[] {
    for (const p of w.parts) {
      if (p.type === 'cmdsub') this.walkSub(p.body, st, fr, '$(...)');
      else if (p.type === 'procsub') this.walkSub(p.body, st, fr, `${p.dir}(...)`);
      else if (p.type === 'param' && p.opScript) this.walkSub(p.opScript, st, fr, '${...}');
      else if (p.type === 'arith') this.expand(p.body, st, fr, false);
    }
    return expandWord(w, { env: st.env, home: this.ctx.home, cwd: st.cwd, split, cmdsubValue: (b) => this.cmdsubValue(b, st) });
  }

  /** The output of a substitution the analyzer can compute: `$(pwd)`, `$(git rev-parse --show-toplevel)`, `$(echo literal)`. */
  protected cmdsubValue(body: Script, st: State): string | null {
    const item = body.items.length === 1 ? body.items[0]! : undefined;
    const cmd = item && item.pipeline.commands.length === 1 ? item.pipeline.commands[0]! : undefined;
    if (!cmd || cmd.type !== 'simple' || cmd.redirects.length > 0 || cmd.assigns.length > 0) return null;
    const words = cmd.words.map((w) => expandWord(w, { env: st.env, home: this.ctx.home, cwd: st.cwd, split: true })).flat();
    if (words.some((a) => a.value === null)) return null;
    const v = words.map((a) => a.value!);
    if (v[0] === 'pwd' && v.slice(1).every((x) => x === '-L' || x === '-P')) return st.cwd;
    if (v[0] === 'git' && v[1] === 'rev-parse' && v[2] === '--show-toplevel' && v.length === 3) {
      return st.cwd !== null && (st.cwd === this.ctx.worktreeRoot || st.cwd.startsWith(this.ctx.worktreeRoot + '/')) ? this.ctx.worktreeRoot : null;
    }
    if (v[0] === 'echo' && !v.slice(1).some((x) => x.startsWith('-'))) return v.slice(1).join(' ');
    // Outputs that are one plain word (no `/`, no `..`, no spaces): `log-$(date +%F).txt` stays a file in
    // the same folder. A stand-in word of the same kind is enough for every rule.
    if (v[0] === 'date' && (v.length === 1 || (v.length === 2 && /^\+[^/.\s]*$/.test(v[1]!)) || (v.length === 3 && v[1] === '-u' && /^\+[^/.\s]*$/.test(v[2]!)))) return '19700101';
    if ((v[0] === 'whoami' || v[0] === 'nproc' || v[0] === 'hostname' || (v[0] === 'id' && v[1] === '-u')) && v.length <= (v[0] === 'id' ? 2 : 1)) return 'word';
    if (v[0] === 'git' && v[1] === 'rev-parse' && v.length === 4 && v[2] === '--short' && v[3] === 'HEAD') return '0000000';
    const line = v.join(' ');
    if (line === 'git branch --show-current' || line === 'git rev-parse --abbrev-ref HEAD' || line === 'git symbolic-ref --short HEAD') {
      return st.branch !== undefined ? st.branch : this.ctx.currentBranch ?? null;
    }
    if ((v[0] === 'dirname' || v[0] === 'basename') && v.length === 2) return v[0] === 'dirname' ? posix.dirname(v[1]!) : posix.basename(v[1]!);
    return null;
  }

  protected redirects(rs: Redirect[], st: State, fr: Frame): Redir[] {
    return rs.map((r) => {
      if (r.heredoc) {
        let text: string | null = r.heredoc.body;
        let vars: string[] = [];
        if (r.heredoc.bodyWord) {
          const a = this.expand(r.heredoc.bodyWord, st, fr, false)[0];
          text = a && a.value !== null ? a.value : r.heredoc.body;
          vars = a ? a.vars : [];
        }
        return { op: r.op, fd: r.fd, target: null, text, vars };
      }
      const target = this.expand(r.target, st, fr, false)[0] ?? lit('');
      return { op: r.op, fd: r.fd, target, text: r.op === '<<<' ? target.value : undefined };
    });
  }

  protected redirectOnly(rs: Redirect[], st: State, fr: Frame): void {
    if (rs.length === 0) return;
    this.emit([], st, fr, { redirects: this.redirects(rs, st, fr), wrappers: [] });
  }

  // ---- simple commands ----------------------------------------------------------------

  protected simple(cmd: SimpleCommand, st: State, fr: Frame, pipeStdin: StdinInfo | undefined): void {
    const assigned: Array<[string, string | null]> = cmd.assigns.map((a) => {
      const v = this.expand(a.value, st, fr, false)[0];
      let val = v ? v.value : '';
      if (a.append && val !== null) {
        const prev = st.env.has(a.name) ? st.env.get(a.name)! : null;
        val = prev === null ? null : prev + val;
      }
      return [a.name, val];
    });
    const argv = cmd.words.flatMap((w) => this.expand(w, st, fr, true));
    const redirects = this.redirects(cmd.redirects, st, fr);
    let stdin = pipeStdin;
    for (const r of redirects) {
      if (r.op === '<<' || r.op === '<<-' || r.op === '<<<') {
        const network = r.target?.cmdsubs.some((c) => this.fetches(c)) ?? false;
        stdin = { network, text: r.text ?? null, producers: [], computed: (r.text ?? null) === null };
      } else if (r.op === '<' && r.target) stdin = { network: this.fetches(r.target.procsub), text: null, producers: [], computed: r.target.procsub !== undefined || r.target.value === null };
    }
    if (argv.length === 0) {
      for (const [n, v] of assigned) st.env.set(n, v);
      if (redirects.length > 0) this.emit([], st, fr, { redirects, wrappers: [] });
      return;
    }
    this.commandVars(assigned, st, fr);
    this.arithmeticArgs(argv, st, fr);
    const before = this.invocations.length;
    const exported: Array<[string, string | null]> = [...st.env.keys()].filter(isGitEnvName).map((n) => [n, st.env.get(n)!]);
    this.dispatch(withGitEnv(argv, [...exported, ...assigned]), st, fr, { redirects, stdin, wrappers: [] });
    this.recordWrites(cmd, redirects, this.invocations.slice(before), st);
    this.recordDownloads(this.invocations.slice(before), st);
    this.updateState(argv, st);
  }

  /**
   * Builtins that evaluate their arguments as arithmetic or as variable names with a subscript
   * (`let`, `declare -i`, `printf -v`, `read`, `test -v`...): bash expands the `$(...)` and
   * backticks inside that text when the builtin runs (bash(1), ARITHMETIC EVALUATION and Arrays),
   * even when it was quoted on the command line (`declare -i x='a[$(cmd)]'`). Those substitutions
   * are walked like any other.
   */
  protected arithmeticArgs(argv: Arg[], st: State, fr: Frame): void {
    const name = argv[0]?.value;
    if (name == null || !ARITH_BUILTINS.has(name)) return;
    for (const a of argv.slice(1)) {
      if (a.value === null || !/\$\(|`/.test(a.value)) continue;
      // `let`'s arguments are arithmetic throughout; elsewhere only a subscript is evaluated.
      if (name !== 'let' && !/\[[^\]]*(\$\(|`)/.test(a.value)) continue;
      let w: Word;
      try {
        w = parseDquoteText(a.value, fr.depth + 1);
      } catch (e) {
        if (e instanceof ShellParseError) {
          this.find(`parse.${e.kind}`, `the arithmetic \`${a.value}\` given to ${name} cannot be analyzed: ${e.message}`);
          continue;
        }
        throw e;
      }
      const f = this.deeper(fr, `${name} arithmetic`);
      if (f) this.expand(w, clone(st), f, false);
    }
  }

  /** Environment variables whose value programs run as a command (`GIT_SSH_COMMAND`, `PAGER`, `BASH_ENV`...). */
  protected commandVars(pairs: Array<[string, string | null]>, st: State, fr: Frame): void {
    for (const [n, v] of pairs) {
      if (!COMMAND_VARS.has(n)) continue;
      if (v === null) this.find('shell.eval-unknown', `${n} holds a command only known when it runs`, true);
      else if (n === 'BASH_ENV' || n === 'ENV') {
        const content = this.fileContent(resolvePath(v, st.cwd, this.ctx.home), st);
        if (content !== undefined) this.runWrittenScript(content, v, st, fr);
      } else this.walkString(v, clone(st), fr, `${n}=`);
    }
  }

  /** Option values that programs run as shell commands (`tar --to-command`, `rsync -e`, `ssh -o ProxyCommand=`...). */
  protected optionCommands(name: string, argv: Arg[], st: State, fr: Frame): void {
    const spec = SHELL_OPTIONS[name];
    if (!spec) return;
    const args = argv.slice(1);
    args.forEach((a, i) => {
      const v = a.value;
      if (v === null) return;
      for (const o of spec) {
        let val: string | null | undefined;
        if (v === o || (o.length === 2 && /^-[a-zA-Z]+$/.test(v) && v.endsWith(o[1]!) && name !== 'ssh')) val = args[i + 1] ? args[i + 1]!.value : undefined;
        else if (o.startsWith('--') && v.startsWith(o + '=')) val = v.slice(o.length + 1);
        else if (!o.startsWith('--') && o.length === 2 && v.startsWith(o) && v.length > 2) val = v.slice(2);
        if (val === undefined) continue;
        if (o === '--checkpoint-action') val = val !== null && val.startsWith('exec=') ? val.slice(5) : '';
        if (name === 'ssh' && o === '-o') {
          const m = val === null ? null : /^(ProxyCommand|LocalCommand|KnownHostsCommand|RemoteCommand)[= ]\s*([\s\S]*)$/i.exec(val);
          val = m ? m[2]! : '';
        }
        if (val === null) this.find('shell.eval-unknown', `\`${name} ${o}\` runs a command only known when it runs`, true);
        else if (val !== '') this.walkString(val, clone(st), fr, `${name} ${o}`);
      }
    });
  }

  /** Marks files that curl/wget write in this command as network content. */
  protected recordDownloads(mine: Invocation[], st: State): void {
    for (const inv of mine) {
      if (inv.name !== 'curl' && inv.name !== 'wget') continue;
      const vals = inv.argv.slice(1).map((a) => a.value);
      const url = vals.find((v) => v !== null && /^(https?|ftp):\/\//.test(v)) ?? null;
      const outs: string[] = [];
      vals.forEach((v, i) => {
        if (v === null) return;
        if (['-o', '--output', '-O', '--output-document'].includes(v) && !(inv.name === 'curl' && v === '-O')) {
          const o = vals[i + 1];
          if (o) outs.push(o);
        } else if (/^--output(-document)?=/.test(v)) outs.push(v.slice(v.indexOf('=') + 1));
        else if (inv.name === 'curl' && /^-[a-zA-Z]+o$/.test(v) && vals[i + 1]) outs.push(vals[i + 1]!);
      });
      const curlRemote = (v: string | null) => v === '-O' || v === '--remote-name' || v === '--remote-name-all' || (v !== null && /^-[a-zA-Z]*O[a-zA-Z]*$/.test(v));
      const remoteName = inv.name === 'wget' ? !vals.some((v) => v === '-O' || v?.startsWith('--output-document')) : vals.some(curlRemote);
      if (remoteName && url) outs.push(posix.basename(url.replace(/[?#].*$/, '')));
      for (const o of outs) {
        const p = resolvePath(o, inv.cwd, this.ctx.home);
        if (p) st.env.set(FILE_KEY + p, NETWORK_CONTENT);
      }
    }
  }

  /** Remembers the content of files written by `echo`/`printf`/`cat <<EOF` redirections, so running them later in the line is judged. */
  protected recordWrites(cmd: SimpleCommand, redirects: Redir[], mine: Invocation[], st: State): void {
    // `tee x.sh <<< 'text'` writes its standard input to each operand: known text, or unknown content.
    const tee = mine.find((i) => i.name === 'tee');
    if (tee) {
      const append = tee.argv.slice(1).some((a) => a.value === '-a' || a.value === '--append');
      for (const a of tee.argv.slice(1)) {
        if (a.value === null || a.value.startsWith('-')) continue;
        const p = resolvePath(a.value, tee.cwd ?? st.cwd, this.ctx.home);
        if (p === null) continue;
        const prev = append ? this.fileContent(p, st) : '';
        const text = tee.stdin?.text ?? null;
        st.env.set(FILE_KEY + p, text === null || prev === null ? null : (prev ?? '') + text);
      }
    }
    const outs = redirects.filter((r) => (r.op === '>' || r.op === '>>' || r.op === '>|') && r.target && (r.fd === undefined || r.fd === 1));
    if (outs.length === 0) return;
    const text = literalOutput(cmd, mine);
    for (const r of outs) {
      const p = r.target!.value === null ? null : resolvePath(r.target!.value, st.cwd, this.ctx.home);
      if (p === null) continue;
      const prev = r.op === '>>' ? this.fileContent(p, st) : '';
      st.env.set(FILE_KEY + p, text === null || prev === null ? null : (prev ?? '') + text);
    }
  }

  /** Applies what a command changes for the commands after it: cwd, variables, the checked-out branch. */
  protected updateState(argv: Arg[], st: State): void {
    const name = argv[0]?.value ? posix.basename(argv[0].value) : '';
    const rest = argv.slice(1);
    switch (name) {
      case 'cd':
      case 'pushd': {
        const ops = rest.filter((a) => !(a.value !== null && /^-[LPe@]+$/.test(a.value)));
        const t = ops[0];
        if (!t) st.cwd = name === 'cd' ? this.ctx.home : null;
        else if (t.value === null || t.value === '-' || t.glob) st.cwd = null;
        else st.cwd = resolvePath(t.value, st.cwd, this.ctx.home);
        return;
      }
      case 'popd':
        st.cwd = null;
        return;
      case 'export':
      case 'declare':
      case 'typeset':
      case 'local':
      case 'readonly':
        for (const a of rest) {
          if (a.value === null) {
            const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(a.text);
            if (m) st.env.set(m[1]!, null);
            continue;
          }
          const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(a.value);
          if (m) st.env.set(m[1]!, m[2]!);
        }
        return;
      case 'shift': {
        // `shift [n]` drops the first n positional parameters (bash(1), SHELL BUILTIN COMMANDS).
        const list = positionalArgs(st);
        const n = rest[0] === undefined ? 1 : rest[0].value !== null && /^\d+$/.test(rest[0].value) ? Number(rest[0].value) : null;
        if (list !== null && n !== null) setPositional(st, list.slice(n));
        else for (const k of POSITIONAL_KEYS) st.env.delete(k);
        return;
      }
      case 'set': {
        // `set -- a b` (or `set a b` after the options) replaces the positional parameters.
        const dd = rest.findIndex((a) => a.value === '--');
        const firstOperand = rest.findIndex((a) => a.value === null || !/^[-+]/.test(a.value));
        const at = dd >= 0 ? dd + 1 : firstOperand;
        if (at >= 0 && (dd >= 0 || firstOperand >= 0) && !rest.slice(0, at).some((a) => a.value === '-o' || a.value === '+o')) setPositional(st, rest.slice(at));
        return;
      }
      case 'alias':
        for (const a of rest) {
          const m = a.value === null ? null : /^([^=\s]+)=([\s\S]*)$/.exec(a.value);
          if (m) st.env.set(ALIAS_KEY + m[1]!, m[2]!);
        }
        return;
      case 'unset':
        for (const a of rest) if (a.value && /^[A-Za-z_]/.test(a.value)) st.env.set(a.value, '');
        return;
      case 'read':
      case 'mapfile':
      case 'readarray':
      case 'getopts':
        for (const a of rest) if (a.value && /^[A-Za-z_][A-Za-z0-9_]*$/.test(a.value)) st.env.set(a.value, null);
        return;
      case 'git': {
        const g = parseGitArgv(argv);
        if (g.sub === 'config') {
          // `git config [--local|--worktree] alias.pf 'push --force' && git pf`: the alias is known afterwards.
          const after = g.args.filter((a) => !/^--(local|worktree|add|replace-all)$/.test(a.value ?? ''));
          const key = after[0]?.value;
          if (key != null && /^alias\./i.test(key) && after.length >= 2) st.env.set(GIT_ALIAS_KEY + key.slice(6).toLowerCase(), after[1]!.value);
          return;
        }
        if (g.sub !== 'checkout' && g.sub !== 'switch') return;
        const { opts, operands, afterDashDash } = splitOptions(g.args);
        const createIdx = g.args.findIndex((a) => a.value !== null && ['-b', '-B', '-c', '-C', '--orphan', '--create', '--force-create'].includes(a.value));
        if (createIdx >= 0) {
          st.branch = g.args[createIdx + 1]?.value ?? null;
          return;
        }
        void opts;
        if (afterDashDash.length > 0 && g.sub === 'checkout') return;
        const op = operands[0];
        if (operands.length === 1 && op) st.branch = op.value === '-' ? null : op.value;
        return;
      }
    }
  }

  protected emit(argv: Arg[], st: State, fr: Frame, extra: { redirects: Redir[]; stdin?: StdinInfo; wrappers: string[]; find?: FindInfo; cwd?: string | null }): Invocation {
    const name = argv[0]?.value != null ? posix.basename(argv[0].value) : argv.length > 0 ? '?' : '';
    const inv: Invocation = {
      argv,
      name,
      cwd: extra.cwd !== undefined ? extra.cwd : st.cwd,
      redirects: extra.redirects,
      stdin: extra.stdin,
      wrappers: extra.wrappers,
      via: fr.via,
      depth: fr.depth,
      branch: st.branch,
      find: extra.find,
      text: argsText(argv) + extra.redirects.map((r) => ` ${r.fd ?? ''}${r.op}${r.target ? r.target.text : ''}`).join(''),
    };
    this.invocations.push(inv);
    return inv;
  }

  /** `cat file` of a file written earlier in the same command line: its known content. */
  protected catContent(mine: Invocation[], st: State): string | null {
    const inv = mine.length === 1 ? mine[0]! : undefined;
    if (!inv || inv.name !== 'cat' || inv.argv.length !== 2) return null;
    const a = inv.argv[1]!;
    const c = a.value === null ? undefined : this.fileContent(resolvePath(a.value, inv.cwd, this.ctx.home), st);
    return c ?? null;
  }

  protected runWrittenScript(content: string | null, path: string, st: State, fr: Frame): void {
    if (content === NETWORK_CONTENT) this.find('net.pipe-to-shell', `\`${path}\` was downloaded earlier in this command and is run without being read`);
    else if (content === null) this.find('shell.eval-unknown', `\`${path}\` was written earlier in this command with content the gate cannot see`, true);
    else this.walkString(content, clone(st), fr, `script ${path}`);
  }

  /** The content of a script file written earlier in the same command line, if known. */
  protected fileContent(path: string | null, st: State): string | null | undefined {
    if (path === null) return undefined;
    const k = FILE_KEY + path;
    return st.env.has(k) ? st.env.get(k)! : undefined;
  }


  /** Decides what a simple command's argv runs (implemented in analyze.ts). */
  protected abstract dispatch(argv: Arg[], st: State, fr: Frame, x: DispatchExtra): void;
}
