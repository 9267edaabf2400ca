import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendAuditLine, exitCodeOf, gateAuditLine, outcomeAuditLine, summarizeInput } from '../../../src/hooks/audit-log.js';
import type { HookInput } from '../../../src/hooks/input.js';

const now = new Date('2026-11-21T23:00:00.000Z');
function input(over: Partial<HookInput>): HookInput {
  return { session_id: 'cs1', cwd: '/w', hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 'toolu_1', ...over };
}

describe('summarizeInput', () => {
  it('keeps the command or path and never file contents', () => {
    expect(summarizeInput('Bash', { command: 'git status' })).toBe('git status');
    expect(summarizeInput('Write', { file_path: '/w/a.ts', content: 'SECRET CONTENT' })).toBe('/w/a.ts');
    expect(summarizeInput('Edit', { file_path: '/w/a.ts', old_string: 'x', new_string: 'SECRET' })).toBe('/w/a.ts');
    expect(summarizeInput('NotebookEdit', { notebook_path: '/w/n.ipynb', new_source: 'SECRET' })).toBe('/w/n.ipynb');
    expect(summarizeInput('Grep', { pattern: 'TODO', path: 'src' })).toBe('TODO in src');
    expect(summarizeInput('AskUserQuestion', { questions: [{ question: 'A?' }, { question: 'B?' }] })).toBe('A? | B?');
    expect(summarizeInput('Mystery', { content: 'SECRET', n: 1 })).toBe('(content, n)');
  });

  it('clips very long commands', () => {
    const long = 'x'.repeat(5000);
    const summary = summarizeInput('Bash', { command: long });
    expect(summary.length).toBeLessThan(2100);
    expect(summary).toContain('(5000 chars)');
  });
});

describe('audit lines', () => {
  it('records a gate denial with its rule and reason', () => {
    const line = gateAuditLine(input({ hook_event_name: 'PreToolUse', tool_input: { command: 'git push --force' } }), { decision: 'deny', ruleId: 'git.force-push', reason: 'no' }, 'csv-export', now, 12.345);
    expect(line).toEqual({
      ts: '2026-11-21T23:00:00.000Z', session_id: 'cs1', item: 'csv-export', event: 'PreToolUse', tool: 'Bash', tool_use_id: 'toolu_1',
      target: 'git push --force', decision: 'deny', rule: 'git.force-push', reason: 'no', gate_ms: 12.3,
    });
  });

  it('records outcomes: success, failure with exit code, interruption, permission denial', () => {
    expect(outcomeAuditLine(input({ tool_response: { stdout: 'ok', stderr: '', interrupted: false } }), undefined, now).outcome).toBe('success');
    const failed = outcomeAuditLine(input({ hook_event_name: 'PostToolUseFailure', error: 'Exit code 2\nboom' }), 'x', now);
    expect(failed).toMatchObject({ outcome: 'error', exit_code: 2, error: 'Exit code 2' });
    expect(outcomeAuditLine(input({ hook_event_name: 'PostToolUseFailure', error: 'stopped', is_interrupt: true }), 'x', now).outcome).toBe('interrupted');
    expect(outcomeAuditLine(input({ hook_event_name: 'PermissionDenied', reason: 'rule Bash(sudo:*)' }), 'x', now)).toMatchObject({ outcome: 'denied', error: 'rule Bash(sudo:*)' });
    expect(exitCodeOf({ exitCode: 0 })).toBe(0);
    expect(exitCodeOf({}, undefined)).toBeUndefined();
  });

  it('appends exactly one JSON line per call', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.jsonl');
    appendAuditLine(file, outcomeAuditLine(input({}), 'a', now));
    appendAuditLine(file, outcomeAuditLine(input({ tool_use_id: 'toolu_2' }), 'a', now));
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1]!).tool_use_id).toBe('toolu_2');
  });
});
