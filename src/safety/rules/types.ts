/**
 * The shape of a rule set. Each domain module (git, files, disk-system, ...) exports the
 * descriptions of its rules (`INFO`) and one `check` function that returns the first rule a
 * simple command breaks.
 */
import type { Invocation } from '../analyze.js';
import type { PolicyContext } from '../types.js';

export type Domain =
  | 'git'
  | 'files'
  | 'disk-system'
  | 'privilege'
  | 'database'
  | 'deploy-infra'
  | 'network-shell'
  | 'secrets'
  | 'parse'
  | 'file-tools'
  | 'agent'
  | 'config';

/** A rule as documented and exported (docs, `--settings` deny rules, `overnight gate`). */
export interface RuleInfo {
  /** Stable id, `<domain-prefix>.<name>` (e.g. `git.force-push`). */
  id: string;
  domain: Domain;
  /** One line: what the rule denies. */
  description: string;
  /** The text the agent reads when the rule denies: what was blocked, why, and what to do instead. */
  reason: string;
  /** Commands (or tool calls) the rule denies. */
  examples: string[];
  /** Claude Code permission rule strings expressing the rule coarsely, for `--settings` deny rules. */
  settingsPatterns?: string[];
  /** `safety.allow_commands` may override it: the rule is about code it cannot see, not a known-destructive command. */
  overridable?: boolean;
}

/** A rule broken by one simple command; `detail` says exactly what (e.g. the resolved path). */
export interface Hit {
  ruleId: string;
  detail?: string;
}

export type Check = (inv: Invocation, ctx: PolicyContext) => Hit | undefined;

/** The operands of an argv (no options), after `--` everything. `valueOpts` are options that take the next word as their value. */
export function operands(args: Invocation['argv'], valueOpts: string[] = []): Invocation['argv'] {
  const out: Invocation['argv'] = [];
  let dd = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = a.value;
    if (dd) {
      out.push(a);
      continue;
    }
    if (v === '--') {
      dd = true;
      continue;
    }
    if (v !== null && v.startsWith('-') && v.length > 1) {
      if (valueOpts.includes(v)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** The option words of an argv (before `--`). */
export function options(args: Invocation['argv']): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (a.value === '--') break;
    if (a.value !== null && a.value.startsWith('-') && a.value.length > 1) out.push(a.value);
  }
  return out;
}

/** The argument values, with unknown ones as '' (for pattern checks on verbs). */
export function values(args: Invocation['argv']): string[] {
  return args.map((a) => a.value ?? '');
}
