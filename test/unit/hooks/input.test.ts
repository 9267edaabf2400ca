import { describe, expect, it } from 'vitest';
import { HookInputError, parseHookInput } from '../../../src/hooks/input.js';

describe('parseHookInput', () => {
  const good = { session_id: 's', cwd: '/w', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 't1' };

  it('accepts a tool event and keeps extra fields', () => {
    const input = parseHookInput(JSON.stringify({ ...good, permission_mode: 'dontAsk' }));
    expect(input.tool_input).toEqual({ command: 'ls' });
    expect(input.permission_mode).toBe('dontAsk');
  });

  it('defaults a missing session_id to empty', () => {
    const { session_id: _s, ...rest } = good;
    expect(parseHookInput(JSON.stringify(rest)).session_id).toBe('');
  });

  it('rejects what is not a tool event', () => {
    for (const text of ['', 'not json', '[]', JSON.stringify({ ...good, cwd: 3 }), JSON.stringify({ ...good, tool_input: 'ls' }), JSON.stringify({ ...good, tool_name: '' })]) {
      expect(() => parseHookInput(text), text).toThrow(HookInputError);
    }
  });
});
