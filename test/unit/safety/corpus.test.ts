import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/safety/policy.js';
import { corpusContext, loadAllow, loadDeny, loadMultiline, loadPaths, WORKTREE } from './corpus-data.js';

const deny = loadDeny();
const allow = loadAllow();
const multiline = loadMultiline();
const paths = loadPaths();
const ctx = corpusContext();

function bash(command: string, cwd = WORKTREE, c = ctx) {
  return evaluate({ toolName: 'Bash', toolInput: { command }, cwd }, c);
}

describe('safety corpus: size and coverage', () => {
  it('has at least 300 deny and 200 allow commands', () => {
    expect(deny.length).toBeGreaterThanOrEqual(300);
    expect(allow.length).toBeGreaterThanOrEqual(200);
  });
  it('covers every category of the policy', () => {
    const cats = new Set(deny.map((d) => d.category));
    for (const c of ['git force push', 'deleting files', 'disk and system', 'privilege', 'databases', 'network into a shell', 'secrets', 'parse limits and errors']) {
      expect(cats.has(c), c).toBe(true);
    }
  });
});

describe('safety corpus: commands that must be denied', () => {
  it.each(deny.map((d) => [`${d.line}: ${d.command}`, d] as const))('%s', (_name, d) => {
    const r = bash(d.command);
    expect(r.decision, `expected a deny (${d.rules.join(' or ')})`).toBe('deny');
    if (r.decision !== 'deny') return;
    expect(d.rules).toContain(r.ruleId);
    expect(r.reason.length).toBeGreaterThan(20);
    expect(r.reason).toMatch(/instead/i);
  });
});

describe('safety corpus: look-alikes that must be allowed', () => {
  it.each(allow.map((a) => [`${a.line}: ${a.command}`, a] as const))('%s', (_name, a) => {
    const r = bash(a.command);
    expect(r, r.decision === 'deny' ? r.reason : '').toEqual({ decision: 'allow' });
  });
});

describe('safety corpus: multi-line and context-dependent commands', () => {
  it.each(multiline.map((m, i) => [`${i}: ${m.command.split('\n')[0]}`, m] as const))('%s', (_name, m) => {
    const r = bash(m.command, m.cwd ?? WORKTREE, corpusContext(m.ctx ?? {}));
    expect(r.decision, r.decision === 'deny' ? r.reason : 'allowed').toBe(m.expect);
    if (r.decision === 'deny') {
      expect(m.rule?.split('|')).toContain(r.ruleId);
      expect(r.reason).toMatch(/instead/i);
    }
  });
});

describe('safety corpus: file tools', () => {
  it.each(paths.map((p, i) => [`${i}: ${p.tool} ${p.path ?? '(no path)'}`, p] as const))('%s', (_name, p) => {
    const input: Record<string, unknown> = {};
    if (p.path !== undefined) input[p.tool === 'NotebookEdit' ? 'notebook_path' : p.tool === 'Grep' || p.tool === 'Glob' ? 'path' : p.tool === 'WebFetch' ? 'url' : 'file_path'] = p.path;
    const r = evaluate({ toolName: p.tool, toolInput: input, cwd: WORKTREE }, corpusContext(p.ctx ?? {}));
    expect(r.decision, r.decision === 'deny' ? r.reason : 'allowed').toBe(p.expect);
    if (r.decision === 'deny') {
      expect(r.ruleId).toBe(p.rule);
      expect(r.reason).toMatch(/instead/i);
    }
  });
});
