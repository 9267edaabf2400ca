/**
 * Reading `overnight.config.yaml` (DESIGN.md, "Project configuration"): parsed with the `yaml`
 * package, validated with `configSchema`, every problem reported at once with file, line, key and fix.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OvernightError } from '../util/errors.js';
import { parseYamlSource, YamlSyntaxError } from '../util/yaml-source.js';
import { combineErrors, zodIssuesToErrors } from '../util/zod-issues.js';
import { CONFIG_FILE, configSchema, defaultConfig, type OvernightConfig } from './schema.js';

/** Fix sentences for keys whose accepted values are not obvious from their type. */
const CONFIG_HINTS: Record<string, string> = {
  time_limit: "Use hours such as '6h' or '1.5h', or minutes such as '90m'.",
  'agent.idle_timeout': "Use a duration such as '10m', '90s' or '1h'.",
  'agent.timeout': "Use a duration such as '45m' or '2h'.",
  'agent.estimate': "Use a duration such as '30m' or '1h'.",
  checks: "Use a list of shell commands, e.g. 'checks: [npm test]', or '- { run: npm test, junit: reports/junit.xml }' for a check that writes a JUnit XML report.",
  'checks.junit': "Give the JUnit XML file the check writes, relative to the repository root, e.g. '- { run: npm test, junit: reports/junit.xml }'.",
  'checks.run': "Give the check's shell command, e.g. '- { run: npm test, junit: reports/junit.xml }'.",
  notifications: "Use a list of targets such as '- { type: ntfy, url: https://ntfy.sh/my-topic }' or '- { type: slack, url_env: OVERNIGHT_SLACK_URL }' (docs/configuration.md, notifications).",
  'notifications.type': "Use 'type: ntfy', 'type: slack' or 'type: webhook' (each with 'url:' or 'url_env:'), or 'type: command' (with 'command:').",
  'notifications.url': "Give either 'url: https://...' or 'url_env: NAME' (an environment variable holding the URL, so the committed config holds no secret), not both.",
  'safety.deny_commands': "Write a JavaScript regular expression that compiles, e.g. '^terraform (apply|destroy)\\b'; escape a literal '(', '[', '*', '+' or '?' with a backslash.",
  'safety.allow_commands': "Write a JavaScript regular expression that compiles, e.g. '^make (lint|test)$'; escape a literal '(', '[', '*', '+' or '?' with a backslash.",
};

/**
 * Parses and validates the text of a config file. `file` is the name used in messages.
 * Empty text (or a document holding only comments) gives the defaults.
 * Throws an OvernightError (one problem) or OvernightErrors (several, all listed): `config.yaml` (syntax, with line), `config.unknown-key`
 * (with the closest valid key), `config.bad-type`, `config.bad-value`, `config.missing-key`, `config.not-a-mapping`.
 */
export function parseConfigText(text: string, file: string = CONFIG_FILE): OvernightConfig {
  let source;
  try {
    source = parseYamlSource(text);
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      throw new OvernightError('config.yaml', `malformed YAML: ${error.message}${error.column ? ` (column ${error.column})` : ''}`, {
          file,
          line: error.line,
          fix: 'Fix the YAML syntax on that line (quote values that contain ": " or start with a special character).',
        cause: error,
      });
    }
    throw error;
  }
  const data = source.data ?? {};
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;
  const errors = zodIssuesToErrors(result.error.issues, {
    file,
    codePrefix: 'config',
    schema: configSchema,
    data,
    where: file,
    lineOf: source.lineOf,
    hints: CONFIG_HINTS,
  });
  throw combineErrors(errors);
}

/**
 * Loads `overnight.config.yaml` from the repository root, with every default filled in.
 * A missing file gives the defaults (a repository with only a backlog works).
 * Throws OvernightError/OvernightErrors (see parseConfigText) when the file is malformed or invalid; the file is
 * named `overnight.config.yaml` in messages (relative to the repository root).
 */
export async function loadConfig(repoRoot: string): Promise<OvernightConfig> {
  let text: string;
  try {
    text = await readFile(join(repoRoot, CONFIG_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultConfig();
    throw new OvernightError('config.unreadable', `cannot read ${CONFIG_FILE}: ${(error as Error).message}`, {
      file: CONFIG_FILE,
      fix: 'Make the file readable (or remove it to use the defaults).',
      cause: error,
    });
  }
  return parseConfigText(text, CONFIG_FILE);
}
