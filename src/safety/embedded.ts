/**
 * Programs with a command language of their own that can start a shell: sed's `e` command and
 * `s///e` flag, sqlite3's `.shell`/`.system` and `|cmd` file names, vim/ex `:!cmd`, make recipes
 * and `$(shell ...)`, gdb's `shell`. Each scanner reads that language far enough to find the
 * shell command lines in it (literal ones, to be analysed like any Bash command) and the places
 * where the command is only known when the program runs (reported as unknown code). Also ed's `!`,
 * Emacs Lisp's process calls and Tcl's `exec`/`spawn` (tclsh, expect). Pure: no I/O.
 */

/** What a script in an embedded language would run or write. */
export interface EmbeddedScan {
  /** Shell command lines the script runs, literally. */
  shellStrings: string[];
  /** Why the script runs a command only known when it runs (e.g. `s///e` runs the pattern space), if it does. */
  unknown?: string;
  /** Files the script writes (`sed 'w out.txt'`), as written. */
  writePaths: string[];
}

const empty = (): EmbeddedScan => ({ shellStrings: [], writePaths: [] });

/**
 * A sed script (GNU sed manual, "sed scripts"): `e command` runs command; a bare `e` and the `e`
 * flag of `s` run the pattern space (file content) as a command: unknown code; `w file`, `W file`
 * and the `w` flag of `s` write files. Commands are separated by newlines and `;`.
 */
export function scanSed(script: string): EmbeddedScan {
  const out = empty();
  let i = 0;
  const s = script;
  const toEol = (): string => {
    const end = s.indexOf('\n', i);
    const text = s.slice(i, end < 0 ? s.length : end);
    i = end < 0 ? s.length : end + 1;
    return text;
  };
  const skipDelimited = (delim: string): void => {
    while (i < s.length && s[i] !== delim) i += s[i] === '\\' ? 2 : 1;
    i++;
  };
  while (i < s.length) {
    while (i < s.length && /[\s;]/.test(s[i]!)) i++;
    // Addresses: numbers, `$`, `first~step`, `/re/`, `\cREc`, `addr1,addr2`, `addr!`.
    for (;;) {
      if (/[\d$~+]/.test(s[i] ?? '')) {
        while (/[\d$~+]/.test(s[i] ?? '')) i++;
      } else if (s[i] === '/') {
        i++;
        skipDelimited('/');
        while (/[IM]/.test(s[i] ?? '')) i++;
      } else if (s[i] === '\\' && i + 1 < s.length) {
        const d = s[i + 1]!;
        i += 2;
        skipDelimited(d);
      } else break;
      while (s[i] === ' ') i++;
      if (s[i] === ',') {
        i++;
        while (s[i] === ' ') i++;
        continue;
      }
      break;
    }
    while (s[i] === '!' || s[i] === ' ') i++;
    const c = s[i];
    if (c === undefined) break;
    i++;
    switch (c) {
      case 'e': {
        const cmd = toEol().trim();
        if (cmd === '' || cmd.startsWith(';') || cmd.startsWith('}')) out.unknown = 'sed `e` runs the pattern space (text read from the file) as a command';
        else out.shellStrings.push(cmd);
        break;
      }
      case 's':
      case 'y': {
        const d = s[i++];
        if (d === undefined) break;
        skipDelimited(d);
        skipDelimited(d);
        if (c === 'y') break;
        // Flags: g, p, N, i, I, m, M, e, w file (to the end of the line).
        while (i < s.length && /[gpiImM\d e w]/.test(s[i]!)) {
          const f = s[i]!;
          i++;
          if (f === 'e') out.unknown = 'the `e` flag of sed `s` runs the replaced text as a command';
          if (f === 'w') {
            out.writePaths.push(toEol().trim());
            break;
          }
          if (f === ' ') break;
        }
        break;
      }
      case 'w':
      case 'W':
        out.writePaths.push(toEol().trim());
        break;
      case 'a':
      case 'i':
      case 'c':
      case 'r':
      case 'R':
      case ':':
      case '#':
        toEol();
        break;
      case 'b':
      case 't':
      case 'T':
        while (i < s.length && !/[;\n}]/.test(s[i]!)) i++;
        break;
      default:
        break;
    }
  }
  return out;
}

/**
 * sqlite3 input (SQL and dot-commands, sqlite.org "Command Line Shell For SQLite"): `.shell CMD`
 * and `.system CMD` run CMD; a file name starting with `|` in `.output`, `.once`, `.import` and
 * `.read` is a command whose output or input is used; `.once -e`/`.excel` open other programs.
 */
export function scanSqlite(text: string): EmbeddedScan {
  const out = empty();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^\.(\w+)\s*([\s\S]*)$/.exec(line);
    if (!m) continue;
    const dot = m[1]!.toLowerCase();
    const rest = m[2]!.trim();
    if (dot === 'shell' || dot === 'system') {
      if (rest !== '') out.shellStrings.push(rest);
      continue;
    }
    if (['output', 'once', 'import', 'read', 'log', 'save', 'backup', 'restore', 'open'].includes(dot)) {
      const arg = rest.split(/\s+/).find((w) => !w.startsWith('-') || w.startsWith("'|") || w.startsWith('"|')) ?? '';
      const unq = /^(['"])([\s\S]*)\1$/.exec(arg) ? arg.slice(1, -1) : arg;
      const piped = /^\s*\|/.test(unq) ? unq.replace(/^\s*\|/, '') : /^(['"])\|/.test(rest) ? rest.replace(/^(['"])\|([\s\S]*)\1$/, '$2') : null;
      if (piped !== null) out.shellStrings.push(piped);
    }
    if (dot === 'excel' || (dot === 'once' && /(^|\s)-[ex]\b/.test(rest)) || dot === 'edit') out.unknown = `sqlite3 .${dot} opens another program`;
  }
  return out;
}

/**
 * One vim/ex command (`-c cmd`, `+cmd`, `--cmd cmd`, or a line of an ex script), vim's `:help
 * :!`, `:help :r!`, `:help :w_c`, `:help :terminal`: `!cmd`, `{range}!filter`, `r !cmd`,
 * `w !cmd` and `terminal cmd` run shell commands; `system()`, `execute`, `call`, `source`, the
 * language interfaces (`python`, `lua`, `perl`, `ruby`) and `:normal` keys with `!`, `:` or `Q`
 * run code only known when it runs.
 */
export function scanExCommand(command: string): EmbeddedScan {
  const out = empty();
  for (const part of splitBar(command)) {
    let c = part.replace(/^[\s:]+/, '');
    c = c.replace(/^(silent!?|sil!?|noautocmd|keepalt|keepjumps|keepmarks|lockmarks|vertical|verbose|unsilent|noswapfile|sandbox)\s+/, '');
    // A range before the command: `%`, `.`, `$`, numbers, marks, patterns, with `,` `;` `+` `-`.
    c = c.replace(/^([%.$\d,;+\-\s]|'[a-z<>]|\/(?:[^/\\]|\\.)*\/|\?(?:[^?\\]|\\.)*\?)*/, '');
    const bang = /^(?:r(?:ead)?|w(?:rite)?|w!|up(?:date)?|e(?:dit)?)?\s*!([\s\S]*)$/.exec(c);
    if (bang) {
      if (bang[1]!.trim() !== '') out.shellStrings.push(bang[1]!.trim());
      continue;
    }
    const term = /^(?:ter(?:minal)?)(?:\s+\+\+\S+)*\s*([\s\S]*)$/.exec(c);
    if (term) {
      out.shellStrings.push(term[1]!.trim() === '' ? 'sh' : term[1]!.trim());
      continue;
    }
    // `:normal` keys run shell filters through `!` and ex commands through `:`/`Q`.
    const normal = /^norm(?:al)?!?\s+([\s\S]*)$/.exec(c);
    if (normal && /[!:Q]/.test(normal[1]!)) out.unknown = `the vim command \`${c.slice(0, 60)}\` types keys that can run a shell or ex command`;
    if (/\b(system|systemlist|jobstart|termopen|libcall\w*)\s*\(/.test(c) || /^(exe(?:cute)?|py(?:thon)?3?|pyx?|pydo|py3do|lua|luado|luafile|perl|perldo|ruby|rubydo|rubyfile|mz(?:scheme)?|tcl|tcldo|call|so(?:urce)?|ru(?:ntime)?)\b/.test(c)) {
      out.unknown = `the vim command \`${c.slice(0, 60)}\` runs code the gate cannot see`;
    }
  }
  return out;
}

/** Splits ex commands at `|`, except inside the shell command after a `!` (vim's `:help :bar`). */
function splitBar(command: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (ch === '!') {
      parts.push(cur + command.slice(i));
      return parts;
    }
    if (ch === '|') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

/**
 * A makefile (GNU make manual, "Writing Recipes", "The shell Function"): recipe lines (starting
 * with a tab, or after `;` on a rule line) and `$(shell ...)` calls are shell command lines.
 */
export function scanMakefile(text: string): EmbeddedScan {
  const out = empty();
  const joined = text.replace(/\\\n/g, ' ');
  for (const line of joined.split('\n')) {
    if (line.startsWith('\t')) {
      out.shellStrings.push(line.slice(1).replace(/^[@+-]+/, ''));
      continue;
    }
    const rule = /^[^=#\t]*?[^:=]:(?!=)[^;#]*;([\s\S]*)$/.exec(line);
    if (rule) out.shellStrings.push(rule[1]!.trim().replace(/^[@+-]+/, ''));
  }
  for (const m of joined.matchAll(/\$[({]shell\s+([^)}]*)[)}]/g)) out.shellStrings.push(m[1]!);
  return out;
}

/** One gdb command (`-ex`, `--eval-command`, gdb's "Shell Commands"): `shell cmd`, `!cmd`, `pipe`/`|`; `python` runs code. */
export function scanGdbCommand(command: string): EmbeddedScan {
  const out = empty();
  const c = command.trim();
  const sh = /^(?:shell\s+|!)([\s\S]*)$/.exec(c);
  if (sh) out.shellStrings.push(sh[1]!);
  else if (/^(pipe|\|)/.test(c)) {
    const m = /\|\s*([^|]*)$/.exec(c);
    if (m) out.shellStrings.push(m[1]!);
  } else if (/^(python|py|pi|python-interactive|guile|gu|source|make)\b/.test(c)) out.unknown = `the gdb command \`${c.slice(0, 60)}\` runs code the gate cannot see`;
  return out;
}

/** Reads an Emacs Lisp string literal at `i` (`"..."` with backslash escapes), or null. */
function elispString(code: string, i: number): { value: string; end: number } | null {
  while (/\s/.test(code[i] ?? '')) i++;
  if (code[i] !== '"') return null;
  let v = '';
  for (let j = i + 1; j < code.length; j++) {
    const ch = code[j]!;
    if (ch === '\\') {
      v += code[++j] ?? '';
      continue;
    }
    if (ch === '"') return { value: v, end: j + 1 };
    v += ch;
  }
  return null;
}

/**
 * Emacs Lisp given to `emacs --eval` (GNU Emacs Lisp manual, "Synchronous Processes", "Asynchronous
 * Processes"): `shell-command`, `shell-command-to-string`, `async-shell-command` and
 * `call-process-shell-command` run a shell command line; `call-process`, `process-lines`,
 * `start-process` (after the name and buffer) and `make-process` run a program; `eval` and `load`
 * of something computed, and any of those with an argument that is not a string literal, are
 * unknown code.
 */
export function scanElisp(code: string): EmbeddedScan {
  const out = empty();
  for (const m of code.matchAll(/\((shell-command-to-string|async-shell-command|call-process-shell-command|shell-command|process-lines|call-process|start-process|start-file-process|make-process|eval|load)\b/g)) {
    const fn = m[1]!;
    let i = m.index! + m[0].length;
    if (fn === 'eval' || fn === 'load' || fn === 'make-process') {
      if (fn !== 'load' || elispString(code, i) === null) out.unknown = `Emacs Lisp \`(${fn} ...)\` runs code or a program the gate cannot see`;
      continue;
    }
    if (fn === 'start-process' || fn === 'start-file-process') {
      // (start-process NAME BUFFER PROGRAM &rest ARGS): skip the name and the buffer.
      const name = elispString(code, i);
      if (!name) {
        out.unknown = `Emacs Lisp \`(${fn} ...)\` with a computed name`;
        continue;
      }
      i = name.end;
      const buf = /^\s*(nil|"(?:[^"\\]|\\.)*"|[\w-]+)/.exec(code.slice(i));
      i += buf ? buf[0].length : 0;
    }
    const first = elispString(code, i);
    if (!first) {
      out.unknown = `Emacs Lisp \`(${fn} ...)\` runs a command only known when it runs`;
      continue;
    }
    if (fn.includes('shell-command')) {
      out.shellStrings.push(first.value);
      continue;
    }
    // (call-process PROGRAM INFILE DESTINATION DISPLAY &rest ARGS): the string arguments after PROGRAM.
    const argv = [first.value];
    let j = first.end;
    for (;;) {
      const rest = code.slice(j);
      const atom = /^\s*(nil|t|[\w-]+)(?=[\s)])/.exec(rest);
      if (atom && fn === 'call-process') {
        j += atom[0].length;
        continue;
      }
      const s = elispString(code, j);
      if (!s) break;
      argv.push(s.value);
      j = s.end;
    }
    if (!/^\s*\)/.test(code.slice(j))) out.unknown = `Emacs Lisp \`(${fn} ...)\` has arguments only known when it runs`;
    else out.shellStrings.push(argv.map(shq).join(' '));
  }
  return out;
}

/** Single-quotes a word for a shell command line when it needs it. */
function shq(v: string): string {
  return /^[\w./:=@%+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/**
 * A Tcl script (tclsh, wish, expect; Tcl's `exec` and expect's `spawn` and `system`): each such
 * command's words form a command line (exec pipelines and redirections included) analysed like
 * any other; a word with a substitution (`$var`, `[cmd]`) makes it unknown code, and so does
 * `eval` or `open "|..."` of something computed.
 */
export function scanTcl(script: string): EmbeddedScan {
  const out = empty();
  for (const raw of script.split(/[\n;]/)) {
    const line = raw.trim().replace(/^\[|\]$/g, '');
    const m = /^(?:catch\s*\{\s*)?(exec|spawn|system|open|eval|uplevel|subst)\s+([\s\S]*?)\s*\}?$/.exec(line);
    if (!m) continue;
    const [, cmd, rest] = m;
    if (cmd === 'open') {
      const pipe = /^(["{])\|([\s\S]*?)["}]/.exec(rest!);
      if (pipe) {
        if (/[$[]/.test(pipe[2]!)) out.unknown = 'Tcl `open "|..."` runs a command only known when it runs';
        else out.shellStrings.push(pipe[2]!);
      }
      continue;
    }
    if (/[$[]/.test(rest!) || cmd === 'eval' || cmd === 'uplevel' || cmd === 'subst') {
      if (cmd !== 'eval' && cmd !== 'uplevel' && cmd !== 'subst') out.unknown = `Tcl \`${cmd}\` runs a command only known when it runs`;
      else if (/[$[]/.test(rest!)) out.unknown = `Tcl \`${cmd}\` evaluates code only known when it runs`;
      else out.shellStrings.push(...scanTcl(rest!.replace(/^\{|\}$/g, '')).shellStrings);
      continue;
    }
    const words = rest!.match(/\{[^}]*\}|"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
    const argv = words.map((w) => (w.startsWith('{') || w.startsWith('"') ? w.slice(1, -1) : w)).filter((w) => w !== '--' && !/^-(ignorestderr|keepnewline|noecho|nottycopy|nottyinit|console|open|leaveopen)$/.test(w));
    if (argv.length > 0) out.shellStrings.push(argv.map((w) => (/^[|<>&]/.test(w) ? w : shq(w))).join(' '));
  }
  return out;
}
