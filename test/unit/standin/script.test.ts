import { describe, expect, it } from 'vitest';
import { pickScript, pickTurn, resolveTurn, toModelRequest, type Script } from '../../../src/standin/script.js';

const body = (messages: any[]) => ({ model: 'm', system: [{ type: 'text', text: 'sys A' }, { type: 'text', text: 'sys B' }], messages });

describe('stand-in scripts', () => {
  it('derives turnIndex, first user text and the last tool results from the request', () => {
    const req = toModelRequest(
      body([
        { role: 'user', content: [{ type: 'text', text: '<reminder>' }, { type: 'text', text: 'Do MARKER-1 now' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'done' }], is_error: true }] },
      ]),
      '/v1/messages?beta=true',
    );
    expect(req.turnIndex).toBe(1);
    expect(req.system).toBe('sys A\nsys B');
    expect(req.firstUserText).toBe('<reminder>\nDo MARKER-1 now');
    expect(req.lastToolResults).toEqual([{ tool_use_id: 't1', content: 'done', is_error: true }]);
  });

  it('reads tool results even when Claude Code appends a message after them (the --max-budget-usd note)', () => {
    const req = toModelRequest(
      body([
        { role: 'user', content: 'Do MARKER-2' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't9', name: 'Bash', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't9', content: 'denied: reason' }] },
        { role: 'system', content: 'budget note' },
      ]),
    );
    expect(req.lastToolResults).toEqual([{ tool_use_id: 't9', content: 'denied: reason' }]);
  });

  it('picks the conversation by marker and the turn by turnIndex, then final', () => {
    const a: Script = { marker: 'ALPHA', turns: [{ text: 'a0' }, { text: 'a1' }] };
    const b: Script = { marker: 'BETA', turns: [{ text: 'b0' }], final: { text: 'b-final' } };
    const reqB = toModelRequest(body([{ role: 'user', content: 'hello BETA' }, { role: 'assistant', content: 'x' }, { role: 'user', content: 'y' }]));
    expect(pickScript([a, b], reqB)).toBe(b);
    expect(pickTurn(b, reqB)).toEqual({ text: 'b-final' });
    const reqA = toModelRequest(body([{ role: 'user', content: 'ALPHA' }, { role: 'assistant', content: 'x' }, { role: 'user', content: 'y' }]));
    expect(pickTurn(a, reqA)).toEqual({ text: 'a1' });
    expect(pickTurn({ marker: 'ALPHA', turns: [] }, reqA)).toEqual({ text: 'TASK_COMPLETE' });
    expect(pickScript([a, b], toModelRequest(body([{ role: 'user', content: 'nothing' }])))).toBeUndefined();
  });

  it('resolves functions, delays, tools, hangs and errors', () => {
    const req = toModelRequest(body([{ role: 'user', content: 'x' }]));
    expect(resolveTurn({ delayMs: 5, then: { delayMs: 7, then: (r) => ({ text: `turn ${r.turnIndex}` }) } }, req)).toEqual({
      answer: { kind: 'message', text: 'turn 0', tools: [] },
      delayMs: 12,
    });
    expect(resolveTurn({ tool: 'Bash', input: { command: 'ls' }, text: 'go' }, req).answer).toEqual({
      kind: 'message',
      text: 'go',
      tools: [{ tool: 'Bash', input: { command: 'ls' } }],
    });
    expect(resolveTurn({ hang: true }, req).answer).toEqual({ kind: 'hang' });
    expect(resolveTurn({ error: { status: 529, type: 'overloaded_error', message: 'busy' } }, req).answer).toEqual({
      kind: 'error',
      status: 529,
      type: 'overloaded_error',
      message: 'busy',
    });
    expect(() => resolveTurn({ bogus: 1 } as any, req)).toThrow(/unknown turn shape/);
  });
});
