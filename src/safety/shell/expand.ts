/**
 * Word expansion as far as a static analysis can take it (POSIX XCU 2.6): tilde expansion,
 * parameter expansion of variables whose value is known from earlier in the same command line,
 * field splitting of unquoted expansions, brace expansion (bash) and glob detection.
 * A word that depends on something unknown (an environment variable, a command substitution,
 * arithmetic) keeps `value: null`, so rules can be conservative about it.
 */
import type { Script, Word } from './ast.js';

/** One argument after expansion. */
export interface Arg {
  /** The argument's value, or null when it depends on something unknown. */
  value: string | null;
  /** A display form: the value with unknown pieces written as `$NAME` / `$(...)`. */
  text: string;
  /** Some part of the word was quoted. */
  quoted: boolean;
  /** An unquoted glob character (`*`, `?`, `[`) is present: the value is a pattern. */
  glob: boolean;
  /** Names of variables with unknown values used in the word. */
  unknownVars: string[];
  /** Names of all variables expanded in the word. */
  vars: string[];
  /** Command substitutions inside the word (`$(...)`, backticks). */
  cmdsubs: Script[];
  /** The script of a process substitution (`<(...)`) that makes up the word. */
  procsub?: Script;
  /** True when the value comes from standard input (an `xargs` or `parallel` argument). */
  fromStdin?: boolean;
}

/** Variable values known so far: a string, or null when assigned something unknown. Missing = from the environment (unknown). */
export type Env = Map<string, string | null>;

export interface ExpandOptions {
  env: Env;
  home: string;
  cwd: string | null;
  /** Split unquoted expansions into several fields (false for assignment values and redirect targets). */
  split: boolean;
  /** The output of a command substitution when the analyzer knows it (`$(pwd)`), else null. */
  cmdsubValue?: (body: Script) => string | null;
}

/** The key of the variable map that holds the positional parameters (`$1`...), as a JSON array of strings, when all are known. */
export const POSITIONAL_KEY = '\u0000argv';

/** The positional parameters `"$@"` / `"${@:N}"` stands for, or null when they (or the operator) are unknown. */
function positionalList(p: { name: string; op?: string }, env: Env): string[] | null {
  const raw = env.get(POSITIONAL_KEY);
  if (raw == null) return null;
  const list = JSON.parse(raw) as string[];
  if (p.op === undefined) return list;
  const m = /^:(\d+)(?::(\d+))?$/.exec(p.op);
  if (!m) return null;
  // `${@:0}` includes $0, which the analyzer does not track.
  const from = Number(m[1]);
  if (from === 0) return null;
  return list.slice(from - 1, m[2] === undefined ? undefined : from - 1 + Number(m[2]));
}

/** Looks a variable up: known value or null. `HOME` and `PWD` are known from the context. */
export function lookupVar(name: string, opts: Pick<ExpandOptions, 'env' | 'home' | 'cwd'>): string | null {
  if (opts.env.has(name)) return opts.env.get(name) ?? null;
  if (name === 'HOME') return opts.home;
  if (name === 'PWD') return opts.cwd;
  return null;
}

interface Field {
  v: string;
  t: string;
  known: boolean;
  quoted: boolean;
  glob: boolean;
  content: boolean;
  braces: boolean;
}

/** Expands one word into zero or more arguments (see the module comment). Never throws. */
export function expandWord(word: Word, opts: ExpandOptions): Arg[] {
  const unknownVars: string[] = [];
  const vars: string[] = [];
  const cmdsubs: Script[] = [];
  let procsub: Script | undefined;
  const fields: Field[] = [];
  const fresh = (): Field => ({ v: '', t: '', known: true, quoted: false, glob: false, content: false, braces: false });
  let cur = fresh();
  word.parts.forEach((p, idx) => {
    switch (p.type) {
      case 'lit': {
        let value = p.value;
        if (idx === 0 && !p.quoted && value.startsWith('~')) {
          // `~`, `~/x`, `~user`, and bash's `~+` ($PWD) and `~-` ($OLDPWD, unknown here).
          const m = /^~([+-]|[A-Za-z0-9_.-]*)(?=\/|$)/.exec(value);
          if (m && m[1] === '-') {
            cur.known = false;
            cur.content = true;
            cur.t += value;
            unknownVars.push('OLDPWD');
            break;
          }
          if (m && m[1] === '+') {
            if (opts.cwd === null) {
              cur.known = false;
              cur.content = true;
              cur.t += value;
              unknownVars.push('PWD');
              break;
            }
            value = opts.cwd + value.slice(2);
          } else if (m) value = (m[1] ? `/home/${m[1]}` : opts.home) + value.slice(m[0].length);
        }
        cur.v += value;
        cur.t += value;
        cur.content = true;
        if (p.quoted) cur.quoted = true;
        else {
          if (/[*?[]/.test(value)) cur.glob = true;
          if (value.includes('{')) cur.braces = true;
        }
        break;
      }
      case 'param':
        if (p.quoted && (p.name === '@' || (p.name === '*' && p.op === undefined))) {
          const list = positionalList(p, opts.env);
          if (list !== null) {
            vars.push(p.name);
            // `"$@"` is one field per parameter, `"$*"` one field (bash(1), Special Parameters); no parameters, no field.
            const pieces = p.name === '*' ? [list.join(' ')] : list;
            if (pieces.length === 0 && word.parts.length === 1) break;
            cur.quoted = true;
            cur.content = true;
            pieces.forEach((piece, k) => {
              if (k > 0) {
                fields.push(cur);
                cur = { ...fresh(), quoted: true, content: true };
              }
              cur.v += piece;
              cur.t += piece;
            });
            break;
          }
        }
      // falls through
      case 'cmdsub': {
        let val: string | null;
        if (p.type === 'cmdsub') {
          cmdsubs.push(p.body);
          val = opts.cmdsubValue ? opts.cmdsubValue(p.body) : null;
          if (val === null) {
            cur.known = false;
            cur.content = true;
            cur.t += '$(...)';
            if (p.quoted) cur.quoted = true;
            break;
          }
          val = val.replace(/\n+$/, '');
        } else {
        // `${#X}` is the length of X's value, not the value: it shows nothing of a secret.
        if (p.op !== '#') vars.push(p.name);
        val = /^[A-Za-z_]/.test(p.name) || opts.env.has(p.name) ? lookupVar(p.name, opts) : null;
        if (p.op !== undefined) {
          // ${X:-default}, ${X#pattern}, ${#X}...: only the plain forms keep a known value.
          if (val !== null && (p.op.startsWith(':-') || p.op.startsWith('-')) && val !== '') {
            // value stays
          } else val = null;
        }
        }
        cur.content = true;
        if (p.quoted) cur.quoted = true;
        if (val === null) {
          if (p.type !== 'param') break;
          cur.known = false;
          cur.t += p.op !== undefined ? `\${${p.name}${p.op}}` : `$${p.name}`;
          unknownVars.push(p.name);
          break;
        }
        if (p.quoted || !opts.split) {
          cur.v += val;
          cur.t += val;
          break;
        }
        // Field splitting: bash splits on $IFS, zsh (by default) does not split at all. With an IFS
        // set earlier in the command (or unknown) whose characters occur in the value, the two shells
        // run different words, so the word is unknown (`IFS=,; x="rm,-rf,/"; $x`, `IFS=/; rm -rf $IFS`).
        const ifs = opts.env.has('IFS') ? opts.env.get('IFS') : undefined;
        if (ifs === null || (ifs !== undefined && ifs !== ' \t\n' && [...ifs].some((ch) => val!.includes(ch)))) {
          cur.known = false;
          cur.t += p.type === 'param' ? `$${p.name}` : '$(...)';
          break;
        }
        const pieces = ifs === undefined || ifs === ' \t\n' ? val.split(/[ \t\n]+/) : [val];
        pieces.forEach((piece, k) => {
          if (k > 0) {
            if (cur.content && (cur.v !== '' || cur.quoted)) fields.push(cur);
            cur = fresh();
          }
          if (piece !== '') {
            cur.v += piece;
            cur.t += piece;
            cur.content = true;
            if (/[*?[]/.test(piece)) cur.glob = true;
          }
        });
        break;
      }
      case 'arith':
        cur.known = false;
        cur.content = true;
        cur.t += '$((...))';
        break;
      case 'procsub':
        procsub = p.body;
        cur.known = false;
        cur.content = true;
        cur.t += `${p.dir}(...)`;
        break;
    }
  });
  if (cur.content && (cur.v !== '' || cur.quoted || !cur.known)) fields.push(cur);
  if (fields.length === 0 && !opts.split) fields.push(cur);
  const out: Arg[] = [];
  for (const f of fields) {
    const base = { quoted: f.quoted, glob: f.glob, unknownVars, vars, cmdsubs, procsub };
    if (f.known && f.braces && opts.split) {
      for (const v of braceExpand(f.v)) out.push({ ...base, value: v, text: v });
    } else out.push({ ...base, value: f.known ? f.v : null, text: f.t });
  }
  return out;
}

/** Bash brace expansion of `a{b,c}d` and `{1..3}` (at most 256 results; malformed braces stay literal). */
export function braceExpand(s: string, limit = 256): string[] {
  const open = findBrace(s);
  if (!open) return [s];
  const { start, end, alts } = open;
  const pre = s.slice(0, start);
  const post = s.slice(end + 1);
  const out: string[] = [];
  for (const a of alts) {
    for (const rest of braceExpand(a + post, limit)) {
      out.push(pre + rest);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

function findBrace(s: string): { start: number; end: number; alts: string[] } | undefined {
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '{' || (i > 0 && s[i - 1] === '$')) continue;
    let depth = 0;
    const commas: number[] = [];
    for (let j = i; j < s.length; j++) {
      const c = s[j];
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          const inner = s.slice(i + 1, j);
          if (commas.length > 0) {
            const alts: string[] = [];
            let last = i + 1;
            for (const c2 of commas) {
              alts.push(s.slice(last, c2));
              last = c2 + 1;
            }
            alts.push(s.slice(last, j));
            return { start: i, end: j, alts };
          }
          const seq = /^(-?\d+)\.\.(-?\d+)$/.exec(inner) ?? /^([a-zA-Z])\.\.([a-zA-Z])$/.exec(inner);
          if (seq) {
            const numeric = /\d/.test(seq[1]!);
            const a = numeric ? Number(seq[1]) : seq[1]!.charCodeAt(0);
            const b = numeric ? Number(seq[2]) : seq[2]!.charCodeAt(0);
            const alts: string[] = [];
            const step = a <= b ? 1 : -1;
            for (let k = a; step > 0 ? k <= b : k >= b; k += step) {
              alts.push(numeric ? String(k) : String.fromCharCode(k));
              if (alts.length > 256) break;
            }
            return { start: i, end: j, alts };
          }
          break;
        }
      } else if (c === ',' && depth === 1) commas.push(j);
    }
  }
  return undefined;
}

/** True when the glob `pattern` (one path component) can match `name` (leading dots only by an explicit dot). */
export function globMatches(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.')) return false;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += '[' + cls.replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(re + '$').test(name);
  } catch {
    return true;
  }
}
