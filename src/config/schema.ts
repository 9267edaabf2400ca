/**
 * The schema of `overnight.config.yaml` (DESIGN.md, "Project configuration").
 * Every key is optional and has a default, so a repository with only a backlog works.
 * Unknown keys are errors (strict objects); the loader turns zod issues into OvernightErrors
 * that name the file, the key and the closest valid key.
 * Keys are snake_case, like backlog frontmatter.
 */
import { z } from 'zod';
import { parseDuration, parseTimeLimit } from '../util/duration.js';

/** A duration string (`45m`, `2h`, `30s`) validated and kept as text; use parseDuration for ms. */
export const durationText = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: 'expected a duration such as 30s, 45m or 2h' });

/**
 * Why `source` is not a valid JavaScript regular expression (the engine's own words, e.g.
 * "Unterminated group"), or undefined when `new RegExp(source)` compiles it. Pure.
 */
export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

/**
 * A command rule of `safety.allow_commands` / `safety.deny_commands`: a JavaScript regular
 * expression that must compile. A deny rule that cannot compile would silently deny nothing (or,
 * in the gate, everything), so it is refused when the config is read, naming the key and index.
 */
export const commandRegexText = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    const problem = regexProblem(source);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `not a valid regular expression (${problem})` });
  });

/** A session time limit (`6h`, `1.5h`, `90m`), per DESIGN.md. */
export const timeLimitText = z
  .string()
  .refine((s) => parseTimeLimit(s) !== undefined, { message: "expected hours such as '6h' or '1.5h', or minutes such as '90m'" });

/** The name of an environment variable (letters, digits, underscores), e.g. `OVERNIGHT_NTFY_TOKEN`. */
const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name such as OVERNIGHT_SLACK_URL' });

/** Also send a (shorter) notification each time an item finally fails; default only at the end of the night. */
const onItemFailure = z.boolean().default(false);

/**
 * A target URL given in the file (`url`) or, so that the committed config holds no secret, read
 * from an environment variable at send time (`url_env`). Exactly one of the two.
 */
const urlFields = { url: z.url().optional(), url_env: envVarName.optional() };
function exactlyOneUrl(t: { url?: string; url_env?: string }, ctx: z.RefinementCtx): void {
  if ((t.url === undefined) === (t.url_env === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'give exactly one of `url` (the address) or `url_env` (the environment variable that holds it)' });
  }
}

/** ntfy priorities (https://docs.ntfy.sh/publish/#message-priority). */
export const NTFY_PRIORITIES = ['min', 'low', 'default', 'high', 'urgent'] as const;

const notificationTarget = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('command'),
    /** Shell command run at each end of the night; the report path is in $OVERNIGHT_REPORT, report.json on stdin. */
    command: z.string().min(1),
    on_item_failure: onItemFailure,
  }),
  z
    .strictObject({
      type: z.literal('webhook'),
      /** URL that receives a POST with report.json as its body. */
      ...urlFields,
      on_item_failure: onItemFailure,
    })
    .superRefine(exactlyOneUrl),
  z
    .strictObject({
      type: z.literal('ntfy'),
      /** The topic URL, e.g. https://ntfy.sh/my-secret-topic; the plain-text brief is POSTed to it. */
      ...urlFields,
      /** Environment variable holding an ntfy access token, sent as `Authorization: Bearer <token>`. */
      token_env: envVarName.optional(),
      /** Priority when nothing failed; a failure or an early stop always sends `high`. */
      priority: z.enum(NTFY_PRIORITIES).default('default'),
      /** Extra ntfy tags (emoji short codes or words), added to the ones overnight sets. */
      tags: z.array(z.string().regex(/^[^,\r\n]+$/, { message: 'a tag may not contain a comma or a line break' })).default([]),
      on_item_failure: onItemFailure,
    })
    .superRefine(exactlyOneUrl),
  z
    .strictObject({
      type: z.literal('slack'),
      /** The Slack incoming-webhook URL (https://hooks.slack.com/services/...); better given as `url_env`. */
      ...urlFields,
      on_item_failure: onItemFailure,
    })
    .superRefine(exactlyOneUrl),
]);

/** One notification target as validated (every default filled in). */
export type NotificationTarget = z.output<typeof notificationTarget>;

/** A network domain for the sandbox allow-list: `example.com` or `*.example.com`, no scheme, port or path. */
const domainPattern = z
  .string()
  .regex(/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/, {
    message: 'expected a domain such as registry.npmjs.org or *.example.com (no scheme, port or path)',
  });

/** An environment variable name, or a prefix ending in `*`. */
const envNamePattern = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\*?$/, { message: 'expected a variable name such as MY_TOKEN, or a prefix such as MY_CORP_*' });

export const agentConfigSchema = z.strictObject({
  /** Model alias or id passed as --model; unset means Claude Code's default. */
  model: z.string().min(1).optional(),
  /** --max-turns per attempt. */
  max_turns: z.number().int().positive().default(60),
  /** --max-budget-usd per attempt, in USD. */
  budget_usd: z.number().positive().default(5),
  /** Kill an attempt after this long with no output and no file change in its worktree. */
  idle_timeout: durationText.default('10m'),
  /**
   * Stop an attempt that keeps producing output but makes no commit and changes no tracked file for
   * this long (the stall watch, src/agent/stall.ts); its failure kind is `stalled`.
   */
  stall_timeout: durationText.default('20m'),
  /** Kill an attempt after this long in all. */
  timeout: durationText.default('45m'),
  /** Planning estimate for one item when its frontmatter has no `timeout`. */
  estimate: durationText.default('30m'),
  /** Fresh attempts after a task failure (checks failed, no changes, max turns, budget). */
  retries: z.number().int().min(0).max(5).default(1),
  /**
   * Fresh attempts after the item's work passed but its merge into the integration branch
   * conflicted (src/runner/conflict.ts): re-run from the integration branch as it is now, told
   * which item merged first and which files conflicted. They do not use up `retries`.
   */
  conflict_retries: z.number().int().min(0).max(5).default(1),
  /** The claude binary to run (a name on PATH or an absolute path). */
  claude_path: z.string().min(1).default('claude'),
  /** Extra tools added to the explicit --allowedTools list. */
  extra_allowed_tools: z.array(z.string().min(1)).default([]),
});

export const safetyConfigSchema = z.strictObject({
  /** Branches no agent may push or merge to (globs allowed, e.g. `release/*`). */
  protected_branches: z.array(z.string().min(1)).default(['main', 'master', 'develop', 'production', 'release/*']),
  /** Paths outside the worktree that agents may also write (absolute, or relative to the repository root). */
  allow_paths: z.array(z.string().min(1)).default([]),
  /** Paths agents may never write or delete, in addition to the built-in secret and .git rules. */
  deny_paths: z.array(z.string().min(1)).default([]),
  /** Commands always allowed, as regular expressions matched against one simple command's text. */
  allow_commands: z.array(commandRegexText).default([]),
  /** Commands always denied, as regular expressions matched against one simple command's text. */
  deny_commands: z.array(commandRegexText).default([]),
  /** Apply the Bash gate in interactive Claude Code sessions too (repository root as the boundary). */
  interactive: z.boolean().default(true),
  /**
   * Claude Code's OS sandbox for every agent's Bash tool (bubblewrap on Linux, Seatbelt on macOS):
   * `on` (default; launch refuses a machine where it cannot start) or `off` (explicit opt-out: the
   * night runs without OS containment, and the plan, status, report and pull request say so).
   */
  sandbox: z.enum(['on', 'off'], { message: "expected 'on' or 'off'" }).default('on'),
  /** Network domains agent commands may reach through the sandbox proxy (e.g. `registry.npmjs.org`, `*.pypi.org`). Default: none. */
  allow_domains: z.array(domainPattern).default([]),
  /** Paths agent commands may not read, beyond the built-in credential stores (absolute, `~/...`, or relative to the repository root). */
  deny_read: z.array(z.string().min(1)).default([]),
  /** Environment variables hidden from agents, beyond the built-in credential list: names, or prefixes ending in `*` (`MY_CORP_*`). */
  secret_env: z.array(envNamePattern).default([]),
});

export const pullRequestConfigSchema = z.strictObject({
  /** Push the integration branch and open one pull request at the end of the night. */
  enabled: z.boolean().default(true),
  /** Open it as a draft when anything failed. */
  draft_on_failure: z.boolean().default(true),
  /** Remote to push to. */
  remote: z.string().min(1).default('origin'),
  /** Extra labels for the pull request. */
  labels: z.array(z.string().min(1)).default([]),
});

/** Item types a night can run (every type but `epic`, which is never eligible). */
export const APPROVABLE_TYPES = ['feature', 'bug', 'test', 'docs', 'refactor', 'chore'] as const;

/**
 * Approval categories (seed 001: auto-approved categories versus "requires approval"): items of
 * an `auto` type are approved with the plan; an item of an `ask` type (or of a type in neither
 * list) runs only after an explicit yes (`launch --approve <ids>`, or the skill's question).
 */
export const approvalConfigSchema = z
  .strictObject({
    /** Types approved with the plan. */
    auto: z.array(z.enum(APPROVABLE_TYPES)).default(['bug', 'test', 'docs', 'refactor', 'chore']),
    /** Types that need an explicit yes per item. */
    ask: z.array(z.enum(APPROVABLE_TYPES)).default(['feature']),
  })
  .superRefine((a, ctx) => {
    for (const t of a.ask) {
      if (a.auto.includes(t)) ctx.addIssue({ code: 'custom', path: ['ask'], message: `type '${t}' is in both approval.auto and approval.ask; keep it in one list` });
    }
  });

export const resourcesConfigSchema = z.strictObject({
  /** Do not start an item when the repository's disk has less free space than this, in MB. */
  min_free_disk_mb: z.number().int().min(0).default(1024),
  /** Do not start an item while the 1-minute load average per core is above this. */
  max_load_per_core: z.number().positive().default(4),
});

/**
 * Loop mode (`overnight start --loop`, issue 9 mechanism 6): how often the runner reads the base
 * branch's committed backlog for items that became ready after launch, and when it stops looking.
 */
export const loopConfigSchema = z.strictObject({
  /** Time between two reads of the base branch (e.g. `2m`, `30s`). */
  poll_interval: durationText.default('2m'),
  /** No new item is looked for once less than this is left before the session deadline. */
  stop_before: durationText.default('30m'),
});

/**
 * The review pass (issue 9, mechanism 4; peers such as cortex-command and ralphex review before
 * merging): an item whose evidence passed is reviewed by a fresh, read-only `claude -p` session
 * before it merges (src/runner/review.ts).
 */
export const reviewConfigSchema = z.strictObject({
  /** Review every item whose success condition passed before it merges. Default off. */
  enabled: z.boolean().default(false),
  /** Model alias or id of the reviewer (--model); unset: `agent.model`, else Claude Code's default. */
  model: z.string().min(1).optional(),
  /** --max-turns of one review session. */
  max_turns: z.number().int().positive().default(20),
  /** --max-budget-usd of one review session, in USD. */
  budget_usd: z.number().positive().default(1),
  /** Kill a review session after this long in all. */
  timeout: durationText.default('15m'),
});
/** A path relative to the repository root that stays inside it (no leading `/`, no `..` step). */
const repoRelativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p) && !p.split(/[\\/]/).includes('..'), {
    message: 'expected a path relative to the repository root, inside it (such as reports/junit.xml)',
  });

/**
 * One project check: a shell command (`npm test`), or an object `{ run, junit }` whose `junit` is
 * the JUnit XML report file the command writes, relative to the repository root (the test ratchet
 * compares the failing test names it lists). A command's own TAP output needs no declaration.
 */
export const projectCheck = z.union([
  z.string().min(1),
  z.strictObject({
    /** The shell command. */
    run: z.string().min(1),
    /** The JUnit XML file it writes, relative to the repository root. */
    junit: repoRelativePath.optional(),
  }),
]);
/** One project check as written in the config. */
export type ProjectCheck = z.output<typeof projectCheck>;

/** The shell commands of the project checks, in order. Pure. */
export function checkCommands(checks: readonly ProjectCheck[]): string[] {
  return checks.map((c) => (typeof c === 'string' ? c : c.run));
}

/** The JUnit XML report file of each project check that declares one, by command. Pure. */
export function checkJunitFiles(checks: readonly ProjectCheck[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of checks) if (typeof c !== 'string' && c.junit) out[c.run] = c.junit;
  return out;
}

/** `memory.file` value that turns the learnings file off. */
export const MEMORY_OFF = 'off';

/**
 * Why `path` cannot be the learnings file (`memory.file`), or undefined when it can: a path
 * relative to the repository root, `/`-separated, inside it (no `..`), not in `.git/` or
 * `.overnight/`, naming a file. Pure.
 */
export function memoryFileProblem(path: string): string | undefined {
  if (path === MEMORY_OFF) return undefined;
  if (path.includes('\\')) return "use '/' between folders, e.g. docs/overnight-learnings.md";
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'expected a path relative to the repository root, e.g. docs/overnight-learnings.md';
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return "expected a plain relative path (no empty, '.' or '..' parts), e.g. docs/overnight-learnings.md";
  if (parts[0] === '.git' || parts[0] === '.overnight') return `${parts[0]}/ is not part of the repository's committed files; choose a path such as docs/overnight-learnings.md`;
  return undefined;
}

/**
 * Memory across nights (issue 9, mechanism 7; src/memory): the committed learnings file that every
 * mission brief includes and that the end of a night appends the night's learnings to.
 */
export const memoryConfigSchema = z.strictObject({
  /** The learnings file, relative to the repository root, or `off` (no file is read or written). */
  file: z
    .string()
    .min(1)
    .superRefine((path, ctx) => {
      const problem = memoryFileProblem(path);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}, or 'off'` });
    })
    .default('docs/overnight-learnings.md'),
  /** Size bound of the file, UTF-8 bytes: the oldest entries are dropped first to stay within it. */
  max_bytes: z.number().int().min(1024).max(65_536).default(8192),
});

export const configSchema = z.strictObject({
  /** Folder of backlog items, relative to the repository root. */
  backlog_dir: z.string().min(1).default('backlog'),
  /** Branch the integration branch starts from; unset means the branch checked out at launch. */
  base_branch: z.string().min(1).optional(),
  /** Agents running at once. */
  concurrency: z.number().int().min(1).max(16).default(2),
  /** Default session time limit. */
  time_limit: timeLimitText.default('6h'),
  /**
   * A budget for the whole night, in USD: no new item starts when the cost so far plus its expected
   * cost would pass it (src/runner/budget.ts). Unset: only the per-attempt `agent.budget_usd`.
   */
  budget_usd: z.number().positive().optional(),
  /**
   * Project checks: commands run on the integration branch after each merge; also the default
   * success condition. Each is a shell command, or `{ run, junit }` for a command that writes a
   * JUnit XML report (see projectCheck).
   */
  checks: z.array(projectCheck).default([]),
  /**
   * The test ratchet (src/ratchet/): the checks run once on the base commit at the start of the
   * night, and a merge (or an item without `verify`) is judged against that baseline: it may not
   * add a failure that was not already failing, even when the check as a whole still fails.
   * `false`: every project check must pass outright.
   */
  ratchet: z.boolean().default(true),
  agent: agentConfigSchema.prefault({}),
  safety: safetyConfigSchema.prefault({}),
  notifications: z.array(notificationTarget).default([]),
  pull_request: pullRequestConfigSchema.prefault({}),
  resources: resourcesConfigSchema.prefault({}),
  approval: approvalConfigSchema.prefault({}),
  loop: loopConfigSchema.prefault({}),
  review: reviewConfigSchema.prefault({}),
  memory: memoryConfigSchema.prefault({}),
});

/** The validated configuration with every default filled in. */
export type OvernightConfig = z.output<typeof configSchema>;
/** What a user may write in overnight.config.yaml. */
export type OvernightConfigInput = z.input<typeof configSchema>;

/** The file name, at the repository root. */
export const CONFIG_FILE = 'overnight.config.yaml';

/** The configuration of a repository with no config file. */
export function defaultConfig(): OvernightConfig {
  return configSchema.parse({});
}
