/** stream-json reading, against lines captured from Claude Code 2.1.330 runs (fixtures/). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyStreamLine, newStreamState, parseStreamLine, summariseToolUse } from '../../../src/agent/stream.js';
import { oneLine } from '../../../src/util/text.js';
import type { AgentActivity } from '../../../src/agent/types.js';

function feed(name: string) {
  const state = newStreamState();
  const acts: AgentActivity[] = [];
  for (const line of readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').split('\n')) acts.push(...applyStreamLine(state, line, new Date('2026-11-21T12:00:00Z')));
  return { state, acts };
}

describe('stream-json reading (captured samples)', () => {
  it('follows a complete run: turns, cost, tools, last text, result', () => {
    const { state, acts } = feed('complete.jsonl');
    expect(state.result).toMatchObject({ subtype: 'success', is_error: false, num_turns: 4 });
    expect(state.turns).toBe(4);
    expect(state.costUsd).toBeCloseTo(0.218188, 6);
    expect(state.toolCalls).toBe(3);
    expect(state.sessionId).toBe('13347215-1150-4fd8-b746-43a883ecd41a');
    expect(state.tools).toContain('Bash');
    expect(state.lastText).toBe('Done.\n\n## Learnings\n- use npm test\n- commit often\n\nTASK_COMPLETE');
    expect(state.badLines).toBe(0);
    expect(acts.map((a) => `${a.kind} ${a.summary}`)).toEqual([
      'turn claude session started (model claude-opus-5-5)',
      'text Writing a file.',
      'tool Bash: echo hi > a.txt && git add a.txt && git commit -qm "add a"',
      'tool Read: README.md',
      'tool TodoWrite: 1 todo(s)',
      'text Done.',
      'result finished: 4 turn(s), $0.2182',
    ]);
    expect(acts.every((a) => a.at === '2026-11-21T12:00:00.000Z')).toBe(true);
    expect(acts[acts.length - 1]!.costUsd).toBeCloseTo(0.218188, 6);
  });

  it('sees API retries and the synthetic API error message', () => {
    const { state, acts } = feed('overloaded-529.jsonl');
    expect(state.apiRetries).toBe(1);
    expect(state.lastApiError).toMatchObject({ status: 529, error: 'overloaded', attempt: expect.any(Number), retryDelayMs: expect.any(Number) });
    expect(state.apiError).toMatchObject({ error: 'server_error', status: 529, type: 'overloaded_error' });
    expect(state.apiError?.text).toMatch(/^API Error: 529 Overloaded/);
    expect(state.result).toMatchObject({ subtype: 'success', is_error: true, api_error_status: 529, terminal_reason: 'api_error' });
    expect(acts.some((a) => a.kind === 'turn' && /API error 529 overloaded; retry 1\/1 in 0\.\d s/.test(a.summary))).toBe(true);
  });

  it('reads max-turns and budget result lines', () => {
    expect(feed('max-turns.jsonl').state.result).toMatchObject({ subtype: 'error_max_turns', is_error: true, num_turns: 3, terminal_reason: 'max_turns' });
    expect(feed('max-budget.jsonl').state.result).toMatchObject({ subtype: 'error_max_budget_usd', is_error: true, terminal_reason: 'budget_exhausted' });
  });

  it('skips blank and non-JSON lines, counting the garbage', () => {
    const state = newStreamState();
    expect(applyStreamLine(state, '')).toEqual([]);
    expect(applyStreamLine(state, 'Warning: something')).toEqual([]);
    expect(applyStreamLine(state, '{"no":"type"}')).toEqual([]);
    expect(applyStreamLine(state, '{broken')).toEqual([]);
    expect(state.lines).toBe(3); // blank lines are not counted
    expect(state.badLines).toBe(3);
    expect(parseStreamLine('[1,2]')).toBeUndefined();
    expect(parseStreamLine(' {"type":"x"} ')).toEqual({ type: 'x' });
  });

  it('counts one turn per assistant message, not per content line, and joins its text blocks', () => {
    const state = newStreamState();
    const msg = (id: string, block: object) => JSON.stringify({ type: 'assistant', message: { id, content: [block] } });
    applyStreamLine(state, msg('m1', { type: 'text', text: 'first' }));
    applyStreamLine(state, msg('m1', { type: 'text', text: 'second' }));
    applyStreamLine(state, msg('m1', { type: 'tool_use', name: 'Read', input: { file_path: 'a' } }));
    expect(state.turns).toBe(1);
    expect(state.lastText).toBe('first\nsecond');
    applyStreamLine(state, msg('m2', { type: 'text', text: 'third' }));
    expect(state.turns).toBe(2);
    expect(state.lastText).toBe('third');
  });
});

describe('summariseToolUse', () => {
  it('shows the part of the input a person wants to see', () => {
    expect(summariseToolUse('Bash', { command: 'npm test', description: 'Run tests' })).toBe('Bash: npm test');
    expect(summariseToolUse('Edit', { file_path: 'src/a.ts', old_string: 'x', new_string: 'y' })).toBe('Edit: src/a.ts');
    expect(summariseToolUse('Grep', { pattern: 'TODO', path: 'src' })).toBe('Grep: TODO in src');
    expect(summariseToolUse('Glob', { pattern: '**/*.ts' })).toBe('Glob: **/*.ts');
    expect(summariseToolUse('AskUserQuestion', { questions: [{ question: 'Which DB?' }] })).toBe('AskUserQuestion: Which DB?');
    expect(summariseToolUse('TaskCreate', { subject: 'write tests', description: 'd' })).toBe('TaskCreate: write tests');
    expect(summariseToolUse('Mystery', {})).toBe('Mystery');
  });

  it('keeps it to one short line', () => {
    const s = summariseToolUse('Bash', { command: `echo ${'x'.repeat(500)}\nls` });
    expect(s.length).toBeLessThanOrEqual(160);
    expect(s).not.toContain('\n');
    expect(oneLine('a\n  b\tc')).toBe('a b c');
  });
});
