/**
 * Interpreter one-liners (`python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r`): finds the code
 * in the command line, and in the code the calls that run a shell command or delete files, with
 * their literal arguments, so the policy can judge them like shell commands. Pattern based, not
 * a parser of those languages: a call whose argument is not a literal is reported as unknown.
 */
import type { Arg } from './shell/expand.js';
import { isSecretPath } from './paths.js';

export type Family = 'python' | 'node' | 'perl' | 'ruby' | 'php' | 'deno' | 'bun' | 'lua';

export interface InterpreterCall {
  /** The inline code (`-c`/`-e`...): a string, null when unknown, undefined when there is none. */
  code?: string | null;
  /** No script operand: the program comes from standard input. */
  readsStdin: boolean;
  /** The script operand, if any. */
  scriptArg?: Arg;
  /** `python -m mod args`: the module run as a command. */
  module?: string;
  moduleArgs: Arg[];
  /** A script URL run directly (`deno run https://...`). */
  remoteScript?: string;
  /** The code is an expression whose value is printed (`node -p`, `node --print`). */
  prints?: boolean;
}

const CODE_FLAGS: Record<Family, string[]> = {
  python: ['-c'],
  node: ['-e', '--eval', '-p', '--print'],
  perl: ['-e', '-E'],
  ruby: ['-e'],
  php: ['-r'],
  deno: [],
  bun: ['-e', '--eval', '-p', '--print'],
  lua: ['-e'],
};
const VALUE_FLAGS: Record<Family, string[]> = {
  python: ['-W', '-X', '-Q'],
  node: ['-r', '--require', '--import', '--loader', '--experimental-loader', '--conditions', '-C', '--input-type', '--env-file'],
  perl: ['-I', '-M', '-m'],
  ruby: ['-I', '-r', '-C', '-E'],
  php: ['-c', '-d', '-z'],
  deno: [],
  bun: ['-r', '--preload', '--cwd', '--env-file'],
  lua: ['-l'],
};

/** Reads an interpreter's command line (argv without the interpreter name). Never throws. */
export function interpreterCode(fam: Family, args: Arg[]): InterpreterCall {
  const out: InterpreterCall = { readsStdin: false, moduleArgs: [] };
  if (fam === 'deno') {
    const sub = args[0]?.value;
    if (sub === 'eval') out.code = args.slice(1).find((a) => !(a.value ?? '').startsWith('-'))?.value ?? null;
    const url = args.find((a) => a.value !== null && /^https?:\/\//.test(a.value));
    if (url && (sub === 'run' || sub === 'install' || sub === 'x')) out.remoteScript = url.value!;
    return out;
  }
  const codes: string[] = [];
  let codeUnknown = false;
  let i = 0;
  while (i < args.length) {
    const v = args[i]!.value;
    if (v === null) break;
    if (v === '--') {
      i++;
      break;
    }
    if (v === '-') {
      out.readsStdin = true;
      i++;
      break;
    }
    if (!v.startsWith('-')) break;
    if (fam === 'python' && v === '-m') {
      out.module = args[i + 1]?.value ?? undefined;
      out.moduleArgs = args.slice(i + 2);
      return out;
    }
    const flag = CODE_FLAGS[fam].find((f) => v === f || (f.length === 2 && !v.startsWith('--') && v.endsWith(f[1]!) && /^-[a-zA-Z0-9]+$/.test(v)));
    if (flag) {
      if (flag === '-p' || flag === '--print') out.prints = true;
      const c = args[i + 1];
      if (!c || c.value === null) codeUnknown = true;
      else codes.push(c.value);
      i += 2;
      if (fam === 'python') break; // python -c ends the options
      continue;
    }
    if (v.startsWith('--eval=') || v.startsWith('--print=')) {
      if (v.startsWith('--print=')) out.prints = true;
      codes.push(v.slice(v.indexOf('=') + 1));
      i++;
      continue;
    }
    if (VALUE_FLAGS[fam].includes(v)) {
      i += 2;
      continue;
    }
    i++;
  }
  if (codes.length > 0 || codeUnknown) {
    out.code = codeUnknown ? null : codes.join('\n');
    return out;
  }
  const op = args[i];
  if (!op) out.readsStdin = true;
  else if (op.value === '-') out.readsStdin = true;
  else out.scriptArg = op;
  if (fam === 'bun' && op?.value === 'run') out.scriptArg = args[i + 1];
  return out;
}

export interface CodeScan {
  /** Literal shell command strings the code runs. */
  shellStrings: string[];
  /** Literal argv lists the code runs without a shell. */
  argvLists: string[][];
  /** Literal paths the code deletes. */
  deletePaths: string[];
  /** Literal secret-file paths the code mentions (and so probably reads). */
  secretPaths: string[];
  /** Literal paths the code writes (`open(p, 'w')`, `fs.writeFileSync(p)`, `File.write(p)`). */
  writePaths: string[];
  /** A shell call whose command is not a literal. */
  unknownShell: boolean;
  /** A delete call whose path is not a literal. */
  unknownDelete: boolean;
  /** Names of secret-looking environment variables the code prints (`console.log(process.env.GITHUB_TOKEN)`). */
  printedSecretVars: string[];
  /** The code prints the whole environment (`print(os.environ)`, `console.log(process.env)`). */
  printsEnvironment: boolean;
  /** A write whose path is computed from the home folder or the environment (`writeFileSync(os.homedir() + '/.bashrc')`). */
  computedOutsideWrite: boolean;
  /** The code fetches from the network and evaluates code (`exec(urlopen(u).read())`, `fetch(u).then(r => r.text()).then(eval)`). */
  runsFetchedCode: boolean;
}

const SHELL_CALLS: Record<Family, RegExp> = {
  python: /\.(?:system|popen)\s*\(|\b(?:os\.(?:exec\w*|spawn\w*)|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|commands\.getoutput|pty\.spawn|check_output|check_call|getoutput|Popen)\s*\(/g,
  node: /\b(?:execSync|execFileSync|execFile|spawnSync|spawn|exec|fork)\s*\(|\bBun\.spawn(?:Sync)?\s*\(|\bnew\s+Deno\.Command\s*\(/g,
  perl: /\b(?:system|exec|qx)\s*[({]?|`/g,
  ruby: /\b(?:system|exec|spawn|IO\.popen|Open3\.\w+)\s*\(?|%x[({]|`/g,
  php: /\b(?:shell_exec|exec|system|passthru|popen|proc_open)\s*\(|`/g,
  deno: /\bnew\s+Deno\.Command\s*\(/g,
  bun: /\b(?:execSync|execFileSync|spawnSync|spawn|exec)\s*\(|\bBun\.spawn(?:Sync)?\s*\(/g,
  lua: /\b(?:os\.execute|io\.popen)\s*\(?/g,
};
const DELETE_CALLS: Record<Family, RegExp> = {
  python: /\b(?:shutil\.rmtree|os\.remove|os\.unlink|os\.rmdir|os\.removedirs|rmtree|send2trash|shutil\.move|os\.rename|os\.replace)\s*\(/g,
  node: /\b(?:rmSync|rmdirSync|unlinkSync|rimraf(?:Sync)?|removeSync|emptyDirSync|fs\.(?:promises\.)?(?:rm|rmdir|unlink))\s*\(/g,
  perl: /\b(?:unlink|rmdir|rmtree|remove_tree)\s*\(?/g,
  ruby: /\b(?:FileUtils\.(?:rm_rf|rm_r|rm_f|rm|remove_dir|remove_entry(?:_secure)?|rmtree)|File\.(?:delete|unlink)|Dir\.(?:delete|rmdir|unlink))\s*\(?/g,
  php: /\b(?:unlink|rmdir)\s*\(/g,
  deno: /\bDeno\.remove(?:Sync)?\s*\(/g,
  bun: /\b(?:rmSync|rmdirSync|unlinkSync|fs\.(?:promises\.)?(?:rm|rmdir|unlink))\s*\(/g,
  lua: /\bos\.remove\s*\(/g,
};

const WRITE_CALLS: Record<Family, RegExp> = {
  python: /\bopen\s*\(|\bshutil\.(?:copy\w*|move)\s*\([^,]*,/g,
  node: /\b(?:writeFileSync|appendFileSync|writeFile|appendFile|createWriteStream|copyFileSync|cpSync|renameSync|mkdirSync|symlinkSync)\s*\(/g,
  perl: /\bopen\s*\(?\s*(?:my\s+)?\$?\w+\s*,\s*/g,
  ruby: /\bFile\.(?:write|open|binwrite)\s*\(?|\bFileUtils\.(?:cp|mv|cp_r|mkdir_p|touch)\s*\(?/g,
  php: /\b(?:file_put_contents|fopen|copy|rename|mkdir|touch)\s*\(/g,
  deno: /\bDeno\.(?:writeTextFile|writeFile|mkdir|copyFile|rename)(?:Sync)?\s*\(/g,
  bun: /\b(?:writeFileSync|appendFileSync|Bun\.write)\s*\(/g,
  lua: /\bio\.open\s*\(/g,
};

/** Scans interpreter code for shell calls, deletions and secret paths (see CodeScan). Never throws. */
export function scanCode(fam: Family, rawCode: string, prints = false, depth = 0): CodeScan {
  const code = normalizeNames(fam, rawCode);
  const out: CodeScan = { shellStrings: [], argvLists: [], deletePaths: [], secretPaths: [], writePaths: [], unknownShell: false, unknownDelete: false, printedSecretVars: [], printsEnvironment: false, runsFetchedCode: false, computedOutsideWrite: false };
  const nodeLike = fam === 'node' || fam === 'bun';
  const usesChildProcess = !nodeLike || /child_process|Bun\.spawn|execa|\bspawn\b/.test(code);
  const quoted = stringInteriors(code);
  for (const m of code.matchAll(SHELL_CALLS[fam])) {
    if (!usesChildProcess) break;
    // A call name inside a string literal (`system("bundle", "exec", "rspec")`) is text, not a call.
    if (quoted[m.index!]) continue;
    const at = m.index! + m[0].length;
    if (m[0] === '`' || m[0].startsWith('%x') || (fam === 'perl' && m[0].startsWith('qx'))) {
      const close = m[0] === '`' ? '`' : m[0].endsWith('(') ? ')' : m[0].endsWith('{') ? '}' : '`';
      const end = code.indexOf(close, at);
      if (end < 0) continue;
      const body = code.slice(at, end);
      if (/\$\{|#\{|\$[A-Za-z_]/.test(body)) out.unknownShell = true;
      else out.shellStrings.push(body);
      continue;
    }
    // `.exec(` of a RegExp in JavaScript is not a shell call.
    if (nodeLike && code[m.index! - 1] === '.' && /exec\s*\($/.test(m[0]) && !/child_process|cp\.|\bexec\s*=/.test(code.slice(Math.max(0, m.index! - 40), m.index!))) continue;
    const call = readCallArgs(fam, code, at, /\b(?:exec|spawn|system)\w*\s*[({]?$|^`|qx/.test(m[0]) && !/^(?:subprocess|os\.system|os\.popen|\.system|\.popen)/.test(m[0]));
    if (call.kind === 'unknown') out.unknownShell = true;
    else if (call.kind === 'argv') out.argvLists.push(call.argv);
    else out.shellStrings.push(call.line);
  }
  if (DYNAMIC_CODE[fam].some((re) => re.test(code))) out.unknownShell = true;
  // Code evaluated from a literal (`exec("import os; os.system('...')")`, `eval "..."`) is scanned like the rest.
  if (depth < 4) {
    for (const m of code.matchAll(/(?<![\w.$])(?:exec|eval|instance_eval|loadstring|load)\s*\(?\s*/g)) {
      if (quoted[m.index!]) continue;
      const lit = readLiteral(code, m.index! + m[0].length);
      if (lit.kind !== 'string') continue;
      const inner = scanCode(fam, lit.value, false, depth + 1);
      out.shellStrings.push(...inner.shellStrings);
      out.argvLists.push(...inner.argvLists);
      out.deletePaths.push(...inner.deletePaths);
      out.writePaths.push(...inner.writePaths);
      out.unknownShell ||= inner.unknownShell;
      out.unknownDelete ||= inner.unknownDelete;
    }
  }
  for (const m of code.matchAll(DELETE_CALLS[fam])) {
    const lit = readLiteral(code, m.index! + m[0].length);
    if (lit.kind === 'string') out.deletePaths.push(lit.value);
    else if (lit.kind === 'list') out.deletePaths.push(...lit.items);
    else out.unknownDelete = true;
  }
  for (const m of code.matchAll(/Path\(\s*(['"])([^'"]+)\1\s*\)\s*\.\s*(?:unlink|rmdir)\s*\(/g)) out.deletePaths.push(m[2]!);
  for (const m of code.matchAll(WRITE_CALLS[fam])) {
    const lit = readLiteral(code, m.index! + m[0].length);
    if (lit.kind !== 'string') {
      // A computed path: judged only when it is built from the home folder or the environment.
      const expr = code.slice(m.index! + m[0].length, m.index! + m[0].length + 120).split(/[;\n]/)[0] ?? '';
      if (/homedir|expanduser|\bHOME\b|environ|process\.env|Dir\.home|getenv|\$ENV/.test(expr)) out.computedOutsideWrite = true;
      continue;
    }
    if (fam === 'python' && /\bopen\s*\($/.test(m[0]) && !/^\s*,\s*(?:mode\s*=\s*)?[rbuf]*['"][^'"]*[wax+]/.test(code.slice(lit.end))) continue;
    if (fam === 'ruby' && /File\.open/.test(m[0]) && !/^\s*,\s*['"][^'"]*[wa+]/.test(code.slice(lit.end))) continue;
    if (fam === 'php' && /fopen/.test(m[0]) && !/^\s*,\s*['"][^'"]*[waxc+]/.test(code.slice(lit.end))) continue;
    if (fam === 'perl') {
      const w = /^\s*(\+?[>]{1,2}|\|)\s*(.*)$/.exec(lit.value);
      if (w && w[1] !== '|') out.writePaths.push(w[2]!);
      continue;
    }
    out.writePaths.push(lit.value);
  }
  for (const m of code.matchAll(/Path\(\s*(['"])([^'"]+)\1\s*\)\s*\.\s*(?:write_text|write_bytes|touch|mkdir)\s*\(/g)) out.writePaths.push(m[2]!);
  for (const m of code.matchAll(/(['"`])([^'"`\s]{1,200})\1/g)) if (isSecretPath(m[2]!)) out.secretPaths.push(m[2]!);
  scanEnvPrints(fam, code, out, prints);
  out.runsFetchedCode = FETCHES_CODE[fam].test(code) && EVALS_CODE[fam].test(code);
  return out;
}

/**
 * The arguments of a process call, starting at `at` (just after the call's name or opening
 * bracket): one literal command line (`system("ls -l")`), a literal argv (`spawn('rm', ['-rf',
 * 'x'])`, `['rm', '-rf', 'x']`, and with `list` the LIST form `system('rm', '-rf', 'x')` of perl,
 * ruby and python's os.exec*), or unknown: an argument that is not a literal, or a literal that
 * is only part of an expression (`"rm -rf " + path`, `"rm %s" % p`, `"a" . $b`).
 */
function readCallArgs(fam: Family, code: string, at: number, list: boolean): { kind: 'line'; line: string } | { kind: 'argv'; argv: string[] } | { kind: 'unknown' } {
  const first = readLiteral(code, at);
  if (first.kind === 'other' || !endsArgument(code, first.end)) return { kind: 'unknown' };
  if (first.kind === 'list') return { kind: 'argv', argv: first.items };
  const items = [first.value];
  let i = first.end;
  for (;;) {
    const j = skipBlank(code, i);
    if (code[j] !== ',') break;
    const k = skipBlank(code, j + 1);
    // Keyword arguments and option objects (`shell=True`, `{ cwd: x }`, `{'A' => 'b'}`) are not argv.
    if (/^[A-Za-z_]\w*\s*=(?!=)/.test(code.slice(k)) || code[k] === '{' || code[k] === ':') break;
    const next = readLiteral(code, k);
    if (next.kind === 'list') {
      if (!endsArgument(code, next.end)) return { kind: 'unknown' };
      return { kind: 'argv', argv: [...items, ...next.items] };
    }
    if (next.kind === 'other') return code[k] === '[' || list ? { kind: 'unknown' } : { kind: 'line', line: first.value };
    if (!endsArgument(code, next.end)) return { kind: 'unknown' };
    if (!list) break;
    items.push(next.value);
    i = next.end;
  }
  if (items.length > 1) return { kind: 'argv', argv: fam === 'python' && /^os\.exec/.test(code.slice(Math.max(0, at - 12), at).trim().split(/\s/).pop() ?? '') ? [items[0]!, ...items.slice(2)] : items };
  return { kind: 'line', line: first.value };
}

function skipBlank(code: string, i: number): number {
  while (i < code.length && /\s/.test(code[i]!)) i++;
  return i;
}

/** True when a literal ending at `end` is a whole argument: followed by `,`, a bracket, the end of the statement, or a boolean operator (`or die`). */
function endsArgument(code: string, end: number): boolean {
  const rest = code.slice(skipBlank(code, end));
  return rest === '' || /^([,)\]};\n]|or\b|and\b|if\b|unless\b|\|\||&&|\.(?:read|decode|toString|wait|communicate|returncode|stdout|strip)\b)/.test(rest);
}

/**
 * Code that reaches a process API by a name or a value only known when it runs: a computed
 * attribute or member (`getattr(os, 'sys' + 'tem')`, `require('child_process')[name]`), a
 * computed import, or evaluation of computed code (`exec(base64.b64decode(...))`, `eval(x)`,
 * `new Function(x)`, perl `eval $x`, ruby `send(name)`, php `$f(...)`, lua `load(x)`).
 */
const DYNAMIC_CODE: Record<Family, RegExp[]> = {
  python: [
    /\bgetattr\s*\(\s*(?:os|subprocess|pty|shutil|posix|commands|builtins|__builtins__|sys\.modules\[[^\]]*\])\s*,\s*(?!(['"])\w+\1\s*[,)])/,
    /\b__import__\s*\(\s*(?!(['"])[\w.]+\1\s*[,)])/,
    /\bimport_module\s*\(\s*(?!(['"])[\w.]+\1\s*[,)])/,
    /(?<![\w.])(?:exec|eval|compile)\s*\(\s*(?![rRbBuU]?(['"])(?:(?!\1)[^\\]|\\.)*\1\s*[,)])/,
  ],
  node: [
    /\bprocess\s*\.\s*(?:binding|_linkedBinding|dlopen)\s*\(/,
    /(?:require\s*\(\s*(['"`])(?:node:)?child_process\1\s*\)|\bchild_process\b)\s*\[\s*(?!(['"`])\w+\2\s*\])/,
    /\b(?:require|import)\s*\(\s*(?!(['"`])[@\w./:-]+\1\s*\))/,
    /(?<![\w.])eval\s*\(\s*(?!(['"`])[^`]*?\1\s*\))|\bnew\s+Function\s*\(|\bvm\s*\.\s*run\w*\s*\(\s*(?!['"`])/,
  ],
  perl: [/(?<![\w$])eval\s*(?:\(\s*)?(?![\s({'"]|$)/, /\b(?:system|exec)\s*\{/, /&\{\s*["'$]/],
  ruby: [/\b(?:eval|instance_eval|class_eval|module_eval)\s*\(?\s*(?![\s'"]|\{|do\b)/, /\b(?:send|public_send|__send__|method)\s*\(\s*(?!:\w+|(['"])\w+\1)/],
  php: [/\$\w+\s*\(/, /\b(?:call_user_func(?:_array)?|eval|assert|create_function)\s*\(\s*(?!['"])/],
  deno: [/(?<![\w.])eval\s*\(\s*(?!['"`])|\bnew\s+Function\s*\(/],
  bun: [/(?<![\w.])eval\s*\(\s*(?!['"`])|\bnew\s+Function\s*\(/, /\bprocess\s*\.\s*(?:binding|dlopen)\s*\(/],
  lua: [/\b(?:load|loadstring)\s*\(\s*(?!['"])/, /\bos\s*\[/],
};

/**
 * For each position of `code`, whether it lies inside a string literal (after its opening quote).
 * Quotes are `'` and `"`. A backquote is not one: in perl, ruby and php it is a shell call
 * (matched by SHELL_CALLS at its opening quote), and a JavaScript template holds code in `${}`.
 * Python's triple quotes count as one quote each side, which is enough for this purpose.
 */
function stringInteriors(code: string): boolean[] {
  const inside: boolean[] = new Array<boolean>(code.length).fill(false);
  const quotes = '\'"';
  let q = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (q) {
      inside[i] = true;
      if (c === '\\') {
        inside[i + 1] = true;
        i++;
      } else if (c === q) q = '';
    } else if (quotes.includes(c)) q = c;
  }
  return inside;
}

/** Network reads, per language. */
const FETCHES_CODE: Record<Family, RegExp> = {
  python: /\burlopen\s*\(|\burllib\b|\brequests\.(get|post|request)\s*\(|\bhttpx\.|\bhttp\.client\b|\burlretrieve\s*\(/,
  node: /\bfetch\s*\(|\bhttps?\.(get|request)\s*\(|\baxios\b|\bgot\s*\(|\brequire\s*\(\s*['"`](?:node:)?https?['"`]/,
  perl: /\bLWP\b|\bHTTP::Tiny\b|\bget\s*\(\s*['"]https?:|\bqx|`\s*curl\b/,
  ruby: /\bopen-uri\b|\bURI\.open\b|\bNet::HTTP\b|\bopen\s*\(\s*['"]https?:/,
  php: /\bfile_get_contents\s*\(\s*['"]https?:|\bcurl_exec\s*\(|\bfopen\s*\(\s*['"]https?:/,
  deno: /\bfetch\s*\(/,
  bun: /\bfetch\s*\(/,
  lua: /\bsocket\.http\b|\bhttp\.request\b/,
};

/** Evaluation of code held in a value, per language. */
const EVALS_CODE: Record<Family, RegExp> = {
  python: /\b(exec|eval|compile)\s*\(/,
  node: /\beval\b|\bnew\s+Function\b|\bFunction\s*\(|\bvm\.(run\w*|Script|compileFunction)\b|\bimport\s*\(\s*['"`]data:/,
  perl: /\beval\b/,
  ruby: /\b(eval|instance_eval|class_eval|module_eval)\b/,
  php: /\beval\s*\(|\bcreate_function\s*\(/,
  deno: /\beval\b|\bnew\s+Function\b|\bimport\s*\(\s*['"`]data:/,
  bun: /\beval\b|\bnew\s+Function\b/,
  lua: /\b(load|loadstring|dofile)\s*\(/,
};

/** Calls that print their arguments, per language. */
const PRINT_CALLS: Record<Family, RegExp> = {
  python: /\b(?:print|pprint|sys\.stdout\.write|sys\.stderr\.write|logging\.\w+)\s*\(/g,
  node: /\b(?:console\.(?:log|info|warn|error|debug|dir|table|trace)|process\.(?:stdout|stderr)\.write)\s*\(/g,
  perl: /\b(?:print|say|printf|warn|die)\b\s*\(?/g,
  ruby: /(?:^|[^\w.])(?:puts|print|p|pp|printf|warn|\$stdout\.write|\$stderr\.write|STDOUT\.write)\b\s*\(?/g,
  php: /\b(?:echo|print|print_r|var_dump|var_export|printf|fwrite)\b\s*\(?/g,
  deno: /\bconsole\.(?:log|info|warn|error|debug|dir|table)\s*\(/g,
  bun: /\b(?:console\.(?:log|info|warn|error|debug|dir|table)|process\.(?:stdout|stderr)\.write)\s*\(/g,
  lua: /\b(?:print|io\.write)\s*\(/g,
};

/** One variable of the environment read by name (group 1 or 2 is the name), per language. */
const ENV_VAR: Record<Family, RegExp> = {
  python: /\benviron(?:\s*\[\s*|\.get\s*\(\s*)['"](\w+)['"]|\bgetenv\s*\(\s*['"](\w+)['"]/g,
  node: /\benv\s*\.\s*(\w+)|\benv\s*\[\s*['"`](\w+)['"`]/g,
  perl: /\$ENV\s*\{\s*['"]?(\w+)['"]?\s*\}/g,
  ruby: /\bENV(?:\s*\[\s*|\.fetch\s*\(\s*)['"](\w+)['"]/g,
  php: /\bgetenv\s*\(\s*['"](\w+)['"]|\$_(?:ENV|SERVER)\s*\[\s*['"](\w+)['"]/g,
  deno: /\bDeno\.env\.get\s*\(\s*['"](\w+)['"]|\benv\s*\.\s*(\w+)/g,
  bun: /\benv\s*\.\s*(\w+)|\benv\s*\[\s*['"`](\w+)['"`]/g,
  lua: /\bos\.getenv\s*\(\s*['"](\w+)['"]/g,
};

/** The whole environment as one value (not one variable of it), per language. */
const WHOLE_ENV: Record<Family, RegExp> = {
  python: /\benviron\b(?!\s*(?:\[|\.get\b|\.setdefault\b|\.keys\b|\.copy\b|\.pop\b|\.update\b))|\bgetenv\s*\(\s*\)/,
  node: /\bprocess\s*\.\s*env\b(?!\s*(?:\.|\[))/,
  perl: /%ENV\b|\$ENV\s*\{\s*\$/,
  ruby: /\bENV\b(?!\s*(?:\[|\.fetch\b|\.key\?|\.keys\b|\.include\?))/,
  php: /\bgetenv\s*\(\s*\)|\$_ENV\b(?!\s*\[)|\$_SERVER\b(?!\s*\[)/,
  deno: /\bDeno\.env\.toObject\s*\(|\bprocess\s*\.\s*env\b(?!\s*(?:\.|\[))/,
  bun: /\bprocess\s*\.\s*env\b(?!\s*(?:\.|\[))|\bBun\.env\b(?!\s*(?:\.|\[))/,
  lua: /(?!)/,
};

/**
 * Secret variables and whole-environment dumps that the code PRINTS: references inside the
 * arguments of a print call (up to its closing bracket, or the end of the statement for
 * paren-less `print`/`puts`/`echo`), or anywhere in a `node -p` expression. Using a secret
 * elsewhere (a request header) is not printing it. Pattern based, like the rest of this file.
 */
function scanEnvPrints(fam: Family, code: string, out: CodeScan, prints: boolean): void {
  const spans: string[] = prints ? [code] : [];
  for (const m of code.matchAll(PRINT_CALLS[fam])) spans.push(printedSpan(code, m.index! + m[0].length, m[0].endsWith('(')));
  for (const span of spans) {
    for (const m of span.matchAll(ENV_VAR[fam])) {
      const name = m[1] ?? m[2];
      if (!name || !SECRET_VAR.test(name)) continue;
      // Only tested, not shown: `'set' if os.environ.get('T') else 'unset'`, `!!process.env.T`, `env.T ? 1 : 0`.
      const before = span.slice(Math.max(0, m.index! - 12), m.index!);
      const after = span.slice(m.index! + m[0].length).replace(/^\s*['"`]?\s*[)\]}]?/, '');
      if (/(?:\bif|\bnot|!|\bbool\(|\bBoolean\(|\blen\(|\btypeof|\bdefined)\s*(?:os\.|process\.|\$)?$/.test(before)) continue;
      if (/^\s*(?:\?(?![.?])|[!=]==?|\bis\b|\.length\b|\belse\b|\bnil\?|\.nil\?|\.empty\?|\bis_a)/.test(after)) continue;
      // Passed to another call inside the printed expression (`print(requests.get(u, headers={'A': os.environ['API_KEY']}).status_code)`):
      // used, not shown; string conversions and formatting pass the value through.
      if (enclosingCalls(span, m.index!).some((c) => !TRANSPARENT_CALLS.test(c))) continue;
      out.printedSecretVars.push(name);
    }
    // The whole environment, unless only its size or names are taken (`Object.keys(process.env)`, `len(os.environ)`).
    for (const m of span.matchAll(new RegExp(WHOLE_ENV[fam].source, 'g'))) {
      const before = span.slice(Math.max(0, m.index! - 30), m.index!);
      if (/(?:Object\.(?:keys|getOwnPropertyNames)|\blen|\bsorted|\bkeys|\bcount|\bsize)\s*\(\s*(?:os\.|process\.|Deno\.|Bun\.)?$/.test(before)) continue;
      out.printsEnvironment = true;
    }
  }
}

/** Calls that show their argument (conversions, formatting, encodings). */
const TRANSPARENT_CALLS = /^(str|repr|format|f|String|toString|stringify|JSON\.stringify|upper|lower|strip|trim|encode|decode|b64encode|base64|encodeURIComponent|escape|inspect|dumps|dump|to_s|inspect|join|concat|sprintf|printf|print|puts|p|pp|log|info|warn|error|debug|write|echo)$/;

/** Names of the calls whose parentheses enclose position `at` of `span` (outside quotes). */
function enclosingCalls(span: string, at: number): string[] {
  const stack: Array<string | null> = [];
  let quote = '';
  for (let i = 0; i < at; i++) {
    const c = span[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(') stack.push(/([A-Za-z_][\w.]*)\s*$/.exec(span.slice(Math.max(0, i - 40), i))?.[1] ?? '');
    else if (c === '[' || c === '{') stack.push(null);
    else if (c === ')' || c === ']' || c === '}') stack.pop();
  }
  return stack.filter((x): x is string => x !== null && x !== '').map((x) => x.split('.').pop()!);
}

/** The same test as the secrets rules' `isSecretVarName` (kept here so this file stays free of rule imports). */
const SECRET_VAR = /TOKEN|SECRET|PASSW(OR)?D|PASSPHRASE|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH(?!OR|_SOCK)|SESSION_?KEY|CLIENT_?SECRET|COOKIE|(^|_)PAT($|_)|(^|_)DSN$|DATABASE_URL|CONN(ECTION)?_?STR/i;

/** The text of a print call's arguments: to the matching `)` after an opening one, else to the end of the statement. */
function printedSpan(code: string, start: number, opened: boolean): string {
  let depth = opened ? 1 : 0;
  let quote = '';
  for (let i = start; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth <= 0 && opened) return code.slice(start, i);
      if (depth < 0) return code.slice(start, i);
    } else if ((c === ';' || c === '\n') && depth === 0) return code.slice(start, i);
  }
  return code.slice(start);
}

/** Modules whose functions run commands or delete files, by language (for alias normalisation). */
const PY_MODULES = /^(os|subprocess|shutil|pty|commands|pathlib)$/;

/**
 * Rewrites aliases back to the module-qualified names the patterns above know:
 * python `import subprocess as s; s.call(...)` -> `subprocess.call(...)`, `from os import system as
 * x; x(...)` -> `os.system(...)`, `getattr(os, 'system')(...)` -> `os.system(...)`; node
 * `require('fs').rm(...)`, `require('node:fs/promises').rm(...)` -> `fs.rm(...)`, and names
 * destructured from `fs` (`const {rm} = require('fs/promises'); rm(...)`) -> `fs.rm(...)`.
 */
function normalizeNames(fam: Family, code: string): string {
  let c = code;
  if (fam === 'python') {
    c = c.replace(/\bgetattr\s*\(\s*([A-Za-z_][\w.]*)\s*,\s*(['"])(\w+)\2\s*\)/g, '$1.$3');
    c = c.replace(/__import__\s*\(\s*(['"])(\w+)\1\s*\)/g, '$2');
    for (const m of code.matchAll(/\bimport\s+([\w.]+)\s+as\s+(\w+)/g)) {
      if (PY_MODULES.test(m[1]!)) c = c.replace(new RegExp(`(^|[^\\w.])${m[2]}\\s*\\.`, 'g'), `$1${m[1]}.`);
    }
    for (const m of code.matchAll(/\bfrom\s+(\w+)\s+import\s+([^;\n]+)/g)) {
      if (!PY_MODULES.test(m[1]!)) continue;
      for (const part of m[2]!.replace(/[()]/g, '').split(',')) {
        const nm = /^\s*(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
        if (!nm) continue;
        const local = nm[2] ?? nm[1]!;
        c = c.replace(new RegExp(`(^|[^\\w.])${local}\\s*\\(`, 'g'), `$1${m[1]}.${nm[1]}(`);
      }
    }
  }
  if (fam === 'ruby') c = c.replace(/\b(?:send|public_send|__send__)\s*\(\s*(?::(\w+)|(['"])(\w+)\2)\s*,\s*/g, (_m, a: string | undefined, _q, b: string | undefined) => `${a ?? b}(`);
  if (fam === 'node' || fam === 'bun' || fam === 'deno') {
    // `x['execSync'](...)` is `x.execSync(...)`; `const { execSync: run } = require('child_process'); run(...)` is `execSync(...)`.
    c = c.replace(/\[\s*(['"`])(\w+)\1\s*\]/g, '.$2');
    for (const m of code.matchAll(/\{([^}]*)\}\s*=\s*(?:require\s*\(\s*(['"`])(?:node:)?child_process\2\s*\)|\w+)/g)) {
      for (const part of m[1]!.split(',')) {
        const nm = /^\s*(\w+)\s*:\s*(\w+)\s*$/.exec(part);
        if (nm) c = c.replace(new RegExp(`(^|[^\\w.])${nm[2]}\\s*\\(`, 'g'), `$1${nm[1]}(`);
      }
    }
    c = c.replace(/\brequire\s*\(\s*(['"`])(?:node:)?fs(?:\/promises)?\1\s*\)/g, 'fs');
    for (const m of code.matchAll(/\{([^}]*)\}\s*=\s*(?:require\s*\(\s*(['"`])(?:node:)?fs(?:\/promises)?\2\s*\)|fs(?:\.promises)?\b)/g)) {
      for (const part of m[1]!.split(',')) {
        const nm = /^\s*(\w+)(?:\s*:\s*(\w+))?\s*$/.exec(part);
        if (!nm || !/^(rm|rmdir|unlink|rmSync|rmdirSync|unlinkSync)$/.test(nm[1]!)) continue;
        const local = nm[2] ?? nm[1]!;
        c = c.replace(new RegExp(`(^|[^\\w.])${local}\\s*\\(`, 'g'), `$1fs.${nm[1]}(`);
      }
    }
  }
  return c;
}

type Lit = { kind: 'string'; value: string; end: number } | { kind: 'list'; items: string[]; end: number } | { kind: 'other'; end: number };

function skipComma(code: string, i: number): number {
  let j = i;
  while (j < code.length && /\s/.test(code[j]!)) j++;
  if (code[j] === ',') j++;
  return j;
}

/** Reads a string literal (`'..'`, `".."`, `` `..` ``, python r/b prefixes, triple quotes) or a list of them. */
function readLiteral(code: string, start: number): Lit {
  let i = start;
  while (i < code.length && /[\s(]/.test(code[i]!)) i++;
  if (code[i] === '[') {
    const items: string[] = [];
    i++;
    for (;;) {
      while (i < code.length && /[\s,]/.test(code[i]!)) i++;
      if (code[i] === ']') return { kind: 'list', items, end: i + 1 };
      const s = readLiteral(code, i);
      if (s.kind !== 'string') return { kind: 'other', end: i };
      items.push(s.value);
      i = s.end;
    }
  }
  let prefix = '';
  while (/[rRbBuUfF]/.test(code[i] ?? '') && prefix.length < 2) prefix += code[i++];
  const q = code[i];
  if (q !== '"' && q !== "'" && q !== '`') return { kind: 'other', end: i };
  const triple = code.startsWith(q.repeat(3), i);
  const delim = triple ? q.repeat(3) : q;
  i += delim.length;
  let value = '';
  while (i < code.length && !code.startsWith(delim, i)) {
    const c = code[i]!;
    if (c === '\\' && !/[rR]/.test(prefix)) {
      const n = code[i + 1] ?? '';
      value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  if (i >= code.length) return { kind: 'other', end: i };
  const interpolated = /[fF]/.test(prefix) ? /\{[^}]*\}/.test(value) : q === '`' ? value.includes('${') : false;
  if (interpolated) return { kind: 'other', end: i + delim.length };
  return { kind: 'string', value, end: i + delim.length };
}

/** Scans an awk program for `system("...")` and pipes to or from commands (`print | "cmd"`, `"cmd" | getline`). */
export function scanAwk(code: string): CodeScan {
  const out: CodeScan = { shellStrings: [], argvLists: [], deletePaths: [], secretPaths: [], writePaths: [], unknownShell: false, unknownDelete: false, printedSecretVars: [], printsEnvironment: false, runsFetchedCode: false, computedOutsideWrite: false };
  for (const m of code.matchAll(/\bsystem\s*\(/g)) {
    const lit = readLiteral(code, m.index! + m[0].length);
    if (lit.kind === 'string' && /^\s*\)/.test(code.slice(lit.end))) out.shellStrings.push(lit.value);
    else out.unknownShell = true;
  }
  for (const m of code.matchAll(/"((?:[^"\\]|\\.)*)"\s*\|\s*getline|\|\s*"((?:[^"\\]|\\.)*)"/g)) {
    const cmd = (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1');
    // `print ... | "sh"` feeds computed text to a shell or interpreter: code the gate cannot see.
    if (m[2] !== undefined && /^\s*(\S*\/)?(sudo\s+)?((ba|z|da|k|mk|tc|c|fi)?sh|python[0-9.]*|perl|ruby|node|php|eval|xargs)\b/.test(cmd)) out.unknownShell = true;
    out.shellStrings.push(cmd);
  }
  // ENVIRON["GITHUB_TOKEN"] printed, or a loop over every variable of ENVIRON.
  for (const m of code.matchAll(/\bENVIRON\s*\[\s*"(\w+)"\s*\]/g)) if (SECRET_VAR.test(m[1]!)) out.printedSecretVars.push(m[1]!);
  if (/\bin\s+ENVIRON\b/.test(code) || /\bENVIRON\s*\[\s*[A-Za-z_]\w*\s*\]/.test(code)) out.printsEnvironment = true;
  return out;
}
