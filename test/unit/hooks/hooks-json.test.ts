import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATE_DEADLINE_MS, HOOK_TIMEOUT_SECONDS } from '../../../src/hooks/deadline.js';
import { DEFAULT_PROTECTED_BRANCHES } from '../../../src/hooks/policy-context.js';
import { defaultConfig } from '../../../src/config/schema.js';

const hooks = JSON.parse(readFileSync('hooks/hooks.json', 'utf8')).hooks as Record<string, Array<{ matcher: string; hooks: Array<{ type: string; command: string; timeout: number }> }>>;

describe('hooks/hooks.json', () => {
  it('registers one gate per tool family and the audit hook for every outcome event', () => {
    const pre = Object.fromEntries(hooks.PreToolUse!.map((h) => [h.matcher, h.hooks[0]!.command]));
    expect(pre.Bash).toContain('/dist/hooks/bash-gate.js');
    expect(pre['Write|Edit|MultiEdit|NotebookEdit|Read|Grep|NotebookRead']).toContain('/dist/hooks/file-gate.js');
    expect(pre.AskUserQuestion).toContain('/dist/hooks/ask-gate.js');
    for (const event of ['PostToolUse', 'PostToolUseFailure', 'PermissionDenied']) {
      expect(hooks[event]![0]!.hooks[0]!.command, event).toContain('/dist/hooks/audit.js');
    }
  });

  it('runs every command through ${CLAUDE_PLUGIN_ROOT}, on a built entry point, with the documented timeout', () => {
    const entries = readdirSync('src/hooks/entry').map((f) => f.replace(/\.ts$/, '.js'));
    for (const groups of Object.values(hooks)) {
      for (const group of groups) {
        for (const hook of group.hooks) {
          expect(hook.type).toBe('command');
          // Gates fail closed when node cannot run them (exit 2 blocks the call); the audit hook need not.
          const m = /^node "\$\{CLAUDE_PLUGIN_ROOT\}\/dist\/hooks\/([a-z-]+\.js)"( \|\| \{ echo "overnight: the safety gate did not run \(exit \$\?\), so the call is denied\. [^"]*" >&2; exit 2; \})?$/.exec(hook.command);
          expect(m, hook.command).not.toBeNull();
          expect(entries).toContain(m![1]);
          expect(existsSync(`dist/hooks/${m![1]}`)).toBe(true);
          expect(hook.timeout).toBe(HOOK_TIMEOUT_SECONDS);
          expect(Boolean(m![2]), `${m![1]} fails closed`).toBe(m![1]!.endsWith('-gate.js'));
        }
      }
    }
    // The internal deadline leaves the hook well inside Claude Code's timeout.
    expect(GATE_DEADLINE_MS).toBeLessThanOrEqual((HOOK_TIMEOUT_SECONDS * 1000) / 2);
  });

  it('uses the same default protected branches as the config schema', () => {
    expect(DEFAULT_PROTECTED_BRANCHES).toEqual(defaultConfig().safety.protected_branches);
  });

  it('keeps the hook bundles light: no zod, yaml, commander, execa or simple-git inside', () => {
    for (const name of readdirSync('dist/hooks/core').filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(`dist/hooks/core/${name}`, 'utf8');
      expect(text.length, name).toBeLessThan(400 * 1024);
      for (const marker of ['ZodError', 'YAMLParseError', 'CommanderError', 'ExecaError', 'simple-git', 'GitResponseError']) {
        expect(text.includes(marker), `${name} contains ${marker}`).toBe(false);
      }
    }
  });
});
