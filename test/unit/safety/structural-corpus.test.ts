/**
 * The structural evasion corpus (test/data/safety-structural/corpus.txt, issue 8 part 3): for each
 * class of evasion (strings run by other programs, interpreter one-liners, other programs' command
 * languages, expansions, functions and aliases, git configuration surfaces, help and dry-run
 * forms), commands that must be denied and legitimate look-alikes that must be allowed, run
 * through the real policy. A deny must come with a reason the agent can act on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/safety/policy.js';
import { explain } from '../../../src/safety/explain.js';
import { corpusContext, WORKTREE } from './corpus-data.js';

interface Case {
  expect: 'allow' | 'deny';
  command: string;
  cls: string;
  line: number;
}

function load(): Case[] {
  const out: Case[] = [];
  let cls = '';
  readFileSync(join(import.meta.dirname, '../../data/safety-structural/corpus.txt'), 'utf8').split('\n').forEach((text, i) => {
    const m = /^# class: (.*)$/.exec(text);
    if (m) cls = m[1]!;
    if (text.trim() === '' || text.startsWith('#')) return;
    const sp = text.indexOf(' ');
    const verdict = text.slice(0, sp);
    if (verdict !== 'allow' && verdict !== 'deny') throw new Error(`corpus.txt:${i + 1}: starts with "${verdict}", expected allow or deny`);
    out.push({ expect: verdict, command: text.slice(sp + 1).replace(/\u2424/g, '\n'), cls, line: i + 1 });
  });
  return out;
}

const cases = load();
const ctx = corpusContext();
const bash = (command: string) => evaluate({ toolName: 'Bash', toolInput: { command }, cwd: WORKTREE }, ctx);

describe('structural evasion corpus: coverage', () => {
  it('has denied evasions and allowed look-alikes in every class', () => {
    const classes = [...new Set(cases.map((c) => c.cls))];
    expect(classes.length).toBeGreaterThanOrEqual(7);
    for (const cls of classes) {
      expect(cases.some((c) => c.cls === cls && c.expect === 'deny'), `${cls}: a deny case`).toBe(true);
      expect(cases.some((c) => c.cls === cls && c.expect === 'allow'), `${cls}: an allow case`).toBe(true);
    }
  });
});

describe('structural evasion corpus', () => {
  it.each(cases.map((c) => [`${c.line}: ${c.expect} ${c.command.split('\n')[0]}`, c] as const))('%s', (_name, c) => {
    const r = bash(c.command);
    expect(r.decision, r.decision === 'deny' ? r.reason : 'allowed').toBe(c.expect);
    if (r.decision === 'deny') expect(r.reason).toMatch(/instead/i);
  });
});

describe('structural denials explained (overnight gate)', () => {
  const why = (command: string) => explain({ toolName: 'Bash', toolInput: { command }, cwd: WORKTREE }, ctx);
  it('shows the finding and the fix for code only known when it runs', () => {
    const e = why('python3 -c \'import os; os.system("rm -rf " + "~/project")\'');
    expect(e.decision.decision).toBe('deny');
    expect(e.parsed.findings?.map((f) => f.ruleId)).toContain('interp.unknown-code');
    expect(e.decision.reason).toMatch(/write the shell command literally/i);
  });
  it('names the unknown process substitution and tells the agent to write the commands out', () => {
    const e = why('source <(cat ~/snippet.sh)');
    expect(e.decision.decision).toBe('deny');
    expect(e.decision.reason).toMatch(/cat \/home\/agent\/snippet\.sh/);
    expect(e.decision.reason).toMatch(/write the commands out literally/);
  });
  it('says which git setting runs the command, and lists the command it runs', () => {
    const e = why("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager GIT_CONFIG_VALUE_0='rm -rf ~/p' git log");
    expect(e.decision.decision).toBe('deny');
    expect(e.decision.reason).toMatch(/inside git -c core\.pager/);
    expect(e.parsed.commands?.find((c) => c.denied)?.argv).toEqual(['rm', '-rf', '/home/agent/p']);
  });
  it('shows a function call analysed with its arguments', () => {
    const e = why('f() { git "$@"; }; f push --force origin main');
    expect(e.decision.decision).toBe('deny');
    expect(e.parsed.commands?.find((c) => c.denied)?.via).toEqual(['function f']);
  });
});
