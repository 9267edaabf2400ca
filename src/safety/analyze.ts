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
import { parseShell } from './shell/parser.js';
import type { Script } from './shell/ast.js';
import type { Arg } from './shell/expand.js';
import { isSecretPath, resolvePath } from './paths.js';
import type { PolicyContext } from './types.js';
import { GIT_BANG_KEYS, GIT_COMMAND_KEYS, GIT_PATH_KEYS, GIT_SUB_COMMAND_OPTIONS, SHELLS, interpreterOf, printsOwnCompletion } from './commands.js';
import { parseGitArgv } from './git-argv.js';
import { interpreterCode, scanAwk, scanCode } from './interp.js';
import { embeddedScripts, screenCommands, tmuxCommands } from './embedded-args.js';
import { argsText, FIND_MATCH, lit, type Analysis, type FindInfo, type Finding, type Invocation, type Redir, type StdinInfo } from './invocation.js';
import { clone, findMatchValue, positionalArgs, setPositional, withGitEnv, patternCanHitGit, shellQuote, skipOptions, splitAlias, stdinItems, stripVersion, whichName, type State } from './analyze-util.js';

import { Walker, ALIAS_KEY, GIT_ALIAS_KEY, type DispatchExtra, type Frame } from './analyze-walk.js';

export type { Analysis, FindInfo, Finding, Invocation, Redir, StdinInfo } from './invocation.js';
export { FIND_MATCH } from './invocation.js';

/**
 * Analyzes a Bash command line run in `cwd`. Throws ShellParseError when the top-level text does
 * not parse (nested scripts that do not parse become `parse.*` findings instead).
 */
export function analyzeCommand(command: string, cwd: string, ctx: PolicyContext): Analysis {
  const script = parseShell(command, 0);
  const a = new Analyzer(ctx);
  a.script(script, { env: new Map(), cwd, branch: undefined }, { via: [], depth: 0 });
  a.finishFunctions();
  return { invocations: a.invocations, findings: a.findings };
}

/** `docker run` / `docker compose run` options that take a value (the image follows them). */
const DOCKER_RUN_VALUE_OPTS = ['--name', '--network', '--net', '--volume', '--mount', '--env', '--env-file', '--workdir', '--user', '--publish', '--entrypoint', '--platform', '--label', '--add-host', '--cpus', '--memory', '--restart', '--hostname', '--device', '--cap-add', '--cap-drop', '--security-opt', '--tmpfs', '--ulimit', '--pull', '--log-driver', '--log-opt', '--health-cmd', '--shm-size', '--gpus', '--ipc', '--pid', '--dns', '--expose', '--link', '--volumes-from', '--cidfile', '--stop-signal', '--stop-timeout', '--runtime', '--group-add', '--userns', '--uts', '--cgroupns', '--isolation', '--memory-swap', '--cpu-shares', '--cpuset-cpus', '--init-path', '--label-file', '--detach-keys', '--service-ports'];

class Analyzer extends Walker {
  /** Unwraps wrappers and nested interpreters, then emits the final invocation(s). */
  protected override dispatch(argv: Arg[], st: State, fr: Frame, x: DispatchExtra): void {
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
    if (x.wrappers.length === 0 && this.callFunction(name, rest, st, fr, x)) return;
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
        const envPairs: Array<[string, string | null]> = [];
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
            envPairs.push([v.slice(0, eq), v.slice(eq + 1)]);
            i++;
            continue;
          }
          break;
        }
        const inner = withGitEnv(rest.slice(i), envPairs);
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
      case 'systemd-run':
        return wrap(skipOptions(rest, 'upEMH', ['--unit', '--property', '--description', '--slice', '--setenv', '--machine', '--host', '--uid', '--gid', '--nice', '--working-directory', '--on-active', '--on-boot', '--on-startup', '--on-unit-active', '--on-unit-inactive', '--on-calendar', '--timer-property', '--path-property', '--socket-property', '--service-type']));
      case 'at':
      case 'batch': {
        // at/batch read the commands to schedule from standard input (or -f file): judged as a script.
        this.emit(argv, st, fr, x);
        const fi = rest.findIndex((a) => a.value === '-f');
        if (fi >= 0) {
          const file = rest[fi + 1];
          const content = file?.value == null ? null : this.fileContent(resolvePath(file.value, x.cwd ?? st.cwd, this.ctx.home), st);
          if (content === undefined) this.find('shell.eval-unknown', `\`${name} -f\` schedules a script the gate cannot see`, true);
          else if (content === null) this.find('shell.eval-unknown', `\`${name} -f\` schedules a script only known when it runs`, true);
          else this.runWrittenScript(content, file!.value!, st, fr);
          return;
        }
        if (rest.some((a) => /^-[lrdc]$/.test(a.value ?? ''))) return;
        if (!x.stdin) return this.find('shell.eval-unknown', `\`${name}\` schedules commands typed on its input`, true);
        return this.stdinScript(x.stdin, st, fr, name);
      }
      case 'coproc':
        // `coproc cmd args` runs cmd in the background (bash(1), Coprocesses).
        return wrap(rest);
      case 'strace':
      case 'ltrace':
        return wrap(skipOptions(rest, 'eoOpsuEPSXabIU', ['--trace', '--output', '--attach', '--user', '--env', '--trace-path', '--string-limit', '--signal', '--status', '--absolute-timestamps', '--summary-sort-by']));
      case 'hyperfine':
      case 'concurrently': {
        // Each operand is a shell command line; so are hyperfine's --prepare/--setup/--cleanup/--conclude values.
        const cmdOpts = new Set(['-p', '--prepare', '-s', '--setup', '-c', '--cleanup', '--conclude']);
        const valueOpts = new Set(['-w', '--warmup', '-r', '--runs', '-m', '--min-runs', '-M', '--max-runs', '-S', '--shell', '-u', '--time-unit', '--style', '--export-json', '--export-csv', '--export-markdown', '--export-asciidoc', '--export-orgmode', '-n', '--command-name', '--names', '--prefix', '--prefix-colors', '-c', '--color', '--max-processes', '--kill-signal', '--restart-tries', '--restart-after', '--success', '--timestamp-format', '--default-input-target', '--handle-input', '--input-cwd', '--cwd']);
        for (let i = 0; i < rest.length; i++) {
          const a = rest[i]!;
          const v = a.value;
          if (v !== null && v.startsWith('-')) {
            if (name === 'hyperfine' && cmdOpts.has(v)) {
              const c = rest[++i];
              if (c?.value != null) this.walkString(c.value, clone(st), fr, `${name} ${v}`);
              else if (c) this.unknownCode([c], `${name} ${v}`, st, fr);
            } else if (valueOpts.has(v)) i++;
            continue;
          }
          if (v === null) this.unknownCode([a], name, st, fr);
          else this.walkString(v, clone(st), fr, name);
        }
        return void this.emit(argv, st, fr, x);
      }
      case 'command': {
        // Only the options before the command name are command's own (`command mongosh --eval x`).
        const firstOperand = rest.findIndex((a) => !a.value?.startsWith('-'));
        const opts = (firstOperand < 0 ? rest : rest.slice(0, firstOperand)).filter((a) => a.value?.startsWith('-'));
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
        return this.unknownCode(r, 'watch', st, fr);
      }
      case 'npx':
      case 'bunx':
      case 'pnpx': {
        // `npx -c 'cmd'` runs a shell command line; a `-c` after the package name is the package's own option.
        const r = skipOptions(rest, 'pc', ['--package', '--call']);
        const ci = rest.slice(0, rest.length - r.length).findIndex((a) => a.value === '-c' || a.value === '--call');
        if (ci >= 0 && rest[ci + 1]?.value) return this.walkString(rest[ci + 1]!.value!, clone(st), fr, `${name} -c`);
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
        // `docker run [opts] image cmd...` too (its file system may include mounted host folders).
        const compose = rest[0]?.value === 'compose';
        const r = compose ? rest.slice(1) : rest;
        const sub = r[0]?.value;
        if (sub !== 'exec' && sub !== 'run') break;
        const inner = skipOptions(r.slice(1), sub === 'exec' ? 'eEuw' : 'eEuwvpPlmchLt', sub === 'exec' ? ['--env', '--env-file', '--user', '--workdir', '--detach-keys', '--index'] : DOCKER_RUN_VALUE_OPTS);
        if (inner.length < 2 || inner.some((a) => a.value === null && inner.indexOf(a) === 0)) break;
        this.emit(argv, st, fr, x);
        const f = this.deeper(fr, `${name} ${sub}`);
        if (f) this.dispatch(inner.slice(1), clone(st), f, { redirects: [], wrappers: [], stdin: x.stdin, cwd: null });
        return;
      }
      case 'trap': {
        // `trap 'code' EXIT`: the code runs later in the same shell.
        const code = rest[0];
        if (!code || rest.length < 2 || (code.value !== null && (code.value === '-' || code.value === '' || code.value.startsWith('-')))) break;
        this.emit(argv, st, fr, x);
        if (code.value !== null) this.walkString(code.value, clone(st), fr, 'trap');
        else this.unknownCode([code], 'trap', st, fr);
        return;
      }
      case 'eval': {
        if (rest.length === 0) break;
        if (rest.every((a) => a.value !== null)) return this.walkString(rest.map((a) => a.value).join(' '), st, fr, 'eval');
        return this.unknownCode(rest, 'eval', st, fr);
      }
      case 'source':
      case '.': {
        const f = rest[0];
        if (f?.procsub) return this.procsubScript(f.procsub, name, st, fr);
        if (f && (f.value === '/dev/stdin' || f.value === '-')) return this.stdinScript(x.stdin, st, fr, name);
        const content = f?.value == null ? undefined : this.fileContent(resolvePath(f.value, x.cwd ?? st.cwd, this.ctx.home), st);
        if (content !== undefined) {
          this.emit(argv, st, fr, x);
          return this.runWrittenScript(content, f!.value!, st, fr);
        }
        break;
      }
      case 'sed':
      case 'gsed':
      case 'sqlite3':
      case 'sqlite':
      case 'vim':
      case 'vi':
      case 'nvim':
      case 'ex':
      case 'view':
      case 'vimdiff':
      case 'gvim':
      case 'evim':
      case 'ed':
      case 'make':
      case 'gmake':
      case 'gdb':
      case 'emacs':
      case 'emacsclient':
      case 'tclsh':
      case 'wish':
      case 'expect':
        this.embedded(name, argv, st, fr, x);
        break;
      case 'tmux':
      case 'screen':
        return this.terminalMux(name, argv, st, fr, x);
      case 'xargs':
        return this.xargs(argv, st, fr, x);
      case 'find':
        return this.findCmd(argv, st, fr, x);
      case 'parallel':
        return this.parallel(argv, st, fr, x);
      case 'git': {
        const g = parseGitArgv(argv);
        this.gitSettings(g, st, fr, x);
        this.gitOptionCommands(g, st, fr);
        const written = g.sub !== null && st.env.has(GIT_ALIAS_KEY + g.sub.toLowerCase()) ? st.env.get(GIT_ALIAS_KEY + g.sub.toLowerCase()) : undefined;
        if (written === null) return this.find('shell.eval-unknown', `git alias \`${g.sub}\` was set earlier in this command to a value only known when it runs`, true);
        const alias = g.sub !== null ? g.config[`alias.${g.sub.toLowerCase()}`] ?? written : undefined;
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
        // Subcommands that run a command: `git submodule foreach <shell command>` (in each
        // submodule's folder) and `git bisect run <argv>`.
        if (g.sub === 'submodule' || g.sub === 'bisect') {
          const vals = g.args.map((a) => a.value);
          const at = g.sub === 'submodule' ? vals.indexOf('foreach') : vals[0] === 'run' ? 0 : -1;
          if (at >= 0) {
            const f = this.deeper(fr, `git ${g.sub}`);
            if (!f) return;
            let rest = g.args.slice(at + 1);
            while (g.sub === 'submodule' && rest[0]?.value != null && /^(--recursive|-q|--quiet)$/.test(rest[0].value)) rest = rest.slice(1);
            if (g.sub === 'bisect') this.dispatch(rest, clone(st), f, { redirects: [], wrappers: [] });
            else if (rest.some((a) => a.value === null)) this.unknownCode(rest, 'git submodule foreach', st, f);
            // Judged from the worktree: submodule folders are inside it, and `..` from there is at most the worktree root.
            else this.walkString(rest.map((a) => (rest.length === 1 ? a.value! : shellQuote(a.value!))).join(' '), clone(st), f, 'git submodule foreach');
          }
        }
        break;
      }
    }
    // Reverse shells: a shell whose input or output is a network socket, `nc -e /bin/sh`, `socat ... exec:sh`.
    if (SHELLS.has(name) && x.redirects.some((r) => r.target?.value != null && /^\/dev\/(tcp|udp)\//.test(r.target.value))) {
      this.find('net.pipe-to-shell', `\`${name}\` reads or writes a network socket (${x.redirects.find((r) => r.target?.value != null && /^\/dev\/(tcp|udp)\//.test(r.target.value))!.target!.value}): a reverse shell`);
      return;
    }
    if (/^(nc|ncat|netcat|nc\.traditional|nc\.openbsd)$/.test(name) && argv.slice(1).some((a) => a.value !== null && /^-[a-zA-Z]*[ec]$|^--(exec|sh-exec|lua-exec)(=|$)/.test(a.value))) {
      this.find('net.pipe-to-shell', `\`${name}\` runs a program connected to the network (-e/-c): a remote shell`);
      return;
    }
    if (name === 'socat' && argv.slice(1).some((a) => a.value !== null && /(^|[,!])(exec|system):/i.test(a.value))) {
      this.find('net.pipe-to-shell', '`socat` connects a program (exec:/system:) to a network address: a remote shell');
      return;
    }
    if (SHELLS.has(name)) return this.shell(name, argv, st, fr, x);
    const fam = interpreterOf(name);
    if (fam) return this.interpreter(fam, name, argv, st, fr, x);
    this.optionCommands(name, argv, st, fr);
    if (/^[gmn]?awk$/.test(name)) this.awk(name, argv, st, fr);
    this.emit(argv, st, fr, x);
  }

  /**
   * git settings given on the command line (`-c k=v`, `--config-env`, and the `GIT_CONFIG_*`
   * variables withGitEnv turned into `-c`) that run programs: their commands are walked like
   * any other; hooks or included files from outside the worktree, and such settings only known
   * when git runs, are code the gate cannot see.
   */
  private gitSettings(g: ReturnType<typeof parseGitArgv>, st: State, fr: Frame, x: DispatchExtra): void {
    for (const k of g.unknownConfig) {
      if (k === '' || GIT_COMMAND_KEYS.test(k) || k.startsWith('alias.')) this.find('shell.eval-unknown', `the git setting ${k === '' ? '(its name too)' : k} is only known when git runs, and it can run a command`, true);
    }
    for (const [k, v] of Object.entries(g.config)) {
      if (!GIT_COMMAND_KEYS.test(k)) continue;
      if (GIT_PATH_KEYS.test(k)) {
        const p = v === '' ? null : resolvePath(v, x.cwd ?? st.cwd, this.ctx.home);
        const inside = p !== null && (p === '/dev/null' || p === this.ctx.worktreeRoot || p.startsWith(this.ctx.worktreeRoot + '/'));
        if (!inside) this.find('shell.eval-unknown', `git -c ${k}=${v} makes git run or read files outside your worktree that the gate cannot see`, true);
        continue;
      }
      const code = GIT_BANG_KEYS.test(k) ? (v.startsWith('!') ? v.slice(1) : '') : v;
      if (code) this.walkString(code, clone(st), fr, `git -c ${k}`);
    }
  }

  /** Options of git subcommands that carry a shell command (`git rebase -x`, `git difftool --extcmd`...; GIT_SUB_COMMAND_OPTIONS). */
  private gitOptionCommands(g: ReturnType<typeof parseGitArgv>, st: State, fr: Frame): void {
    const spec = g.sub === null ? undefined : GIT_SUB_COMMAND_OPTIONS[g.sub];
    if (!spec) return;
    for (let i = 0; i < g.args.length; i++) {
      const v = g.args[i]!.value;
      if (v === null || v === '--') {
        if (v === '--') return;
        continue;
      }
      const o = spec.find((o) => v === o || (o.startsWith('--') && v.startsWith(o + '=')) || (!o.startsWith('--') && v.startsWith(o) && v.length > o.length));
      if (!o) continue;
      const val = v === o ? g.args[++i] : lit(v.slice(o.length + (o.startsWith('--') ? 1 : 0)));
      if (!val) continue;
      if (val.value === null) this.unknownCode([val], `git ${g.sub} ${o}`, st, fr);
      else this.walkString(val.value, clone(st), fr, `git ${g.sub} ${o}`);
    }
  }

  /**
   * A script run from a process substitution (`source <(...)`, `bash <(...)`): its text when the
   * substitution prints literal text (`<(echo 'cmd')`, `<(cat <<EOF ...)`), walked like any script;
   * network output is net.pipe-to-shell; any other output is code only known when it runs.
   */
  private procsubScript(sc: Script, name: string, st: State, fr: Frame): void {
    if (this.fetches(sc)) return this.find('net.pipe-to-shell', `\`${name}\` runs code fetched from the network (process substitution)`);
    const text = this.scriptOutput(sc, st);
    if (text !== null) return this.walkString(text, clone(st), fr, `${name} <(...)`);
    const made = this.produced.get(sc) ?? [];
    if (made.length === 1 && printsOwnCompletion(made[0]!)) return;
    const producers = made.map((i) => i.text).join('; ');
    this.find('shell.eval-unknown', `\`${name}\` runs the output of \`${producers}\` (a process substitution), which is only known when it runs; write the commands out literally instead`, true);
  }

  /** Shell commands inside the command language of sed, sqlite3, vim/ex/ed, make, gdb, Emacs Lisp and Tcl (embedded.ts). */
  private embedded(name: string, argv: Arg[], st: State, fr: Frame, x: DispatchExtra): void {
    const found = embeddedScripts(name, argv.slice(1), x.stdin?.text ?? null, (sc) => this.scriptOutput(sc, st));
    for (const e of found) {
      if (e.unknown) this.find('interp.unknown-code', `\`${name}\`: ${e.unknown}`, true);
      for (const sh of e.shellStrings) this.walkString(sh, clone(st), fr, `${name} ${e.label}`);
      for (const w of e.writePaths) if (w !== '' && w !== '/dev/stdout' && w !== '/dev/stderr') this.emit([lit('touch'), lit('--'), lit(w)], st, fr, { redirects: [], wrappers: [name] });
    }
  }

  /**
   * tmux and screen start shell commands in a new window (`tmux new -d 'cmd'`, `tmux run-shell`,
   * `screen -dm cmd args`) or type keys into one (`tmux send-keys 'cmd' Enter`, `screen -X stuff`):
   * those commands are walked like any other (tmux(1) COMMANDS, screen(1)).
   */
  private terminalMux(name: string, argv: Arg[], st: State, fr: Frame, x: DispatchExtra): void {
    this.emit(argv, st, fr, x);
    const f = this.deeper(fr, name);
    if (!f) return;
    const cmds = name === 'tmux' ? tmuxCommands(argv.slice(1)) : screenCommands(argv.slice(1));
    for (const c of cmds) {
      if (c.some((a) => a.value === null)) this.unknownCode(c, name, st, f);
      else if (c.length === 1) this.walkString(c[0]!.value!, clone(st), f, name);
      else this.dispatch(c, clone(st), f, { redirects: [], wrappers: [] });
    }
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
    for (const v of scan.printedSecretVars) this.emit([lit('printenv'), lit(v)], st, fr, { redirects: [], wrappers: [] });
    if (scan.printsEnvironment) this.emit([lit('printenv')], st, fr, { redirects: [], wrappers: [] });
    if (scan.computedOutsideWrite) this.find('fs.write-outside-worktree', `\`${name}\` code writes a path built from the home folder or the environment`);
    if (scan.runsFetchedCode) this.find('net.pipe-to-shell', `\`${name}\` code fetches from the network and evaluates what it got`);
    if (scan.unknownShell) this.find('interp.unknown-code', `\`${name}\` calls the shell with a command that is only known when it runs`, true);
  }

  private unknownCode(args: Arg[], label: string, st?: State, fr?: Frame): void {
    if (args.some((a) => a.cmdsubs.some((s) => this.fetches(s)))) {
      this.find('net.pipe-to-shell', `\`${label}\` runs code fetched from the network`);
      return;
    }
    this.find('shell.eval-unknown', `\`${label}\` runs code that is only known when it runs (\`${argsText(args)}\`)`, true);
    // Best effort: judge the known parts too (`bash -c "cd $D && rm -rf /"`), so that allowing the
    // unknown part through safety.allow_commands never lets a known-destructive part through.
    if (!st || !fr) return;
    const text = args.map((a) => a.value ?? a.text).join(' ');
    const f = this.deeper(fr, `${label} (known parts)`);
    if (!f) return;
    let sc: Script;
    try {
      sc = parseShell(text, f.depth);
    } catch {
      return;
    }
    this.script(sc, clone(st), f);
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
    if (stdin.computed && stdin.producers.length === 0) {
      this.find('shell.eval-unknown', `\`${label}\` runs a script that is only known when it runs (a here-string or process substitution)`, true);
      return;
    }
    if (stdin.producers.length > 0 && !localFile) this.find('shell.eval-unknown', `\`${label}\` runs a script computed by \`${stdin.producers.map((p) => p.text).join(' | ')}\``, true);
  }

  private shell(name: string, argv: Arg[], st: State, fr: Frame, x: DispatchExtra): void {
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
      // `sh -c 'script' name arg1 arg2`: $0 is name, $1... the args (unknown ones stay unknown).
      const inner = clone(st);
      const params = operands.slice(1);
      inner.env.delete('0');
      if (params[0]) inner.env.set('0', params[0].value);
      setPositional(inner, params.slice(1));
      if (s.value !== null) return this.walkString(s.value, inner, fr, `${name} -c`);
      return this.unknownCode([s], `${name} -c`, st, fr);
    }
    const script = operands[0];
    // `bash /dev/stdin args`: the script is standard input.
    if (script && !fromStdin && script.value !== null && /^\/dev\/stdin$|^\/dev\/fd\/0$|^\/proc\/self\/fd\/0$/.test(script.value)) return this.stdinScript(x.stdin, st, fr, name);
    if (script && !fromStdin) {
      if (script.procsub) return this.procsubScript(script.procsub, name, st, fr);
      this.emit(argv, st, fr, x);
      const content = script.value === null ? undefined : this.fileContent(resolvePath(script.value, x.cwd ?? st.cwd, this.ctx.home), st);
      if (content !== undefined) this.runWrittenScript(content, script.value!, st, fr);
      return;
    }
    this.stdinScript(x.stdin, st, fr, name);
  }

  private interpreter(fam: NonNullable<ReturnType<typeof interpreterOf>>, name: string, argv: Arg[], st: State, fr: Frame, x: DispatchExtra): void {
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
    const scan = scanCode(fam, code, info.prints === true && code === info.code);
    for (const s of scan.shellStrings) this.walkString(s, clone(st), fr, `${name} shell call`);
    for (const list of scan.argvLists) this.dispatch(list.map(lit), clone(st), f, { redirects: [], wrappers: [] });
    for (const p of scan.deletePaths) this.emit([lit('rm'), lit('-rf'), lit('--'), lit(p)], st, f, { redirects: [], wrappers: [] });
    for (const p of scan.secretPaths) this.emit([lit('cat'), lit('--'), lit(p)], st, f, { redirects: [], wrappers: [] });
    for (const p of scan.writePaths) this.emit([lit('touch'), lit('--'), lit(p)], st, f, { redirects: [], wrappers: [] });
    // Printing secret variables or the whole environment from code is judged like `printenv`.
    for (const v of scan.printedSecretVars) this.emit([lit('printenv'), lit(v)], st, f, { redirects: [], wrappers: [] });
    if (scan.printsEnvironment) this.emit([lit('printenv')], st, f, { redirects: [], wrappers: [] });
    if (scan.computedOutsideWrite) this.find('fs.write-outside-worktree', `\`${name}\` code writes a path built from the home folder or the environment`);
    if (scan.runsFetchedCode) this.find('net.pipe-to-shell', `\`${name}\` code fetches from the network and evaluates what it got`);
    if (scan.unknownShell) this.find('interp.unknown-code', `\`${name}\` code calls the shell with a command that is only known when it runs`, true);
    if (scan.unknownDelete) this.find('fs.rm-unknown-target', `\`${name}\` code deletes a path that is only known when it runs`);
  }

  private xargs(argv: Arg[], st: State, fr: Frame, x: DispatchExtra): void {
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
    // xargs itself reads and writes the redirections (`xargs < /proc/self/environ`, `xargs echo > /etc/x`).
    this.emit([argv[0]!, ...args.slice(0, i)], st, fr, { ...x, stdin: undefined });
    const f = this.deeper(fr, 'xargs');
    if (!f) return;
    // With -I, each input line (not word) is one item (xargs(1)).
    const lines = replace !== undefined && x.stdin?.text != null ? x.stdin.text.split('\n').filter((l) => l.trim() !== '') : undefined;
    const items = lines !== undefined && lines.length <= 64 ? lines.map(lit) : stdinItems(x.stdin, this.ctx);
    const runs: Arg[][] = [];
    if (replace !== undefined) {
      for (const item of items.slice(0, 16)) {
        runs.push(cmd.map((a) => (a.value !== null && a.value.includes(replace!) ? (item.value === null ? { ...item, text: a.value } : lit(a.value.split(replace!).join(item.value))) : a)));
      }
    } else runs.push([...cmd, ...items]);
    for (const r of runs) this.dispatch(r, clone(st), f, { redirects: [], wrappers: [] });
  }

  private findCmd(argv: Arg[], st: State, fr: Frame, x: DispatchExtra): void {
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
    // The expression narrows the matches when one of its top-level AND-ed tests is a positive name
    // test (`-name '*.tmp' -not -path './.git/*'` narrows). An alternative (`-o`), or a negated
    // group (`! ( ... )`), can bypass every test: then nothing counts as narrowing.
    let narrowing = false;
    let alternative = false;
    let pendingNot = false;
    let canHitGit = false;
    let deletes = false;
    const namePatterns: string[] = [];
    const execs: Array<{ kind: string; words: Arg[] }> = [];
    for (let k = 0; k < expr.length; k++) {
      const v = expr[k]!.value;
      if (v === null) {
        pendingNot = false;
        continue;
      }
      if (v === '-o' || v === '-or' || v === ',') alternative = true;
      if (v === '!' || v === '-not') {
        if (expr[k + 1]?.value === '(' || expr[k + 1]?.value === null) alternative = true;
        else pendingNot = !pendingNot;
        continue;
      }
      if (['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname'].includes(v)) {
        if (!pendingNot && (v === '-name' || v === '-iname') && expr[k + 1]?.value) namePatterns.push(expr[k + 1]!.value!);
        if (!pendingNot) {
          narrowing = true;
          const pat = expr[k + 1]?.value ?? null;
          if (pat === null || patternCanHitGit(v, pat)) canHitGit = true;
        }
        pendingNot = false;
        k++;
        continue;
      }
      if (v.startsWith('-')) pendingNot = false;
      if (v === '-delete') deletes = true;
      if (['-exec', '-execdir', '-ok', '-okdir'].includes(v)) {
        const words: Arg[] = [];
        k++;
        while (k < expr.length && !(expr[k]!.value === ';' || (expr[k]!.value === '+' && words.at(-1)?.value === '{}'))) words.push(expr[k++]!);
        execs.push({ kind: v, words });
      }
    }
    if (alternative) narrowing = false;
    if (!narrowing) canHitGit = true;
    const info: FindInfo = { bases, narrowing, canHitGit, deletes };
    this.emit(argv, st, fr, { ...x, find: info });
    for (const e of execs) {
      if (e.words.length === 0) continue;
      const f = this.deeper(fr, `find ${e.kind}`);
      if (!f) return;
      for (const b of bases.slice(0, 8)) {
        let match = findMatchValue(b, info);
        // `find . -name '.env*' -exec cat {} \;` reads secret files: `{}` stands for the secret-looking name.
        const secretName = namePatterns.find((n) => isSecretPath(n));
        if (match !== null && secretName !== undefined && match.endsWith(`/${FIND_MATCH}`)) match = match.slice(0, -FIND_MATCH.length) + secretName;
        const words = e.words.map((a) => (a.value !== null && a.value.includes('{}') ? (match === null ? { ...a, value: null, text: a.value } : lit(a.value.split('{}').join(match))) : a));
        this.dispatch(words, clone(st), f, { redirects: [], wrappers: [] });
      }
    }
  }

  private parallel(argv: Arg[], st: State, fr: Frame, x: DispatchExtra): void {
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
