import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readSafetyLite } from '../../../src/hooks/config-lite.js';

/** Configs the small reader must read exactly as the yaml package does. */
const SUPPORTED = [
  '',
  'backlog_dir: backlog\n',
  'safety:\n  interactive: false\n',
  'safety:\n  interactive: true\n  protected_branches: [main, "release/*"]\n',
  "concurrency: 2\nsafety:\n  protected_branches:\n    - main\n    - 'hot fix''s'\n  deny_paths:\n  - secrets/\n  - \"infra/prod\" # comment\n# trailing comment\nagent:\n  max_turns: 3\n",
  'safety:\n  # a comment\n  allow_commands: ["^make( |$)", \'^npm run lint$\']\n  deny_commands: []\n\nchecks: [npm test]\n',
  'safety:\r\n  deny_paths: [a, b]\r\n',
  'safety: {}\n',
];

describe('readSafetyLite', () => {
  for (const text of SUPPORTED) {
    it(`reads ${JSON.stringify(text).slice(0, 60)} like the yaml package`, () => {
      const result = readSafetyLite(text);
      expect(result.ok).toBe(true);
      const expected = ((parse(text) ?? {}) as { safety?: Record<string, unknown> }).safety ?? {};
      expect(result.ok && result.safety).toEqual(expected);
    });
  }

  it('says unsupported instead of guessing for YAML it does not handle', () => {
    for (const text of [
      'safety: &s\n  interactive: false\n',
      'safety:\n  protected_branches: *branches\n',
      'safety:\n  interactive: maybe\n',
      'safety:\n  deny_paths: |\n    a\n',
      'safety:\n  deny_paths:\n    nested: x\n',
      'safety:\n  deny_paths: [[a]]\n',
      'safety: { interactive: false }\n',
      'safety:\n  interactive: false\n    protected_branches: [main]\n',
    ]) {
      expect(readSafetyLite(text).ok, text).toBe(false);
    }
  });

  it('skips unknown keys inside the section', () => {
    const result = readSafetyLite('safety:\n  colour: blue\n  interactive: false\n');
    expect(result).toEqual({ ok: true, safety: { interactive: false } });
  });
});
