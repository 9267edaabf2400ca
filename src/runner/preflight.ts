/**
 * Checks the runner makes before the first agent of a night starts: what every agent depends on
 * and no retry can fix. A problem found here is a PERMANENT failure (DESIGN.md, "Failures,
 * retries, limits": invalid config stops the session early): the night stops before it spends an
 * attempt on any item.
 */
import { readFileSync } from 'node:fs';
import { parsePolicyFile, PolicyContextError } from '../hooks/policy-context.js';

/**
 * What is wrong with the session's safety policy (policy.json, read by every gate), or undefined.
 * The gates fail closed on a policy they cannot read (a missing file, bad JSON, an invalid
 * `allowCommands`/`denyCommands` regular expression: src/hooks/policy-context.ts parsePolicyFile),
 * so every Bash call of every agent would be denied and each item would end as "no changes".
 * Input: the absolute path of policy.json. Output: one sentence naming the file, the field and the
 * fix. Never throws.
 */
export function safetyPolicyProblem(policyFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(policyFile, 'utf8');
  } catch (error) {
    return `The session's safety policy ${policyFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), so the safety gates would deny every tool call. End this session with \`overnight abandon\` and launch a new night (\`overnight launch\`), which writes the policy again.`;
  }
  try {
    parsePolicyFile(text, policyFile);
    return undefined;
  } catch (error) {
    const why = error instanceof PolicyContextError ? error.message : `${policyFile}: ${String(error)}`;
    return `Broken safety configuration: ${why}. The safety gates would deny every Bash call. Fix safety.deny_commands / safety.allow_commands in overnight.config.yaml (each must be a valid JavaScript regular expression), then end this session with \`overnight abandon\` and launch a new night (\`overnight launch\`): a session keeps the policy it was launched with.`;
  }
}
