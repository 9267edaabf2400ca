import { describe, expect, it } from 'vitest';
import { AGENT_ALLOWED_TOOLS, AGENT_DISALLOWED_TOOLS, buildClaudeArgs, MAX_BRIEF_BYTES } from '../../../src/agent/args.js';
import type { AgentRunOptions } from '../../../src/agent/types.js';

const base: AgentRunOptions = {
  claudePath: '/usr/bin/claude',
  cwd: '/tmp/wt',
  brief: '# Mission\nDo it.',
  pluginDir: '/opt/overnight',
  settingsFile: '/tmp/s/settings.json',
  allowedTools: AGENT_ALLOWED_TOOLS,
  maxTurns: 40,
  budgetUsd: 2.5,
  claudeSessionId: '123e4567-e89b-42d3-a456-426614174000',
  transcriptFile: '/tmp/t.jsonl',
  idleTimeoutMs: 600_000,
  absoluteTimeoutMs: 3_600_000,
};

/** The value following `flag` in argv. */
function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('buildClaudeArgs', () => {
  it('has every flag DESIGN.md requires, with its value', () => {
    const args = buildClaudeArgs(base);
    expect(args.slice(0, 2)).toEqual(['-p', base.brief]);
    expect(valueOf(args, '--output-format')).toBe('stream-json');
    expect(args).toContain('--verbose');
    expect(valueOf(args, '--plugin-dir')).toBe('/opt/overnight');
    expect(valueOf(args, '--settings')).toBe('/tmp/s/settings.json');
    expect(valueOf(args, '--permission-mode')).toBe('dontAsk');
    expect(valueOf(args, '--permission-prompt-tool')).toBe('stdio');
    expect(valueOf(args, '--allowedTools')).toBe(AGENT_ALLOWED_TOOLS.join(','));
    expect(valueOf(args, '--tools')).toBe(AGENT_ALLOWED_TOOLS.join(','));
    expect(valueOf(args, '--disallowedTools')).toBe(AGENT_DISALLOWED_TOOLS.join(','));
    expect(valueOf(args, '--max-turns')).toBe('40');
    expect(valueOf(args, '--max-budget-usd')).toBe('2.5');
    expect(valueOf(args, '--session-id')).toBe(base.claudeSessionId);
    expect(args).not.toContain('--model');
  });

  it('never turns hooks off or permissions off', () => {
    const args = buildClaudeArgs({ ...base, model: 'sonnet' });
    for (const bad of ['--bare', '--dangerously-skip-permissions', '--allow-dangerously-skip-permissions', 'bypassPermissions', '--safe-mode']) {
      expect(args).not.toContain(bad);
    }
  });

  it('adds --model when given', () => {
    expect(valueOf(buildClaudeArgs({ ...base, model: 'opus' }), '--model')).toBe('opus');
  });

  it('keeps a brief that starts with "-" from being read as an option', () => {
    const args = buildClaudeArgs({ ...base, brief: '--bare is not a flag here' });
    expect(args[1]).toBe(' --bare is not a flag here');
    expect(args).not.toContain('--bare');
  });

  it('lists the coding tools and the ask tool, and no sub-agent or web tools', () => {
    for (const t of ['Bash', 'Read', 'Write', 'Edit', 'Glob', 'Grep', 'NotebookEdit', 'AskUserQuestion']) expect(AGENT_ALLOWED_TOOLS).toContain(t);
    for (const t of ['Agent', 'Task', 'WebFetch', 'WebSearch', 'EnterWorktree']) expect(AGENT_ALLOWED_TOOLS).not.toContain(t);
  });

  it('rejects options out of range (programmer errors)', () => {
    expect(() => buildClaudeArgs({ ...base, brief: '  ' })).toThrow(/brief is empty/);
    expect(() => buildClaudeArgs({ ...base, brief: 'x'.repeat(MAX_BRIEF_BYTES + 1) })).toThrow(/bytes/);
    expect(() => buildClaudeArgs({ ...base, maxTurns: 0 })).toThrow(/maxTurns/);
    expect(() => buildClaudeArgs({ ...base, maxTurns: 2.5 })).toThrow(/maxTurns/);
    expect(() => buildClaudeArgs({ ...base, budgetUsd: 0 })).toThrow(/budgetUsd/);
    expect(() => buildClaudeArgs({ ...base, budgetUsd: Number.NaN })).toThrow(/budgetUsd/);
    expect(() => buildClaudeArgs({ ...base, claudeSessionId: 'not-a-uuid' })).toThrow(/UUID/);
    expect(() => buildClaudeArgs({ ...base, allowedTools: [] })).toThrow(/allowedTools/);
    expect(() => buildClaudeArgs({ ...base, allowedTools: ['Bash', 'Read,Write'] })).toThrow(/malformed/);
  });

  it('accepts permission-rule tool patterns, offering the plain tool names', () => {
    const args = buildClaudeArgs({ ...base, allowedTools: ['Bash(git *)', 'Bash(npm *)', 'Read'] });
    expect(valueOf(args, '--allowedTools')).toBe('Bash(git *),Bash(npm *),Read');
    expect(valueOf(args, '--tools')).toBe('Bash,Read');
  });

  it('denies the sub-agent, skill, worktree and scheduling tools, unless allowed on purpose', () => {
    for (const t of ['Agent', 'Task', 'Skill', 'EnterWorktree', 'CronCreate', 'ScheduleWakeup']) expect(AGENT_DISALLOWED_TOOLS).toContain(t);
    expect(valueOf(buildClaudeArgs({ ...base, disallowedTools: ['WebFetch'] }), '--disallowedTools')).toBe('WebFetch');
    const withFetch = buildClaudeArgs({ ...base, allowedTools: [...AGENT_ALLOWED_TOOLS, 'WebFetch'] });
    expect(valueOf(withFetch, '--disallowedTools')!.split(',')).not.toContain('WebFetch');
    expect(valueOf(withFetch, '--tools')!.split(',')).toContain('WebFetch');
    expect(buildClaudeArgs({ ...base, disallowedTools: ['Bash'] })).not.toContain('--disallowedTools');
  });
});
