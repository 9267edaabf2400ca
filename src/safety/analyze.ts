/**
 * The analyzer: walks the syntax tree of a command line and lists every simple command it would
 * run ("invocations"), however it is nested or wrapped: pipelines and lists, subshells and groups,
 * `$(...)`, backticks and process substitutions, `bash -c`, `eval`, heredocs and pipes into a
 * shell, `xargs`, `find -exec`, `parallel`, `watch`, wrappers (`env`, `sudo`, `time`, `timeout`,
 * `nice`, `nohup`, `command`, `exec`, `stdbuf`, `ionice`, `npx`...), git aliases defined with
 * `-c alias.x=...`, and the shell or delete calls inside interpreter one-liners (`python -c`).
 * It tracks variables and the working directory along the way (`X=--force; git push $X`,
 * `cd / && rm -rf x`), and reports structural findings (network piped into a shell, code it cannot
 * see, fork bombs). Pure: no I/O.
 */
import { posix } from 'node:path';
import type { Command, Redirect, Script, SimpleCommand, Word } from './shell/ast.js';
import { parseShell, ShellParseError, MAX_DEPTH } from './shell/parser.js';
import { expandWord, type Arg, type Env } from './shell/expand.js';
import { resolvePath } from './paths.js';
import type { PolicyContext } from './types.js';
import { FETCHERS, SHELLS, interpreterOf } from './commands.js';
import { parseGitArgv, splitOptions } from './git-argv.js';
import { interpreterCode, scanAwk, scanCode } from './interp.js';

/** A redirection after expansion. `target` is null for heredocs. */
export interface Redir {
  op: string;
  fd?: number;
  target: Arg | null;
  /** Heredoc or here-string text, when known. */
  text?: string | null;
}

/** What a command reads on standard input. */
export interface StdinInfo {
  /** Something earlier in the pipeline fetched from the network. */
  network: boolean;
  /** The literal text fed in (`echo ... |`, a heredoc, a here-string), when known. */
  text: string | null;
  /** The invocations of the earlier pipeline stages. */
  producers: Invocation[];
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

interface State {
  env: Env;
  cwd: string | null;
  branch: string | null | undefined;
}

interface Frame {
  via: string[];
  depth: number;
}

const clone = (st: State): State => ({ env: new Map(st.env), cwd: st.cwd, branch: st.branch });
const lit = (v: string): Arg => ({ value: v, text: v, quoted: false, glob: false, unknownVars: [], vars: [], cmdsubs: [] });
const argsText = (argv: Arg[]): string => argv.map((a) => (a.value !== null && /[\s'"]/.test(a.value) ? JSON.stringify(a.value) : a.text)).join(' ');

/** The synthetic last path component standing for "a file `find` matched below its starting point". */
export const FIND_MATCH = '{find-match}';

/**
 * Analyzes a Bash command line run in `cwd`. Throws ShellParseError when the top-level text does
 * not parse (nested scripts that do not parse become `parse.*` findings instead).
 */
export function analyzeCommand(command: string, cwd: string, ctx: PolicyContext): Analysis {
  const script = parseShell(command, 0);
  const a = new Analyzer(ctx);
  a.script(script, { env: new Map(), cwd, branch: undefined }, { via: [], depth: 0 });
  return { invocations: a.invocations, findings: a.findings };
}

const MAX_INVOCATIONS = 2000;
/** Commands visited (loop bodies once per item, function bodies, nested scripts): bounds the work on hostile input. */
const MAX_STEPS = 20000;
/** Keys in the variable map that hold other facts: written file contents and aliases. */
const FILE_KEY = '\u0000file:';
const ALIAS_KEY = '\u0000alias:';
/** The content recorded for a file downloaded earlier in the same command. */
const NETWORK_CONTENT = '\u0000network';

/** `git -c` keys whose values git runs as shell commands (git-config(1)). */
const GIT_COMMAND_KEYS = /^(core\.(sshcommand|pager|editor|fsmonitor|askpass|hookspath)|sequence\.editor|diff\.external|diff\..*\.(textconv|command)|merge\..*\.driver|filter\..*\.(clean|smudge|process)|gpg\.(program|.*\.program)|credential\.helper|uploadpack\.packobjectshook|pager\..*|remote\..*\.(receivepack|uploadpack|vcs)|protocol\..*\.allow|ssh\.variant|core\.gitproxy)$/;
/** Environment variables whose value a program runs as a command. */
const COMMAND_VARS = new Set(['GIT_SSH_COMMAND', 'GIT_SSH', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'GIT_PAGER', 'GIT_EXTERNAL_DIFF', 'GIT_ASKPASS', 'SSH_ASKPASS', 'PAGER', 'EDITOR', 'VISUAL', 'LESSOPEN', 'LESSCLOSE', 'PROMPT_COMMAND', 'BASH_ENV', 'ENV', 'GIT_PROXY_COMMAND', 'MANPAGER', 'SYSTEMD_PAGER']);
/** Options whose values programs run as shell commands (GTFOBins-style escapes). */
const SHELL_OPTIONS: Record<string, string[]> = {
  tar: ['--to-command', '-I', '--use-compress-program', '--info-script', '-F', '--new-volume-script', '--checkpoint-action', '--rsh-command'],
  rsync: ['-e', '--rsh', '--rsync-path'],
  zip: ['-TT', '--unzip-command'],
  script: ['-c', '--command'],
  ssh: ['-o'],
  scp: ['-S', '-o'],
  sftp: ['-S', '-o'],
  git: ['--upload-pack', '--receive-pack', '--exec'],
  tmux: [],
  'start-stop-daemon': [],
};

class Analyzer {
  invocations: Invocation[] = [];
  findings: Finding[] = [];
  private produced = new Map<Script, Invocation[]>();
  private steps = 0;

  constructor(private readonly ctx: PolicyContext) {}

  private find(ruleId: string, detail: string, overridable = false): void {
    this.findings.push({ ruleId, detail, overridable });
  }

  private deeper(fr: Frame, label: string): Frame | undefined {
    if (fr.depth + 1 > MAX_DEPTH) {
      this.find('parse.too-deep', `nesting deeper than ${MAX_DEPTH} levels (${[...fr.via, label].join(' > ')})`);
      return undefined;
    }
    return { via: [...fr.via, label], depth: fr.depth + 1 };
  }

  // ---- scripts and compound commands --------------------------------------------------

  script(sc: Script, st: State, fr: Frame): void {
    for (const item of sc.items) this.pipeline(item.pipeline.commands, st, fr);
  }

  /** Parses and walks a string run as shell code (`bash -c`, `eval`, a piped script...). */
  private walkString(text: string, st: State, fr: Frame, label: string): void {
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
  private walkSub(sc: Script, st: State, fr: Frame, label: string): void {
    if (this.produced.has(sc)) return;
    const f = this.deeper(fr, label);
    const before = this.invocations.length;
    if (f) this.script(sc, clone(st), f);
    this.produced.set(sc, this.invocations.slice(before));
  }

  private fetches(sc: Script | undefined): boolean {
    if (!sc) return false;
    return (this.produced.get(sc) ?? []).some((inv) => FETCHERS.has(inv.name));
  }

  private pipeline(commands: Command[], st: State, fr: Frame): void {
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
      const mine = this.invocations.slice(before);
      network = network || mine.some((inv) => FETCHERS.has(inv.name));
      const cat = this.catContent(mine, sub);
      text = literalOutput(cmd, mine) ?? (cat === NETWORK_CONTENT ? null : cat);
      if (cat === NETWORK_CONTENT) network = true;
      prev = mine;
    });
  }

  private command(cmd: Command, st: State, fr: Frame, stdin: StdinInfo | undefined): void {
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
        if (f) this.script(cmd.body, clone(st), f);
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
        }
        // A function body is judged where it is defined, as if it ran.
        const f = this.deeper(fr, `function ${cmd.name}`);
        if (f) this.command(cmd.body, clone(st), f, undefined);
        return;
      }
      case 'test':
        for (const w of cmd.words) this.expand(w, st, fr, false);
        this.redirectOnly(cmd.redirects, st, fr);
        return;
      case 'arith':
        this.redirectOnly(cmd.redirects, st, fr);
        return;
    }
  }

  /** Expands a word after walking the substitutions inside it. */
  private expand(w: Word, st: State, fr: Frame, split: boolean): Arg[] {
    for (const p of w.parts) {
      if (p.type === 'cmdsub') this.walkSub(p.body, st, fr, '$(...)');
      else if (p.type === 'procsub') this.walkSub(p.body, st, fr, `${p.dir}(...)`);
      else if (p.type === 'param' && p.opScript) this.walkSub(p.opScript, st, fr, '${...}');
    }
    return expandWord(w, { env: st.env, home: this.ctx.home, cwd: st.cwd, split, cmdsubValue: (b) => this.cmdsubValue(b, st) });
  }

  /** The output of a substitution the analyzer can compute: `$(pwd)`, `$(git rev-parse --show-toplevel)`, `$(echo literal)`. */
  private cmdsubValue(body: Script, st: State): string | null {
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
    const line = v.join(' ');
    if (line === 'git branch --show-current' || line === 'git rev-parse --abbrev-ref HEAD' || line === 'git symbolic-ref --short HEAD') {
      return st.branch !== undefined ? st.branch : this.ctx.currentBranch ?? null;
    }
    if ((v[0] === 'dirname' || v[0] === 'basename') && v.length === 2) return v[0] === 'dirname' ? posix.dirname(v[1]!) : posix.basename(v[1]!);
    return null;
  }

  private redirects(rs: Redirect[], st: State, fr: Frame): Redir[] {
    return rs.map((r) => {
      if (r.heredoc) {
        let text: string | null = r.heredoc.body;
        if (r.heredoc.bodyWord) {
          const a = this.expand(r.heredoc.bodyWord, st, fr, false)[0];
          text = a && a.value !== null ? a.value : r.heredoc.body;
        }
        return { op: r.op, fd: r.fd, target: null, text };
      }
      const target = this.expand(r.target, st, fr, false)[0] ?? lit('');
      return { op: r.op, fd: r.fd, target, text: r.op === '<<<' ? target.value : undefined };
    });
  }

  private redirectOnly(rs: Redirect[], st: State, fr: Frame): void {
    if (rs.length === 0) return;
    this.emit([], st, fr, { redirects: this.redirects(rs, st, fr), wrappers: [] });
  }

  // ---- simple commands ----------------------------------------------------------------

  private simple(cmd: SimpleCommand, st: State, fr: Frame, pipeStdin: StdinInfo | undefined): void {
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
      if (r.op === '<<' || r.op === '<<-' || r.op === '<<<') stdin = { network: false, text: r.text ?? null, producers: [] };
      else if (r.op === '<' && r.target) stdin = { network: this.fetches(r.target.procsub), text: null, producers: [] };
    }
    if (argv.length === 0) {
      for (const [n, v] of assigned) st.env.set(n, v);
      if (redirects.length > 0) this.emit([], st, fr, { redirects, wrappers: [] });
      return;
    }
    this.commandVars(assigned, st, fr);
    const before = this.invocations.length;
    this.dispatch(argv, st, fr, { redirects, stdin, wrappers: [] });
    this.recordWrites(cmd, redirects, this.invocations.slice(before), st);
    this.recordDownloads(this.invocations.slice(before), st);
    this.updateState(argv, st);
  }

  /** Environment variables whose value programs run as a command (`GIT_SSH_COMMAND`, `PAGER`, `BASH_ENV`...). */
  private commandVars(pairs: Array<[string, string | null]>, st: State, fr: Frame): void {
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
  private optionCommands(name: string, argv: Arg[], st: State, fr: Frame): void {
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
  private recordDownloads(mine: Invocation[], st: State): void {
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
  private recordWrites(cmd: SimpleCommand, redirects: Redir[], mine: Invocation[], st: State): void {
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
  private updateState(argv: Arg[], st: State): void {
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

  private emit(argv: Arg[], st: State, fr: Frame, extra: { redirects: Redir[]; stdin?: StdinInfo; wrappers: string[]; find?: FindInfo; cwd?: string | null }): Invocation {
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
  private catContent(mine: Invocation[], st: State): string | null {
    const inv = mine.length === 1 ? mine[0]! : undefined;
    if (!inv || inv.name !== 'cat' || inv.argv.length !== 2) return null;
    const a = inv.argv[1]!;
    const c = a.value === null ? undefined : this.fileContent(resolvePath(a.value, inv.cwd, this.ctx.home), st);
    return c ?? null;
  }

  /** Unwraps wrappers and nested interpreters, then emits the final invocation(s). */
  private dispatch(argv: Arg[], st: State, fr: Frame, x: { redirects: Redir[]; stdin?: StdinInfo; wrappers: string[]; cwd?: string | null }): void {
    const a0 = argv[0];
    if (!a0) return;
    let name = a0.value !== null ? posix.basename(a0.value) : whichName(a0, this.produced);
    if (name === null) {
      this.find('shell.unknown-command', `the command name \`${a0.text}\` is only known when it runs`, true);
      this.emit(argv, st, fr, x);
      return;
    }
    if (a0.value === null) argv = [lit(name), ...argv.slice(1)];
    const rest = argv.slice(1);
    const alias = st.env.get(ALIAS_KEY + name);
    if (typeof alias === 'string' && !x.wrappers.includes(`alias ${name}`)) {
      const text = `${alias} ${rest.map((a) => (a.value !== null ? shellQuote(a.value) : a.text)).join(' ')}`;
      return this.walkString(text, st, fr, `alias ${name}`);
    }
    if (a0.value !== null && a0.value.includes('/')) {
      const content = this.fileContent(resolvePath(a0.value, x.cwd ?? st.cwd, this.ctx.home), st);
      if (content !== undefined) {
        this.emit(argv, st, fr, x);
        return this.runWrittenScript(content, a0.value, st, fr);
      }
    }
    const wrap = (inner: Arg[], label = name!, cwd?: string | null): void => {
      if (inner.length === 0) {
        this.emit(argv, st, fr, x);
        return;
      }
      this.dispatch(inner, st, fr, { ...x, wrappers: [...x.wrappers, label], cwd: cwd !== undefined ? cwd : x.cwd });
    };
    switch (name) {
      case 'sudo':
      case 'doas':
      case 'pkexec':
      case 'run0':
      case 'runuser':
      case 'su': {
        this.emit(argv, st, fr, x);
        if (name === 'su' || name === 'runuser') {
          const ci = rest.findIndex((a) => a.value === '-c' || a.value === '--command');
          const c = ci >= 0 ? rest[ci + 1] : undefined;
          if (c?.value) this.walkString(c.value, clone(st), fr, `${name} -c`);
          return;
        }
        const withValue = name === 'sudo' ? 'CDghpRrTtUu' : name === 'doas' ? 'uC' : '';
        const inner = skipOptions(rest, withValue, ['--user', '--group', '--prompt', '--chdir', '--close-from', '--host', '--role', '--type', '--other-user', '--command-timeout']);
        while (inner[0]?.value && /^[A-Za-z_][A-Za-z0-9_]*=/.test(inner[0].value)) inner.shift();
        if (inner.length > 0) this.dispatch(inner, st, fr, { ...x, wrappers: [...x.wrappers, name] });
        return;
      }
      case 'env': {
        let i = 0;
        let cwd = x.cwd;
        while (i < rest.length) {
          const v = rest[i]!.value;
          if (v === null) break;
          if (v === '--') {
            i++;
            break;
          }
          if (v === '-u' || v === '--unset' || v === '-C' || v === '--chdir') {
            if (v === '-C' || v === '--chdir') {
              const d = rest[i + 1]?.value ?? null;
              cwd = d === null ? null : resolvePath(d, cwd ?? st.cwd, this.ctx.home);
            }
            i += 2;
            continue;
          }
          if (v === '-S' || v.startsWith('--split-string') || /^-[a-zA-Z0]*S/.test(v)) {
            const s = v.startsWith('--split-string=') ? v.slice(15) : v === '-S' || v === '--split-string' ? rest[i + 1]?.value ?? null : v.slice(v.indexOf('S') + 1);
            const skip = v === '-S' || v === '--split-string' ? 2 : 1;
            if (s === null) {
              this.find('shell.unknown-command', 'env -S with a string only known when it runs', true);
              return;
            }
            const after = rest.slice(i + skip);
            return wrap([...s.split(/\s+/).filter(Boolean).map(lit), ...after], 'env', cwd);
          }
          if (v.startsWith('--chdir=')) {
            cwd = resolvePath(v.slice(8), cwd ?? st.cwd, this.ctx.home);
            i++;
            continue;
          }
          if (v.startsWith('-') && v !== '-') {
            i++;
            continue;
          }
          if (v === '-') {
            i++;
            continue;
          }
          if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) {
            const eq = v.indexOf('=');
            this.commandVars([[v.slice(0, eq), v.slice(eq + 1)]], st, fr);
            i++;
            continue;
          }
          break;
        }
        const inner = rest.slice(i);
        if (inner.length === 0) {
          this.emit(argv, st, fr, x);
          return;
        }
        return wrap(inner, 'env', cwd);
      }
      case 'time':
        return wrap(skipOptions(rest, 'fo', ['--format', '--output']));
      case 'nice': {
        const r = [...rest];
        while (r[0]?.value && /^-/.test(r[0].value)) {
          const v = r.shift()!.value!;
          if (v === '-n' || v === '--adjustment') r.shift();
          if (v === '--') break;
        }
        return wrap(r);
      }
      case 'nohup':
      case 'builtin':
      case 'nocorrect':
      case 'noglob':
      case 'unbuffer':
      case 'fakeroot':
      case 'chronic':
      case 'torsocks':
      case 'proxychains':
      case 'proxychains4':
      case 'catchsegv':
        return wrap(rest[0]?.value === '--' ? rest.slice(1) : rest);
      case 'setsid':
        return wrap(skipOptions(rest, '', []));
      case 'command': {
        const opts = rest.filter((a) => a.value?.startsWith('-'));
        if (opts.some((a) => /[vV]/.test(a.value!))) return void this.emit(argv, st, fr, x);
        return wrap(skipOptions(rest, '', []));
      }
      case 'exec':
        if (rest.length === 0) return void this.emit(argv, st, fr, x);
        return wrap(skipOptions(rest, 'a', []));
      case 'stdbuf':
        return wrap(skipOptions(rest, 'ioe', ['--input', '--output', '--error']));
      case 'ionice':
        return wrap(skipOptions(rest, 'cnpPu', ['--class', '--classdata', '--pid', '--pgid', '--uid']));
      case 'caffeinate':
        return wrap(skipOptions(rest, 'tw', []));
      case 'taskset': {
        const r = skipOptions(rest, '', []);
        return wrap(r.slice(1));
      }
      case 'chrt': {
        const r = skipOptions(rest, '', []);
        return wrap(r.slice(1));
      }
      case 'timeout': {
        const r = skipOptions(rest, 'sk', ['--signal', '--kill-after']);
        return wrap(r.slice(1));
      }
      case 'flock': {
        const r = skipOptions(rest, 'wEc', ['--timeout', '--conflict-exit-code', '--command']);
        const ci = rest.findIndex((a) => a.value === '-c' || a.value === '--command');
        if (ci >= 0 && rest[ci + 1]?.value) return this.walkString(rest[ci + 1]!.value!, clone(st), fr, 'flock -c');
        return wrap(r.slice(1));
      }
      case 'watch': {
        const exec = rest.some((a) => a.value === '-x' || a.value === '--exec');
        const r = skipOptions(rest, 'nq', ['--interval', '--differences', '--equexit', '--errexit']);
        if (exec) return wrap(r);
        if (r.every((a) => a.value !== null)) return this.walkString(r.map((a) => a.value).join(' '), clone(st), fr, 'watch');
        return this.unknownCode(r, 'watch');
      }
      case 'npx':
      case 'bunx':
      case 'pnpx': {
        const ci = rest.findIndex((a) => a.value === '-c' || a.value === '--call');
        if (ci >= 0 && rest[ci + 1]?.value) return this.walkString(rest[ci + 1]!.value!, clone(st), fr, `${name} -c`);
        const r = skipOptions(rest, 'p', ['--package']);
        return wrap(stripVersion(r));
      }
      case 'npm':
      case 'pnpm':
      case 'yarn': {
        const sub = rest[0]?.value;
        if (sub === 'exec' || sub === 'x' || sub === 'dlx') {
          const r = skipOptions(rest.slice(1), 'pc', ['--package', '--call']);
          return wrap(stripVersion(r), `${name} ${sub}`);
        }
        break;
      }
      case 'bundle':
      case 'poetry':
      case 'pipenv':
      case 'uv':
      case 'pdm':
      case 'hatch':
      case 'rye':
      case 'pixi': {
        const sub = rest[0]?.value;
        if (sub === 'exec' || sub === 'run') return wrap(skipOptions(rest.slice(1), '', []), `${name} ${sub}`);
        break;
      }
      case 'uvx':
      case 'pipx':
        if (name === 'pipx' && rest[0]?.value !== 'run') break;
        return wrap(stripVersion(skipOptions(name === 'pipx' ? rest.slice(1) : rest, '', [])));
      case 'docker':
      case 'podman': {
        // `docker exec [opts] container cmd...` / `docker compose exec [opts] service cmd...`: judge the inner command.
        const compose = rest[0]?.value === 'compose';
        const r = compose ? rest.slice(1) : rest;
        if (r[0]?.value !== 'exec') break;
        const inner = skipOptions(r.slice(1), 'eEuw', ['--env', '--env-file', '--user', '--workdir', '--detach-keys', '--index']);
        if (inner.length < 2) break;
        this.emit(argv, st, fr, x);
        const f = this.deeper(fr, `${name} exec`);
        if (f) this.dispatch(inner.slice(1), clone(st), f, { redirects: [], wrappers: [], stdin: x.stdin, cwd: null });
        return;
      }
      case 'eval': {
        if (rest.length === 0) break;
        if (rest.every((a) => a.value !== null)) return this.walkString(rest.map((a) => a.value).join(' '), st, fr, 'eval');
        return this.unknownCode(rest, 'eval');
      }
      case 'source':
      case '.': {
        const f = rest[0];
        if (f?.procsub) {
          if (this.fetches(f.procsub)) this.find('net.pipe-to-shell', `\`${name}\` runs code fetched from the network (process substitution)`);
          return;
        }
        if (f && (f.value === '/dev/stdin' || f.value === '-')) return this.stdinScript(x.stdin, st, fr, name);
        const content = f?.value == null ? undefined : this.fileContent(resolvePath(f.value, x.cwd ?? st.cwd, this.ctx.home), st);
        if (content !== undefined) {
          this.emit(argv, st, fr, x);
          return this.runWrittenScript(content, f!.value!, st, fr);
        }
        break;
      }
      case 'xargs':
        return this.xargs(argv, st, fr, x);
      case 'find':
        return this.findCmd(argv, st, fr, x);
      case 'parallel':
        return this.parallel(argv, st, fr, x);
      case 'git': {
        const g = parseGitArgv(argv);
        for (const [k, v] of Object.entries(g.config)) {
          if (!GIT_COMMAND_KEYS.test(k)) continue;
          const code = k === 'credential.helper' ? (v.startsWith('!') ? v.slice(1) : '') : v;
          if (code) this.walkString(code, clone(st), fr, `git -c ${k}`);
        }
        const alias = g.sub !== null ? g.config[`alias.${g.sub.toLowerCase()}`] : undefined;
        if (alias !== undefined) {
          const f = this.deeper(fr, `git alias ${g.sub}`);
          if (!f) return;
          if (alias.startsWith('!')) {
            const extra = g.args.map((a) => (a.value !== null ? shellQuote(a.value) : a.text)).join(' ');
            return this.walkString(`${alias.slice(1)} ${extra}`, clone(st), f, `git alias ${g.sub}`);
          }
          const globals = g.globals.filter((a, idx, arr) => !(a.value?.startsWith(`alias.`) && arr[idx - 1]?.value === '-c') && !(a.value === '-c' && arr[idx + 1]?.value?.startsWith('alias.')));
          const expanded = [argv[0]!, ...globals, ...splitAlias(alias).map(lit), ...g.args];
          return this.dispatch(expanded, st, f, { ...x });
        }
        break;
      }
    }
    if (SHELLS.has(name)) return this.shell(name, argv, st, fr, x);
    const fam = interpreterOf(name);
    if (fam) return this.interpreter(fam, name, argv, st, fr, x);
    this.optionCommands(name, argv, st, fr);
    if (/^[gmn]?awk$/.test(name)) this.awk(name, argv, st, fr);
    this.emit(argv, st, fr, x);
  }

  /** `awk '... system("cmd") ...'`: judges the shell commands an awk program runs. */
  private awk(name: string, argv: Arg[], st: State, fr: Frame): void {
    const args = argv.slice(1);
    let i = 0;
    while (i < args.length) {
      const v = args[i]!.value;
      if (v === null || !v.startsWith('-') || v === '-' || v === '--') break;
      if (v === '-f' || v.startsWith('--file')) return; // program in a file: not inspected
      i += ['-F', '-v', '--assign', '--field-separator'].includes(v) ? 2 : 1;
    }
    if (args[i]?.value === '--') i++;
    const prog = args[i];
    if (!prog) return;
    if (prog.value === null) {
      this.find('interp.unknown-code', `\`${name}\` runs a program only known when it runs`, true);
      return;
    }
    const scan = scanAwk(prog.value);
    for (const sh of scan.shellStrings) this.walkString(sh, clone(st), fr, `${name} system()`);
    if (scan.unknownShell) this.find('interp.unknown-code', `\`${name}\` calls the shell with a command that is only known when it runs`, true);
  }

  private runWrittenScript(content: string | null, path: string, st: State, fr: Frame): void {
    if (content === NETWORK_CONTENT) this.find('net.pipe-to-shell', `\`${path}\` was downloaded earlier in this command and is run without being read`);
    else if (content === null) this.find('shell.eval-unknown', `\`${path}\` was written earlier in this command with content the gate cannot see`, true);
    else this.walkString(content, clone(st), fr, `script ${path}`);
  }

  private unknownCode(args: Arg[], label: string): void {
    if (args.some((a) => a.cmdsubs.some((s) => this.fetches(s)))) {
      this.find('net.pipe-to-shell', `\`${label}\` runs code fetched from the network`);
      return;
    }
    this.find('shell.eval-unknown', `\`${label}\` runs code that is only known when it runs (\`${argsText(args)}\`)`, true);
  }

  private stdinScript(stdin: StdinInfo | undefined, st: State, fr: Frame, label: string): void {
    if (!stdin) return;
    if (stdin.network) {
      this.find('net.pipe-to-shell', `output fetched from the network is piped into \`${label}\``);
      return;
    }
    if (stdin.text !== null) {
      this.walkString(stdin.text, clone(st), fr, `${label} <<stdin`);
      return;
    }
    // `cat script.sh | bash` runs a local file like `bash script.sh` does; anything else computed is unknown code.
    const localFile = stdin.producers.length > 0 && stdin.producers.every((p) => p.name === 'cat' && p.argv.length > 1 && p.argv.slice(1).every((a) => a.value !== null && !a.value.startsWith('-')));
    if (stdin.producers.length > 0 && !localFile) this.find('shell.eval-unknown', `\`${label}\` runs a script computed by \`${stdin.producers.map((p) => p.text).join(' | ')}\``, true);
  }

  /** The content of a script file written earlier in the same command line, if known. */
  private fileContent(path: string | null, st: State): string | null | undefined {
    if (path === null) return undefined;
    const k = FILE_KEY + path;
    return st.env.has(k) ? st.env.get(k)! : undefined;
  }

  private shell(name: string, argv: Arg[], st: State, fr: Frame, x: { redirects: Redir[]; stdin?: StdinInfo; wrappers: string[]; cwd?: string | null }): void {
    const args = argv.slice(1);
    let i = 0;
    let dashC = false;
    let fromStdin = false;
    if (name === 'busybox') {
      if (args[0]?.value && SHELLS.has(args[0].value)) return this.shell(args[0].value, args, st, fr, x);
      if (args.length > 0) return this.dispatch(args, st, fr, { ...x, wrappers: [...x.wrappers, 'busybox'] });
      this.emit(argv, st, fr, x);
      return;
    }
    while (i < args.length) {
      const v = args[i]!.value;
      if (v === null) break;
      if (v === '--' || v === '-') {
        i++;
        if (v === '-') fromStdin = true;
        break;
      }
      if (/^[-+]O$|^[-+]o$/.test(v)) {
        i += 2;
        continue;
      }
      if (v.startsWith('--')) {
        i += v === '--rcfile' || v === '--init-file' ? 2 : 1;
        if (v === '--command') dashC = true;
        continue;
      }
      if (/^[-+][A-Za-z]+$/.test(v)) {
        if (v[0] === '-' && v.includes('c')) dashC = true;
        if (v[0] === '-' && v.includes('s')) fromStdin = true;
        i++;
        continue;
      }
      break;
    }
    const operands = args.slice(i);
    if (dashC) {
      const s = operands[0];
      if (!s) return;
      if (s.value !== null) return this.walkString(s.value, clone(st), fr, `${name} -c`);
      return this.unknownCode([s], `${name} -c`);
    }
    const script = operands[0];
    if (script && !fromStdin) {
      if (script.procsub && this.fetches(script.procsub)) {
        this.find('net.pipe-to-shell', `\`${name}\` runs a script fetched from the network (process substitution)`);
        return;
      }
      this.emit(argv, st, fr, x);
      const content = script.value === null ? undefined : this.fileContent(resolvePath(script.value, x.cwd ?? st.cwd, this.ctx.home), st);
      if (content !== undefined) this.runWrittenScript(content, script.value!, st, fr);
      return;
    }
    this.stdinScript(x.stdin, st, fr, name);
  }

  private interpreter(fam: NonNullable<ReturnType<typeof interpreterOf>>, name: string, argv: Arg[], st: State, fr: Frame, x: { redirects: Redir[]; stdin?: StdinInfo; wrappers: string[]; cwd?: string | null }): void {
    const info = interpreterCode(fam, argv.slice(1));
    if (info.module) {
      // `python -m twine upload` runs the module like a command.
      this.dispatch([lit(info.module), ...info.moduleArgs], st, fr, { ...x, wrappers: [...x.wrappers, `${name} -m`] });
      return;
    }
    if (info.scriptArg?.procsub) {
      if (this.fetches(info.scriptArg.procsub)) this.find('net.pipe-to-shell', `\`${name}\` runs a script fetched from the network (process substitution)`);
      return;
    }
    if (info.remoteScript) {
      this.find('net.pipe-to-shell', `\`${name}\` runs a script straight from a URL (${info.remoteScript})`);
      return;
    }
    let code: string | null | undefined = info.code;
    if (info.readsStdin && x.stdin) {
      if (x.stdin.network) {
        this.find('net.pipe-to-shell', `output fetched from the network is piped into \`${name}\``);
        return;
      }
      code = x.stdin.text;
    }
    this.emit(argv, st, fr, x);
    if (code === undefined) return;
    if (code === null) {
      if (info.code === null) this.find('interp.unknown-code', `\`${name}\` runs code that is only known when it runs`, true);
      return;
    }
    const f = this.deeper(fr, `${name} code`);
    if (!f) return;
    const scan = scanCode(fam, code);
    for (const s of scan.shellStrings) this.walkString(s, clone(st), fr, `${name} shell call`);
    for (const list of scan.argvLists) this.dispatch(list.map(lit), clone(st), f, { redirects: [], wrappers: [] });
    for (const p of scan.deletePaths) this.emit([lit('rm'), lit('-rf'), lit('--'), lit(p)], st, f, { redirects: [], wrappers: [] });
    for (const p of scan.secretPaths) this.emit([lit('cat'), lit('--'), lit(p)], st, f, { redirects: [], wrappers: [] });
    for (const p of scan.writePaths) this.emit([lit('touch'), lit('--'), lit(p)], st, f, { redirects: [], wrappers: [] });
    if (scan.unknownShell) this.find('interp.unknown-code', `\`${name}\` code calls the shell with a command that is only known when it runs`, true);
    if (scan.unknownDelete) this.find('fs.rm-unknown-target', `\`${name}\` code deletes a path that is only known when it runs`);
  }

  private xargs(argv: Arg[], st: State, fr: Frame, x: { redirects: Redir[]; stdin?: StdinInfo; wrappers: string[]; cwd?: string | null }): void {
    const args = argv.slice(1);
    const withValue = new Set(['-I', '-L', '-l', '-n', '-P', '-s', '-d', '-E', '-e', '-a', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--max-chars', '--replace', '--eof', '--process-slot-var']);
    let i = 0;
    let replace: string | undefined;
    while (i < args.length) {
      const v = args[i]!.value;
      if (v === null || !v.startsWith('-')) break;
      if (v === '--') {
        i++;
        break;
      }
      if (v === '-I' || v === '--replace') replace = args[i + 1]?.value ?? '{}';
      else if (v.startsWith('-I')) replace = v.slice(2);
      else if (v === '-i' || v.startsWith('--replace=')) replace = v.startsWith('--replace=') ? v.slice(10) : '{}';
      else if (v.startsWith('-i')) replace = v.slice(2);
      if (withValue.has(v)) i += 2;
      else i++;
    }
    const template = args.slice(i);
    const cmd = template.length > 0 ? template : [lit('echo')];
    const f = this.deeper(fr, 'xargs');
    if (!f) return;
    const items = stdinItems(x.stdin, this.ctx);
    const runs: Arg[][] = [];
    if (replace !== undefined) {
      for (const item of items.slice(0, 16)) {
        runs.push(cmd.map((a) => (a.value !== null && a.value.includes(replace!) ? (item.value === null ? { ...item, text: a.value } : lit(a.value.split(replace!).join(item.value))) : a)));
      }
    } else runs.push([...cmd, ...items]);
    for (const r of runs) this.dispatch(r, clone(st), f, { redirects: [], wrappers: [] });
  }

  private findCmd(argv: Arg[], st: State, fr: Frame, x: { redirects: Redir[]; stdin?: StdinInfo; wrappers: string[]; cwd?: string | null }): void {
    const args = argv.slice(1);
    let i = 0;
    while (i < args.length && args[i]!.value !== null && /^-[HLP]$|^-D$|^-O\d$/.test(args[i]!.value!)) i += args[i]!.value === '-D' ? 2 : 1;
    const baseArgs: Arg[] = [];
    while (i < args.length) {
      const v = args[i]!.value;
      if (v !== null && (v.startsWith('-') || v === '(' || v === '!' || v === ')')) break;
      baseArgs.push(args[i]!);
      i++;
    }
    const cwd = x.cwd !== undefined ? x.cwd : st.cwd;
    const bases = (baseArgs.length > 0 ? baseArgs : [lit('.')]).map((a) => (a.value === null ? null : resolvePath(a.value, cwd, this.ctx.home)));
    const expr = args.slice(i);
    let narrowing = false;
    let negated = false;
    let canHitGit = false;
    let deletes = false;
    const execs: Array<{ kind: string; words: Arg[] }> = [];
    for (let k = 0; k < expr.length; k++) {
      const v = expr[k]!.value;
      if (v === null) continue;
      if (v === '!' || v === '-not' || v === '-o' || v === '-or') negated = true;
      if (['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname'].includes(v)) {
        narrowing = true;
        const pat = expr[k + 1]?.value ?? null;
        if (pat === null || patternCanHitGit(v, pat)) canHitGit = true;
        k++;
        continue;
      }
      if (v === '-delete') deletes = true;
      if (['-exec', '-execdir', '-ok', '-okdir'].includes(v)) {
        const words: Arg[] = [];
        k++;
        while (k < expr.length && !(expr[k]!.value === ';' || (expr[k]!.value === '+' && words.at(-1)?.value === '{}'))) words.push(expr[k++]!);
        execs.push({ kind: v, words });
      }
    }
    if (negated) narrowing = false;
    if (!narrowing) canHitGit = true;
    const info: FindInfo = { bases, narrowing, canHitGit, deletes };
    this.emit(argv, st, fr, { ...x, find: info });
    for (const e of execs) {
      if (e.words.length === 0) continue;
      const f = this.deeper(fr, `find ${e.kind}`);
      if (!f) return;
      for (const b of bases.slice(0, 8)) {
        const match = findMatchValue(b, info);
        const words = e.words.map((a) => (a.value !== null && a.value.includes('{}') ? (match === null ? { ...a, value: null, text: a.value } : lit(a.value.split('{}').join(match))) : a));
        this.dispatch(words, clone(st), f, { redirects: [], wrappers: [] });
      }
    }
  }

  private parallel(argv: Arg[], st: State, fr: Frame, x: { redirects: Redir[]; stdin?: StdinInfo; wrappers: string[]; cwd?: string | null }): void {
    const args = argv.slice(1);
    const withValue = new Set(['-j', '--jobs', '-S', '--sshlogin', '-a', '--arg-file', '-d', '--delimiter', '-I', '-N', '-n', '-L', '-E', '--joblog', '--results', '--timeout', '--retries', '--tmpdir', '--workdir', '--halt', '--delay', '--memfree', '--load', '-P', '--colsep', '--sshloginfile', '--basefile', '--return', '--env']);
    let i = 0;
    while (i < args.length) {
      const v = args[i]!.value;
      if (v === null || !v.startsWith('-') || v.startsWith(':::')) break;
      i += withValue.has(v) ? 2 : 1;
    }
    const rest = args.slice(i);
    const sep = rest.findIndex((a) => a.value !== null && /^::::?\+?$/.test(a.value));
    const template = sep >= 0 ? rest.slice(0, sep) : rest;
    const inputs = sep >= 0 ? rest.slice(sep + 1).filter((a) => !(a.value !== null && /^::::?\+?$/.test(a.value))) : stdinItems(x.stdin, this.ctx);
    const fileInputs = sep >= 0 && rest[sep]!.value!.startsWith('::::');
    const f = this.deeper(fr, 'parallel');
    if (!f) return;
    const items: Arg[] = fileInputs ? [{ ...lit(''), value: null, text: '<file>', fromStdin: true }] : inputs.slice(0, 16);
    for (const item of items.length > 0 ? items : [lit('')]) {
      if (template.length === 0) {
        if (item.value !== null) this.walkString(item.value, clone(st), f, 'parallel');
        else this.unknownCode([item], 'parallel');
        continue;
      }
      const hasPlaceholder = template.some((a) => a.value?.includes('{}'));
      const words = hasPlaceholder ? template.map((a) => (a.value?.includes('{}') ? (item.value === null ? { ...item, text: a.value } : lit(a.value.split('{}').join(item.value))) : a)) : [...template, item];
      if (words.every((a) => a.value !== null)) this.walkString(words.map((a) => a.value).join(' '), clone(st), f, 'parallel');
      else this.dispatch(words, clone(st), f, { redirects: [], wrappers: [] });
    }
  }
}

// ---- helpers ----------------------------------------------------------------------------

/** Drops options (and the values of the listed ones) from the front of `args`, through `--`. */
function skipOptions(args: Arg[], shortWithValue: string, longWithValue: string[]): Arg[] {
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

function stripVersion(args: Arg[]): Arg[] {
  const a = args[0];
  if (!a || a.value === null) return args;
  const m = /^(@?[^@]+)@[^/]*$/.exec(a.value);
  const name = m ? m[1]! : a.value;
  return [{ ...a, value: name, text: name }, ...args.slice(1)];
}

function shellQuote(v: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/** Splits a git alias value into words (git's own quoting: whitespace, single and double quotes). */
function splitAlias(v: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v))) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** The name `$(which rm)` / `$(command -v rm)` stands for, when the word is just that. */
function whichName(a: Arg, produced: Map<Script, Invocation[]>): string | null {
  if (a.cmdsubs.length !== 1 || !/^\$\(\.\.\.\)$/.test(a.text)) return null;
  const invs = produced.get(a.cmdsubs[0]!) ?? [];
  const inv = invs[0];
  if (invs.length !== 1 || !inv) return null;
  const args = inv.argv.slice(1).filter((x) => !(x.value ?? '').startsWith('-'));
  if ((inv.name === 'which' || inv.name === 'command' || inv.name === 'type') && args.length === 1 && args[0]!.value) return posix.basename(args[0]!.value);
  return null;
}

/** The text a pipeline stage writes, when it is literal (`echo`, `printf`, `cat <<EOF`). */
function literalOutput(cmd: Command, mine: Invocation[]): string | null {
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
function stdinItems(stdin: StdinInfo | undefined, ctx: PolicyContext): Arg[] {
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
function listsVisibleFiles(p: Invocation): boolean {
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
    default:
      return false;
  }
}

/** What `{}` of `find -exec` stands for: a path below the base, the base itself, or `.git` (whichever is worst). */
function findMatchValue(base: string | null, info: FindInfo): string | null {
  if (base === null) return null;
  if (!info.narrowing) return base;
  if (info.canHitGit) return `${base === '/' ? '' : base}/.git`;
  return `${base === '/' ? '' : base}/${FIND_MATCH}`;
}

const GIT_NAMES = ['.git', 'HEAD', 'config', 'index', 'ORIG_HEAD', 'FETCH_HEAD', 'packed-refs', 'description', 'COMMIT_EDITMSG', 'objects', 'refs', 'hooks', 'info', 'logs', 'pack-1a2b.pack', 'pack-1a2b.idx', 'pre-commit.sample', 'main', 'master', 'exclude', '3f9a1c0de5b0b0a9d8c7f6e5d4c3b2a1908172'];

function patternCanHitGit(test: string, pat: string): boolean {
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
function merge(st: State, snap: State, outs: State[]): void {
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
function callsItselfInBackground(body: Command, name: string): boolean {
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
