import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseShell, ShellParseError, MAX_DEPTH, MAX_SOURCE_BYTES } from '../../../src/safety/shell/parser.js';
import type { Command, Script, SimpleCommand, Word } from '../../../src/safety/shell/ast.js';
import { expandWord, braceExpand, globMatches } from '../../../src/safety/shell/expand.js';

/** The first simple command of a script (depth-first). */
function firstSimple(sc: Script): SimpleCommand {
  const c = sc.items[0]!.pipeline.commands[0]!;
  if (c.type !== 'simple') throw new Error(`not simple: ${c.type}`);
  return c;
}
/** Literal value of a word whose parts are all literal. */
function litValue(w: Word): string {
  const a = expandWord(w, { env: new Map(), home: '/home/u', cwd: '/w', split: false })[0]!;
  return a.value ?? `<${a.text}>`;
}
function words(src: string): string[] {
  return firstSimple(parseShell(src)).words.map(litValue);
}
function errorKind(src: string): string | undefined {
  try {
    parseShell(src);
    return undefined;
  } catch (e) {
    return e instanceof ShellParseError ? e.kind : 'other';
  }
}

describe('shell parser: lists, pipelines and compound commands', () => {
  it('splits lists on ; && || & and newlines, keeping the operators', () => {
    const sc = parseShell('a; b && c || d & e\nf');
    expect(sc.items.map((i) => i.op)).toEqual([';', '&&', '||', '&', ';', '']);
  });
  it('parses pipelines, |& and negation', () => {
    const sc = parseShell('! a | b |& c');
    expect(sc.items[0]!.pipeline.negated).toBe(true);
    expect(sc.items[0]!.pipeline.commands).toHaveLength(3);
  });
  it('parses subshells, groups, if, loops, case and functions', () => {
    const types = (src: string) => parseShell(src).items.map((i) => i.pipeline.commands[0]!.type);
    expect(types('(a; b)')).toEqual(['subshell']);
    expect(types('{ a; b; }')).toEqual(['group']);
    expect(types('if a; then b; elif c; then d; else e; fi')).toEqual(['if']);
    expect(types('while a; do b; done; until a; do b; done')).toEqual(['loop', 'loop']);
    expect(types('for x in 1 2; do echo $x; done')).toEqual(['for']);
    expect(types('for ((i=0;i<3;i++)); do echo; done')).toEqual(['for']);
    expect(types('case $x in a|b) echo 1 ;; *) echo 2 ;; esac')).toEqual(['case']);
    expect(types('f() { echo; }; function g { echo; }')).toEqual(['function', 'function']);
    expect(types('[[ -f x && $y == z ]]')).toEqual(['test']);
    expect(types('(( i++ ))')).toEqual(['arith']);
  });
  it('parses the classic fork bomb as a function definition', () => {
    const c = parseShell(':(){ :|:& };:').items[0]!.pipeline.commands[0] as Extract<Command, { type: 'function' }>;
    expect(c.type).toBe('function');
    expect(c.name).toBe(':');
  });
  it('treats reserved words as ordinary words outside command position', () => {
    expect(words('echo if then fi done')).toEqual(['echo', 'if', 'then', 'fi', 'done']);
  });
  it('skips comments but not # inside words', () => {
    expect(words('echo a#b # comment here')).toEqual(['echo', 'a#b']);
  });
});

describe('shell parser: quoting', () => {
  it('removes single, double and backslash quoting', () => {
    expect(words(`echo 'a b' "c d" e\\ f g""h 'i'"j"`)).toEqual(['echo', 'a b', 'c d', 'e f', 'gh', 'ij']);
  });
  it('keeps backslashes literal inside single quotes and only escapes $ ` " \\ in double quotes', () => {
    expect(words(`echo '\\n' "\\$x \\a"`)).toEqual(['echo', '\\n', '$x \\a']);
  });
  it('decodes ANSI-C quoting: \\x, octal, \\u, \\c and the simple escapes', () => {
    expect(words(`echo $'\\x2f' $'\\057' $'\\u002f' $'a\\tb' $'\\'' $'\\cA'`)).toEqual(['echo', '/', '/', '/', 'a\tb', "'", '\x01']);
  });
  it('joins line continuations', () => {
    expect(words('echo a\\\nb')).toEqual(['echo', 'ab']);
  });
  it('separates leading assignments from words', () => {
    const c = firstSimple(parseShell('A=1 B="x y" cmd arg C=3'));
    expect(c.assigns.map((a) => [a.name, litValue(a.value)])).toEqual([
      ['A', '1'],
      ['B', 'x y'],
    ]);
    expect(c.words.map(litValue)).toEqual(['cmd', 'arg', 'C=3']);
  });
  it('reads array assignments and extglobs as one word', () => {
    expect(firstSimple(parseShell('a=(1 2 3)')).assigns[0]!.name).toBe('a');
    expect(words('ls !(x|y)').length).toBe(2);
  });
});

describe('shell parser: expansions', () => {
  it('parses $(...) and backticks, nested', () => {
    const w = firstSimple(parseShell('echo "$(a "$(b `c`)")"')).words[1]!;
    const sub = w.parts.find((p) => p.type === 'cmdsub');
    expect(sub?.type).toBe('cmdsub');
  });
  it('parses process substitution as a word', () => {
    const w = firstSimple(parseShell('diff <(ls a) >(cat)')).words;
    expect(w[1]!.parts[0]!.type).toBe('procsub');
    expect(w[2]!.parts[0]!.type).toBe('procsub');
  });
  it('parses ${...} with operators and keeps the command substitutions of the operand', () => {
    const p = firstSimple(parseShell('echo ${X:-$(rm -rf /)}')).words[1]!.parts[0]!;
    expect(p.type).toBe('param');
    if (p.type === 'param') {
      expect(p.name).toBe('X');
      expect(p.op).toBe(':-$(rm -rf /)');
      expect(p.opScript?.items).toHaveLength(1);
    }
  });
  it('parses $((...)) as arithmetic, not a subshell', () => {
    expect(firstSimple(parseShell('echo $((1+(2*3)))')).words[1]!.parts[0]!.type).toBe('arith');
  });
  it('expands known variables with field splitting, tilde, braces and globs', () => {
    const env = new Map<string, string | null>([['F', '-r -f'], ['D', '/tmp']]);
    const ex = (src: string) => firstSimple(parseShell(src)).words.flatMap((w) => expandWord(w, { env, home: '/home/u', cwd: '/w', split: true }));
    expect(ex('rm $F "$F"').map((a) => a.value)).toEqual(['rm', '-r', '-f', '-r -f']);
    expect(ex('ls ~/x ~').map((a) => a.value)).toEqual(['ls', '/home/u/x', '/home/u']);
    expect(ex('rm a{b,c}d').map((a) => a.value)).toEqual(['rm', 'abd', 'acd']);
    expect(ex('rm "a{b,c}"').map((a) => a.value)).toEqual(['rm', 'a{b,c}']);
    expect(ex('rm *.o').map((a) => a.glob)).toEqual([false, true]);
    expect(ex('rm $UNKNOWN').map((a) => a.value)).toEqual(['rm', null]);
    expect(ex('echo ${D}/x').map((a) => a.value)).toEqual(['echo', '/tmp/x']);
  });
  it('expands brace sequences and matches globs like bash', () => {
    expect(braceExpand('f{1..3}')).toEqual(['f1', 'f2', 'f3']);
    expect(braceExpand('{a,b}{c,d}')).toEqual(['ac', 'ad', 'bc', 'bd']);
    expect(braceExpand('{a}')).toEqual(['{a}']);
    expect(globMatches('*', '.git')).toBe(false);
    expect(globMatches('.*', '.git')).toBe(true);
    expect(globMatches('.g?t', '.git')).toBe(true);
    expect(globMatches('[.]git', '.git')).toBe(false);
  });
});

describe('shell parser: heredocs and redirections', () => {
  it('reads heredoc bodies after the line, quoted or not, with <<- stripping tabs', () => {
    const sc = parseShell("cat <<EOF | sh\nrm x\nEOF\necho next\ncat <<-'END'\n\t$(keep)\n\tEND");
    const r0 = firstSimple(sc).redirects[0]!;
    expect(r0.heredoc?.body).toBe('rm x\n');
    expect(r0.heredoc?.expand).toBe(true);
    expect(sc.items).toHaveLength(3);
    const last = sc.items[2]!.pipeline.commands[0] as SimpleCommand;
    expect(last.redirects[0]!.heredoc).toMatchObject({ body: '$(keep)\n', expand: false });
  });
  it('parses file-descriptor redirections and here-strings', () => {
    const c = firstSimple(parseShell('cmd 2>/dev/null >>log &>all 2>&1 <<<"text" <in {fd}>x'));
    expect(c.redirects.map((r) => [r.fd, r.op])).toEqual([
      [2, '>'],
      [undefined, '>>'],
      [undefined, '&>'],
      [2, '>&'],
      [undefined, '<<<'],
      [undefined, '<'],
      [undefined, '>'],
    ]);
  });
});

describe('shell parser: valid bash that agents write', () => {
  it('parses every command of test/data/safety/valid-syntax.txt (a false parse error would block the agent)', () => {
    const text = readFileSync(join(import.meta.dirname, '../../data/safety/valid-syntax.txt'), 'utf8');
    const valid = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.replace(/\\n/g, '\n'));
    expect(valid.length).toBeGreaterThan(30);
    for (const src of valid) expect(errorKind(src), src).toBeUndefined();
  });
  it('treats time as a pipeline prefix', () => {
    expect(firstSimple(parseShell('time -p git status')).words.map(litValue)).toEqual(['git', 'status']);
    expect(parseShell('time (sleep 1)').items[0]!.pipeline.commands[0]!.type).toBe('subshell');
    expect(firstSimple(parseShell('time')).words.map(litValue)).toEqual(['time']);
  });
});

describe('shell parser: errors and bounds', () => {
  it('rejects unbalanced quotes, parentheses and stray operators', () => {
    for (const src of ['echo "x', "echo 'x", 'echo `x', 'echo $(x', '( a', 'a )', '&& a', 'a |', 'if a; then b', 'case x in', 'echo ${x']) {
      expect(errorKind(src), src).toBe('unparseable');
    }
  });
  it('fails instead of looping on words that cannot start ([[ ;, for ... in )', () => {
    expect(errorKind('[[;..git -c alias.x=()${')).toBe('unparseable');
    expect(errorKind('[[ a ; ]]')).toBe('unparseable');
    expect(errorKind('for x in a ) b; do :; done')).toBe('unparseable');
  });
  it('accepts empty input and comments only', () => {
    expect(parseShell('').items).toEqual([]);
    expect(parseShell('# nothing\n\n').items).toEqual([]);
  });
  it(`rejects more than ${MAX_SOURCE_BYTES} bytes`, () => {
    expect(errorKind('echo ' + 'x'.repeat(MAX_SOURCE_BYTES))).toBe('too-large');
  });
  it(`rejects nesting deeper than ${MAX_DEPTH}`, () => {
    const deep = (n: number) => '( '.repeat(n) + 'ls' + ' )'.repeat(n);
    expect(errorKind(deep(MAX_DEPTH))).toBeUndefined();
    expect(errorKind(deep(MAX_DEPTH + 1))).toBe('too-deep');
    const subs = (n: number) => 'echo ' + '$('.repeat(n) + 'ls' + ')'.repeat(n);
    expect(errorKind(subs(MAX_DEPTH + 1))).toBe('too-deep');
    const ticks = 'echo `echo \\`echo \\\\\\`ls\\\\\\`\\``';
    expect(errorKind(ticks)).toBeUndefined();
  });
  it('parses a 60 KB command quickly', () => {
    const big = Array.from({ length: 3000 }, (_, i) => `echo ${i} && ls dir${i}`).join('; ');
    const t = performance.now();
    parseShell(big.slice(0, 60_000).replace(/;[^;]*$/, ''));
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
