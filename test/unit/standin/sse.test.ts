import { describe, expect, it } from 'vitest';
import { buildMessage, chunk, encodeMessageEvents, parseSse } from '../../../src/standin/sse.js';

describe('SSE encoding of an assistant turn', () => {
  it('streams a text answer as message_start, text deltas, message_delta end_turn, message_stop', () => {
    const msg = buildMessage({ model: 'claude-test', text: 'Hello, world! This text is longer than ten chars.', inputTokens: 120 });
    const events = parseSse(encodeMessageEvents(msg, 10).join(''));
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      ...Array(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const e of events) expect(e.data.type).toBe(e.event);
    const start = events[0]!.data.message;
    expect(start).toMatchObject({ id: msg.id, type: 'message', role: 'assistant', model: 'claude-test', content: [], stop_reason: null });
    expect(start.usage.input_tokens).toBe(120);
    expect(events[1]!.data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    const text = events.filter((e) => e.event === 'content_block_delta').map((e) => {
      expect(e.data.delta.type).toBe('text_delta');
      return e.data.delta.text;
    });
    expect(text.join('')).toBe('Hello, world! This text is longer than ten chars.');
    const delta = events.at(-2)!.data;
    expect(delta.delta.stop_reason).toBe('end_turn');
    expect(delta.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams text then tool_use blocks with input_json_delta that reassemble to the input', () => {
    const input = { command: 'echo "a long command with quotes" > out.txt && ls -la', description: 'make a file' };
    const msg = buildMessage({ model: 'm', text: 'Running it.', tools: [{ tool: 'Bash', input }, { tool: 'Read', input: { file_path: '/x' } }], inputTokens: 5 });
    expect(msg.stop_reason).toBe('tool_use');
    const events = parseSse(encodeMessageEvents(msg, 16).join(''));
    const starts = events.filter((e) => e.event === 'content_block_start').map((e) => e.data);
    expect(starts.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(starts[1].content_block).toMatchObject({ type: 'tool_use', name: 'Bash', input: {} });
    expect(starts[1].content_block.id).toMatch(/^toolu_/);
    expect(starts[2].content_block.id).not.toBe(starts[1].content_block.id);
    for (const index of [1, 2]) {
      const json = events
        .filter((e) => e.event === 'content_block_delta' && e.data.index === index)
        .map((e) => {
          expect(e.data.delta.type).toBe('input_json_delta');
          return e.data.delta.partial_json;
        })
        .join('');
      expect(JSON.parse(json)).toEqual(index === 1 ? input : { file_path: '/x' });
    }
    expect(events.filter((e) => e.event === 'content_block_stop').map((e) => e.data.index)).toEqual([0, 1, 2]);
    expect(events.at(-2)!.data.delta.stop_reason).toBe('tool_use');
    expect(events.at(-1)!.event).toBe('message_stop');
  });

  it('frames every event as event/data lines ending in a blank line', () => {
    const raw = encodeMessageEvents(buildMessage({ model: 'm', text: 'x', inputTokens: 1 }));
    for (const frame of raw) expect(frame).toMatch(/^event: [a-z_]+\ndata: \{.*\}\n\n$/s);
  });

  it('chunks text without losing characters', () => {
    expect(chunk('', 4)).toEqual(['']);
    expect(chunk('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});
