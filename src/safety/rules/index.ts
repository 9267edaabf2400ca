/**
 * Every rule of the safety policy, in one list (`RULES`), and the per-command check that runs the
 * domain rule sets in order. H4's docs generator and `--settings` deny rules read `RULES`.
 */
import type { Invocation } from '../analyze.js';
import type { PolicyContext } from '../types.js';
import * as database from './database.js';
import * as deploy from './deploy.js';
import * as disk from './disk.js';
import * as files from './files.js';
import * as git from './git.js';
import * as meta from './meta.js';
import * as privilege from './privilege.js';
import * as secrets from './secrets.js';
import { harmlessForm } from './harmless.js';
import type { Check, Hit, RuleInfo } from './types.js';

export type { RuleInfo, Hit, Domain } from './types.js';

/** All rules with id, domain, description, the reason the agent reads, examples and coarse settings patterns. */
export const RULES: RuleInfo[] = [
  ...git.INFO,
  ...files.INFO,
  ...disk.INFO,
  ...privilege.INFO,
  ...database.INFO,
  ...deploy.INFO,
  ...secrets.INFO,
  ...meta.INFO,
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

/** The rule with this id; throws on an unknown id (a programming error). */
export function ruleById(id: string): RuleInfo {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`unknown safety rule id: ${id}`);
  return r;
}

/**
 * The domain checks, in the order they are consulted for each simple command. `applies` skips a
 * rule set for command names it never judges, so the code of most rule sets is not even compiled
 * for an everyday command (the hook's start-up time counts).
 */
const CHECKS: Array<{ applies: (name: string) => boolean; check: Check }> = [
  { applies: privilege.applies, check: privilege.check },
  { applies: disk.applies, check: disk.check },
  { applies: () => true, check: files.check },
  { applies: (n) => n === 'git', check: git.check },
  { applies: database.applies, check: database.check },
  { applies: (n) => deploy.NAMES.has(n), check: deploy.check },
  { applies: () => true, check: secrets.check },
];

/** The first rule one simple command breaks, or undefined. */
export function checkInvocation(invocation: Invocation, ctx: PolicyContext): Hit | undefined {
  // `terraform destroy --help`, `rsync -n --delete ...`: judged as `terraform --help`, `rsync` (harmless.ts).
  const inv = harmlessForm(invocation) ?? invocation;
  const hit = checkAs(inv, ctx);
  // `RM -rf /` runs rm on a case-insensitive file system (macOS): judge the lower-case name too.
  if (hit || !/[A-Z]/.test(inv.name)) return hit;
  return checkAs({ ...inv, name: inv.name.toLowerCase() }, ctx);
}

function checkAs(inv: Invocation, ctx: PolicyContext): Hit | undefined {
  for (const c of CHECKS) {
    if (!c.applies(inv.name)) continue;
    const hit = c.check(inv, ctx);
    if (hit) return hit;
  }
  return undefined;
}
