/**
 * Finds the scripts in the command lines of programs with a command language of their own (sed,
 * sqlite3, vim/ex, make, gdb) and of terminal multiplexers (tmux, screen), for the scanners of
 * embedded.ts and for the analyzer. Pure: no I/O.
 */
import type { Script } from './shell/ast.js';
import type { Arg } from './shell/expand.js';
import { scanElisp, scanExCommand, scanGdbCommand, scanMakefile, scanSed, scanSqlite, scanTcl, type EmbeddedScan } from './embedded.js';

/** One script found on a command line, with where it came from (`-e`, `-c`, `stdin`...). */
export type FoundScript = EmbeddedScan & { label: string };

/** The text of a process substitution's output when literal (given by the analyzer), else null. */
export type ProcsubText = (sc: Script) => string | null;

/**
 * The scripts of one call of `name` (sed, gsed, sqlite3, sqlite, vim, vi, nvim, ex, view, vimdiff,
 * gvim, evim, ed, make, gmake, gdb, emacs, emacsclient, tclsh, wish, expect) with arguments `args` (argv without the name) and the literal text
 * on its standard input (or null). An argument only known when it runs is scanned in its display
 * form (`s/a/$X/`): what is literal in it still counts. Never throws.
 */
export function embeddedScripts(name: string, args: Arg[], stdin: string | null, procsubText: ProcsubText): FoundScript[] {
  switch (name) {
    case 'sed':
    case 'gsed':
      return sedScripts(args);
    case 'sqlite3':
    case 'sqlite':
      return sqliteScripts(args, stdin);
    case 'make':
    case 'gmake':
      return makeScripts(args, stdin, procsubText);
    case 'gdb':
      return gdbScripts(args);
    case 'emacs':
    case 'emacsclient':
      return emacsScripts(args);
    case 'tclsh':
    case 'wish':
    case 'expect':
      return tclScripts(name, args, stdin);
    default:
      return vimScripts(name, args, stdin);
  }
}

const text = (a: Arg): string => a.value ?? a.text;
const labeled = (label: string, scan: EmbeddedScan): FoundScript => ({ ...scan, label });

/** sed's script: every `-e`/`--expression`, or the first operand (sed(1)); `--sandbox` refuses `e` and `w`. */
function sedScripts(args: Arg[]): FoundScript[] {
  const scripts: string[] = [];
  let operandScript = true;
  let firstOperand: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const v = text(args[i]!);
    if (v === '--sandbox') return [];
    if (v === '-e' || v === '--expression' || v === '-f' || v === '--file') {
      operandScript = false;
      if (v.endsWith('e') || v === '--expression') scripts.push(args[i + 1] ? text(args[i + 1]!) : '');
      i++;
    } else if (v.startsWith('--expression=')) {
      operandScript = false;
      scripts.push(v.slice(13));
    } else if (v.startsWith('--file=')) operandScript = false;
    else if (/^-[nrEszu]*e./.test(v)) {
      operandScript = false;
      scripts.push(v.slice(v.indexOf('e') + 1));
    } else if (v === '-l' || v === '--line-length') i++;
    else if (!v.startsWith('-') || v === '-') firstOperand ??= v;
  }
  if (operandScript && firstOperand !== undefined) scripts.push(firstOperand);
  return scripts.map((s) => labeled('script', scanSed(s)));
}

/** sqlite3's SQL and dot-commands: `-cmd` values, the operands after the database, and standard input; `-safe` blocks `.shell`. */
function sqliteScripts(args: Arg[], stdin: string | null): FoundScript[] {
  const out: FoundScript[] = [];
  const withValue = new Set(['-init', '-separator', '-newline', '-nullvalue', '-vfs', '-maxsize', '-mmap', '-pagecache', '-lookaside', '-heap', '-escape', '-A', '-zip']);
  let db = false;
  for (let i = 0; i < args.length; i++) {
    const v = text(args[i]!);
    if (v === '-safe' || v === '--safe') return [];
    if (v === '-cmd' || v === '--cmd') {
      out.push(labeled('-cmd', scanSqlite(args[i + 1] ? text(args[i + 1]!) : '')));
      i++;
    } else if (withValue.has(v) || withValue.has(v.replace(/^--/, '-'))) i++;
    else if (v.startsWith('-') && !db) continue;
    else if (!db) db = true;
    else out.push(labeled('SQL', scanSqlite(v)));
  }
  if (stdin !== null) out.push(labeled('stdin', scanSqlite(stdin)));
  return out;
}

/**
 * make's makefiles that the gate can read: `-f` of a process substitution or of standard input,
 * and `--eval` text (GNU make manual, "Options Summary"). A makefile named by path is the
 * project's own, like a script in the worktree; one only known when it runs is unknown code.
 */
function makeScripts(args: Arg[], stdin: string | null, procsubText: ProcsubText): FoundScript[] {
  const out: FoundScript[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = a.value;
    let file: Arg | undefined;
    if (v === '-f' || v === '--file' || v === '--makefile') file = args[++i];
    else if (v !== null && /^--(file|makefile)=/.test(v)) file = { ...a, value: v.slice(v.indexOf('=') + 1) };
    else if (v === '-E' || v === '--eval') out.push(labeled('--eval', scanMakefile(args[++i] ? text(args[i]!) : '')));
    else if (v !== null && v.startsWith('--eval=')) out.push(labeled('--eval', scanMakefile(v.slice(7))));
    if (!file) continue;
    if (file.procsub) {
      const t = procsubText(file.procsub);
      out.push(t === null ? { label: '-f <(...)', shellStrings: [], writePaths: [], unknown: 'the makefile is the output of a process substitution, only known when it runs' } : labeled('-f <(...)', scanMakefile(t)));
    } else if (file.value === '-' || file.value === '/dev/stdin') {
      out.push(stdin === null ? { label: '-f stdin', shellStrings: [], writePaths: [], unknown: 'the makefile is read from standard input, only known when it runs' } : labeled('-f stdin', scanMakefile(stdin)));
    } else if (file.value === null) out.push({ label: '-f', shellStrings: [], writePaths: [], unknown: `the makefile \`${file.text}\` is only known when it runs` });
  }
  return out;
}

/** gdb's `-ex`/`--eval-command`/`-iex`/`--init-eval-command` commands (gdb(1)). */
function gdbScripts(args: Arg[]): FoundScript[] {
  const out: FoundScript[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = text(args[i]!);
    const m = /^--?(ex|eval-command|iex|init-eval-command)(?:=([\s\S]*))?$/.exec(v);
    if (!m) continue;
    const c = m[2] ?? (args[++i] ? text(args[i]!) : '');
    out.push(labeled(`-${m[1]}`, scanGdbCommand(c)));
  }
  return out;
}

/** `emacs --eval EXPR` / `-eval` / `--eval=EXPR`, `emacsclient -e EXPR` (emacs(1)). */
function emacsScripts(args: Arg[]): FoundScript[] {
  const out: FoundScript[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = text(args[i]!);
    const m = /^(?:--?eval|-e|--execute)(?:=([\s\S]*))?$/.exec(v);
    if (!m) continue;
    const code = m[1] ?? (args[++i] ? text(args[i]!) : '');
    out.push(labeled('--eval', args[i]?.value === null && m[1] === undefined ? { shellStrings: [], writePaths: [], unknown: 'the Emacs Lisp given to --eval is only known when it runs' } : scanElisp(code)));
  }
  return out;
}

/** A Tcl script: `expect -c cmds`, or a program on standard input (tclsh/expect without a script file). */
function tclScripts(name: string, args: Arg[], stdin: string | null): FoundScript[] {
  const out: FoundScript[] = [];
  let file = false;
  for (let i = 0; i < args.length; i++) {
    const v = text(args[i]!);
    if (name === 'expect' && v === '-c') out.push(labeled('-c', scanTcl(args[++i] ? text(args[i]!) : '')));
    else if (name === 'expect' && v === '-f') {
      file = true;
      i++;
    } else if (!v.startsWith('-')) {
      file = true;
      break;
    }
  }
  if (!file && stdin !== null) out.push(labeled('stdin', scanTcl(stdin)));
  return out;
}

/** vim's `-c cmd`, `--cmd cmd`, `+cmd`, and in ex mode (`ex`, `-e`, `-E`, `-es`) the ex script on standard input (vim(1)). */
function vimScripts(name: string, args: Arg[], stdin: string | null): FoundScript[] {
  const out: FoundScript[] = [];
  let exMode = name === 'ex' || name === 'ed';
  for (let i = 0; i < args.length; i++) {
    const v = text(args[i]!);
    if (v === '--') break;
    if (v === '-c' || v === '--cmd') out.push(labeled(v, scanExCommand(args[++i] ? text(args[i]!) : '')));
    else if (v.startsWith('+') && !/^\+\d*$/.test(v) && !v.startsWith('+/')) out.push(labeled('+cmd', scanExCommand(v.slice(1))));
    else if (/^-[a-zA-Z]*[eE][a-zA-Z]*$/.test(v) && !v.startsWith('--')) exMode = true;
  }
  if (exMode && stdin !== null) for (const line of stdin.split('\n')) out.push(labeled('stdin', scanExCommand(line)));
  return out;
}

/**
 * The shell commands a tmux command line starts (tmux(1) COMMANDS): the shell-command operand of
 * new-session, new-window, split-window, respawn-pane/-window, run-shell, display-popup,
 * if-shell and pipe-pane, and the keys send-keys types (key names like `Enter` dropped). Each
 * result is one command line (one word) or an argv. Commands are separated by `;` words.
 */
export function tmuxCommands(args: Arg[]): Arg[][] {
  const out: Arg[][] = [];
  let i = 0;
  // tmux's own options: -L socket, -S path, -f file, -T features, -c shell-command.
  while (i < args.length && args[i]!.value?.startsWith('-')) {
    const v = args[i]!.value!;
    if (v === '-c') {
      if (args[i + 1]) out.push([args[i + 1]!]);
      i += 2;
      continue;
    }
    i += /^-[LSfT]$/.test(v) ? 2 : 1;
  }
  const runs = new Set(['new-session', 'new', 'new-window', 'neww', 'split-window', 'splitw', 'respawn-pane', 'respawnp', 'respawn-window', 'respawnw', 'run-shell', 'run', 'display-popup', 'popup', 'if-shell', 'if', 'pipe-pane', 'pipep']);
  const keys = new Set(['send-keys', 'send']);
  while (i < args.length) {
    let end = args.findIndex((a, k) => k > i && (a.value === ';' || a.value === '\\;'));
    if (end < 0) end = args.length;
    const sub = args[i]!.value ?? '';
    const rest = args.slice(i + 1, end);
    i = end + 1;
    if (!runs.has(sub) && !keys.has(sub)) continue;
    let k = 0;
    while (k < rest.length && rest[k]!.value?.startsWith('-') && rest[k]!.value !== '--') k += /^-[a-zA-Z]*[cdeFlnpstTwxyNb]$/.test(rest[k]!.value!) && /[cetFlnpstTwxyN]$/.test(rest[k]!.value!) ? 2 : 1;
    if (rest[k]?.value === '--') k++;
    const operands = rest.slice(k);
    if (operands.length === 0) continue;
    if (keys.has(sub)) {
      const typed = operands.filter((a) => a.value === null || !/^(Enter|C-[a-zA-Z]|M-[a-zA-Z]|Escape|Tab|Space|BSpace|Up|Down|Left|Right)$/.test(a.value));
      if (typed.length > 0) out.push(typed.every((a) => a.value !== null) ? [{ ...typed[0]!, value: typed.map((a) => a.value).join(' '), text: typed.map((a) => a.text).join(' ') }] : typed);
    } else if (sub === 'if-shell' || sub === 'if') out.push([operands[0]!]);
    else out.push(operands);
  }
  return out;
}

/**
 * The commands a screen command line starts (screen(1)): the program and arguments after the
 * options (`screen -dmS name cmd args`), and `-X stuff 'keys'` / `-X exec cmd`.
 */
export function screenCommands(args: Arg[]): Arg[][] {
  let i = 0;
  while (i < args.length && args[i]!.value?.startsWith('-')) {
    const v = args[i]!.value!;
    if (v === '-X') {
      const cmd = args[i + 1]?.value;
      const rest = args.slice(i + 2);
      if (cmd === 'stuff' && rest[0]) return [[{ ...rest[0], value: rest[0].value === null ? null : rest[0].value.replace(/\\n|\^M|\r|\n/g, '\n') }]];
      if (cmd === 'exec' || cmd === 'screen') return rest.length > 0 ? [rest.filter((a) => !/^[.!|:]+$/.test(a.value ?? ''))] : [];
      return [];
    }
    i += /^-[a-zA-Z]*[SLcpTehs]$/.test(v) && !/^-[dmDRrx]+$/.test(v) ? 2 : 1;
  }
  const rest = args.slice(i);
  return rest.length > 0 ? [rest] : [];
}
