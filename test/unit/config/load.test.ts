import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { OvernightError, OvernightErrors } from '../../../src/util/errors.js';

/** The formatted problems of an invalid config text. */
function problems(text: string): string[] {
  try {
    parseConfigText(text);
  } catch (error) {
    if (error instanceof OvernightErrors) return error.errors.map((e) => e.format());
    if (error instanceof OvernightError) return [error.format()];
    throw error;
  }
  throw new Error('expected the config to be invalid');
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loading overnight.config.yaml', () => {
  test('a missing file, an empty file or only comments give the defaults', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overnight-config-'));
    dirs.push(dir);
    expect(await loadConfig(dir)).toEqual(defaultConfig());
    writeFileSync(join(dir, 'overnight.config.yaml'), '# nothing yet\n');
    expect(await loadConfig(dir)).toEqual(defaultConfig());
    expect(parseConfigText('')).toEqual(defaultConfig());
  });

  test('defaults are filled in around what is set', () => {
    const config = parseConfigText('concurrency: 3\nchecks: [npm test]\nagent:\n  max_turns: 20\nsafety:\n  protected_branches: [main, prod]\n');
    expect(config.concurrency).toBe(3);
    expect(config.checks).toEqual(['npm test']);
    expect(config.agent).toMatchObject({ max_turns: 20, budget_usd: 5, timeout: '45m', estimate: '30m', claude_path: 'claude' });
    expect(config.safety.protected_branches).toEqual(['main', 'prod']);
    expect(config.backlog_dir).toBe('backlog');
    expect(config.time_limit).toBe('6h');
    expect(config.pull_request.enabled).toBe(true);
  });

  test('unknown key: file, line, key path and the closest valid key', () => {
    expect(problems('concurency: 3\n')).toEqual([
      "overnight.config.yaml:1: unknown key 'concurency' — did you mean 'concurrency'? [field: concurency]\n  Fix: Rename 'concurency' to 'concurrency'.",
    ]);
    expect(problems('agent:\n  model: opus\n  maxTurns: 5\n')).toEqual([
      "overnight.config.yaml:3: unknown key 'maxTurns' — did you mean 'max_turns'? [field: agent.maxTurns]\n  Fix: Rename 'maxTurns' to 'max_turns'.",
    ]);
    expect(problems('notifications:\n  - type: command\n    comand: ./notify.sh\n')[0]).toBe(
      "overnight.config.yaml:3: unknown key 'comand' — did you mean 'command'? [field: notifications[0].comand]\n  Fix: Rename 'comand' to 'command'.",
    );
  });

  test('an unknown key with no close match lists the valid keys there', () => {
    expect(problems('pull_request:\n  reviewers: [bob]\n')).toEqual([
      "overnight.config.yaml:2: unknown key 'reviewers' [field: pull_request.reviewers]\n  Fix: Remove 'reviewers'; valid keys under 'pull_request' are: enabled, draft_on_failure, remote, labels.",
    ]);
  });

  test('wrong types name the expected type and the default', () => {
    expect(problems('concurrency: two\n')).toEqual([
      "overnight.config.yaml:1: 'concurrency' must be a whole number, not the text 'two' [field: concurrency]\n  Fix: Set 'concurrency' to a whole number, e.g. 'concurrency: 2' (the default).",
    ]);
    expect(problems('checks: npm test\n')).toEqual([
      "overnight.config.yaml:1: 'checks' must be a list, not the text 'npm test' [field: checks]\n  Fix: Use a list of shell commands, e.g. 'checks: [npm test]', or '- { run: npm test, junit: reports/junit.xml }' for a check that writes a JUnit XML report.",
    ]);
    expect(problems('agent:\n  max_turns: 2.5\n')[0]).toBe(
      "overnight.config.yaml:2: 'agent.max_turns' must be a whole number, not the number 2.5 [field: agent.max_turns]\n  Fix: Set 'agent.max_turns' to a whole number, e.g. 'max_turns: 60' (the default).",
    );
  });

  test('out of range values and malformed durations', () => {
    expect(problems('concurrency: 0\ntime_limit: 6 hours\nagent:\n  idle_timeout: soon\n')).toEqual([
      "overnight.config.yaml:1: 'concurrency' must be at least 1, not the number 0 [field: concurrency]\n  Fix: Set 'concurrency' to at least 1 (the default is 2).",
      "overnight.config.yaml:2: 'time_limit' is the text '6 hours': expected hours such as '6h' or '1.5h', or minutes such as '90m' [field: time_limit]\n  Fix: Use hours such as '6h' or '1.5h', or minutes such as '90m'.",
      "overnight.config.yaml:4: 'agent.idle_timeout' is the text 'soon': expected a duration such as 30s, 45m or 2h [field: agent.idle_timeout]\n  Fix: Use a duration such as '10m', '90s' or '1h'.",
    ]);
  });

  test('memory: the learnings file defaults to docs/overnight-learnings.md, may be off or another path, never outside the repository', () => {
    expect(parseConfigText('').memory).toEqual({ file: 'docs/overnight-learnings.md', max_bytes: 8192 });
    expect(parseConfigText('memory:\n  file: "off"\n').memory.file).toBe('off');
    expect(parseConfigText('memory:\n  file: off\n').memory.file).toBe('off');
    expect(parseConfigText('memory:\n  file: notes/LEARNINGS.md\n  max_bytes: 4096\n').memory).toEqual({ file: 'notes/LEARNINGS.md', max_bytes: 4096 });
    for (const bad of ['/etc/learnings.md', '../outside.md', 'docs//x.md', '.git/learnings.md', '.overnight/x.md', 'docs\\\\x.md']) {
      const found = problems(`memory:\n  file: ${JSON.stringify(bad)}\n`);
      expect(found, bad).toHaveLength(1);
      expect(found[0]).toMatch(/^overnight\.config\.yaml:2: .*'memory\.file'.*or 'off'.*\[field: memory\.file\]/s);
    }
    expect(problems('memory:\n  max_bytes: 100\n')[0]).toContain('[field: memory.max_bytes]');
  });

  test('a bad notification type suggests the valid ones', () => {
    expect(problems('notifications:\n  - type: comand\n')[0]).toBe(
      "overnight.config.yaml:2: 'notifications[0].type' is the text 'comand', which is not one of: command, webhook, ntfy, slack — did you mean 'command'? [field: notifications[0].type]\n  Fix: Use 'type: ntfy', 'type: slack' or 'type: webhook' (each with 'url:' or 'url_env:'), or 'type: command' (with 'command:').",
    );
  });

  test('a notification target needs exactly one of url and url_env', () => {
    expect(problems('notifications:\n  - type: slack\n')[0]).toContain("[field: notifications[0].url]\n  Fix: Give either 'url: https://...' or 'url_env: NAME'");
  });

  test('malformed YAML names the line', () => {
    expect(problems('concurrency: 2\nchecks: [npm test\n')).toEqual([
      "overnight.config.yaml:2: malformed YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n  Fix: Fix the YAML syntax on that line (quote values that contain \": \" or start with a special character).",
    ]);
    expect(problems('a: 1\na: 2\n')[0]).toContain('overnight.config.yaml:2: malformed YAML: Map keys must be unique');
  });

  test('a document that is not a mapping', () => {
    expect(problems('- concurrency: 2\n')).toEqual([
      "overnight.config.yaml:1: overnight.config.yaml must be a mapping of keys (lines such as 'key: value'), not a list\n  Fix: Write one \"key: value\" per line.",
    ]);
  });

  test('every problem is reported at once, in line order', () => {
    const found = problems('zz: 1\nconcurrency: many\nagent:\n  retries: 9\n  budgetusd: 3\n');
    expect(found.map((p) => p.split(':')[1])).toEqual(['1', '2', '4', '5']);
  });
});
