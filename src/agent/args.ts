/**
 * The command line of one agent attempt (DESIGN.md, "One item, one fresh agent session").
 * Every flag here was checked against `claude --help` of Claude Code 2.1.330 (see
 * docs/architecture.md, "The agent session"); `--max-turns` works though --help does not list it.
 */
import type { AgentRunOptions } from './types.js';

/**
 * The tools an unattended agent may use without asking (`--permission-mode dontAsk` denies every
 * other tool). Names as Claude Code 2.1.330 reports them in its `system/init` line:
 * - Bash, Read, Write, Edit, Glob, Grep, NotebookEdit: the coding tools; the plugin's PreToolUse
 *   hooks gate Bash and the write tools.
 * - TaskCreate, TaskGet, TaskList, TaskUpdate: the task list (2.1.330's successor of TodoWrite).
 * - ToolSearch: loads deferred tool definitions (NotebookEdit and the Task* tools are deferred).
 * - TodoWrite, MultiEdit: older names of the above, kept so other CLI versions behave the same;
 *   2.1.330 ignores names it does not know.
 * - AskUserQuestion: allowed so that the ask hook (PreToolUse) sees the question, records it in
 *   deferred/ and denies it with "decide and document". (2.1.330 offers it in -p mode only with
 *   `--permission-prompt-tool`, which buildClaudeArgs passes.)
 * Left out on purpose: Agent/Task (sub-agents), WebFetch, WebSearch, Skill, Workflow, Cron*,
 * ScheduleWakeup, Monitor, EnterWorktree/ExitWorktree (leaving the item's worktree).
 */
export const AGENT_ALLOWED_TOOLS: string[] = [
  'Bash',
  'Read',
  'Write',
  'Edit',
  'MultiEdit',
  'Glob',
  'Grep',
  'NotebookEdit',
  'TodoWrite',
  'TaskCreate',
  'TaskGet',
  'TaskList',
  'TaskUpdate',
  'ToolSearch',
  'AskUserQuestion',
];

/**
 * Built-in tools an unattended agent must never use, passed as `--disallowedTools` (deny rules).
 * Measured with Claude Code 2.1.330 in `-p --permission-mode dontAsk`: these run WITHOUT being on
 * `--allowedTools` (only tools that normally ask, like WebFetch, are denied by dontAsk):
 * Agent/Task start sub-agents (async ones outlive the turn), Skill runs skills (the /overnight skill
 * itself among them), EnterWorktree creates a worktree and branch and moves the session there,
 * CronCreate/ScheduleWakeup keep the session alive waiting for a wake-up (a hang), Workflow and
 * SendMessage drive other agents. `--tools` (the list of available built-in tools) already removes
 * them; this list is the second lock.
 */
export const AGENT_DISALLOWED_TOOLS: string[] = [
  'Agent',
  'Task',
  'Skill',
  'EnterWorktree',
  'ExitWorktree',
  'CronCreate',
  'CronDelete',
  'CronList',
  'ScheduleWakeup',
  'Workflow',
  'SendMessage',
  'Monitor',
  'WebFetch',
  'WebSearch',
];

/** Linux limit for one argv string (MAX_ARG_STRLEN, 32 pages); the brief travels as one argument. */
export const MAX_BRIEF_BYTES = 128 * 1024 - 1;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOOL_NAME = /^[A-Za-z_][\w-]*(\([^,]*\))?$/;

/**
 * The argv (without the binary) for one agent attempt:
 * `-p <brief> --output-format stream-json --verbose --plugin-dir <dir> --settings <file>
 *  --permission-mode dontAsk --permission-prompt-tool stdio --allowedTools <a,b,c> --tools <a,b,c> --disallowedTools <x,y>
 *  --max-turns N --max-budget-usd X --session-id <uuid> [--model M]`.
 * Never `--bare` (it turns every hook off). `--tools` (the built-in tools the model is offered:
 * the names of allowedTools, patterns stripped) and `--disallowedTools` (AGENT_DISALLOWED_TOOLS
 * unless opts.disallowedTools is given, minus any tool allowedTools names on purpose) are there because dontAsk + --allowedTools alone still
 * lets tools run that never ask (see AGENT_DISALLOWED_TOOLS). Tool lists are one comma-separated
 * argument each, because these flags are variadic and would swallow a following positional argument. A brief that
 * starts with "-" gets a leading space so the CLI does not read it as an option.
 * Throws an Error (a programmer error, not a user error) when an option is out of range: empty
 * brief or one over MAX_BRIEF_BYTES, maxTurns not a positive integer, budgetUsd not positive,
 * claudeSessionId not a UUID, an empty or malformed tool list.
 */
export function buildClaudeArgs(opts: AgentRunOptions): string[] {
  if (typeof opts.brief !== 'string' || opts.brief.trim() === '') throw new Error('buildClaudeArgs: brief is empty');
  if (Buffer.byteLength(opts.brief) > MAX_BRIEF_BYTES) {
    throw new Error(`buildClaudeArgs: brief is ${Buffer.byteLength(opts.brief)} bytes; one argument may hold at most ${MAX_BRIEF_BYTES}`);
  }
  if (!Number.isInteger(opts.maxTurns) || opts.maxTurns < 1) throw new Error(`buildClaudeArgs: maxTurns must be a positive integer, got ${opts.maxTurns}`);
  if (!(typeof opts.budgetUsd === 'number' && Number.isFinite(opts.budgetUsd) && opts.budgetUsd > 0)) {
    throw new Error(`buildClaudeArgs: budgetUsd must be a positive number of USD, got ${opts.budgetUsd}`);
  }
  if (!UUID.test(opts.claudeSessionId)) throw new Error(`buildClaudeArgs: claudeSessionId must be a UUID, got "${opts.claudeSessionId}"`);
  if (!opts.allowedTools.length) throw new Error('buildClaudeArgs: allowedTools is empty');
  for (const tool of opts.allowedTools) {
    if (!TOOL_NAME.test(tool)) throw new Error(`buildClaudeArgs: malformed tool name "${tool}"`);
  }
  if (!opts.pluginDir) throw new Error('buildClaudeArgs: pluginDir is empty');
  if (!opts.settingsFile) throw new Error('buildClaudeArgs: settingsFile is empty');
  const offered = [...new Set(opts.allowedTools.map((t) => t.replace(/\(.*$/, '')))];
  // A tool the configuration allows on purpose (agent.extra_allowed_tools) is not denied.
  const disallowed = (opts.disallowedTools ?? AGENT_DISALLOWED_TOOLS).filter((t) => !offered.includes(t));
  for (const tool of disallowed) {
    if (!TOOL_NAME.test(tool)) throw new Error(`buildClaudeArgs: malformed tool name "${tool}"`);
  }
  const brief = opts.brief.startsWith('-') ? ` ${opts.brief}` : opts.brief;
  const args = [
    '-p',
    brief,
    '--output-format',
    'stream-json',
    '--verbose',
    '--plugin-dir',
    opts.pluginDir,
    '--settings',
    opts.settingsFile,
    '--permission-mode',
    'dontAsk',
    // Claude Code 2.1.330 offers AskUserQuestion in -p mode only when a permission prompt tool is
    // set; with it, an agent's question reaches the PreToolUse ask hook, which denies it with
    // "decide and document" and records it in deferred/. dontAsk still denies every tool outside
    // --allowedTools at once (measured: docs/safety-policy.md, "Deferred questions").
    '--permission-prompt-tool',
    'stdio',
    '--allowedTools',
    opts.allowedTools.join(','),
    '--tools',
    offered.join(','),
    ...(disallowed.length ? ['--disallowedTools', disallowed.join(',')] : []),
    '--max-turns',
    String(opts.maxTurns),
    '--max-budget-usd',
    String(opts.budgetUsd),
    '--session-id',
    opts.claudeSessionId,
  ];
  if (opts.model) args.push('--model', opts.model);
  return args;
}
