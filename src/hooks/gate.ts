/**
 * The shared body of every PreToolUse gate: read the hook input, load the context, decide within
 * the deadline, audit, answer. It fails closed (DESIGN.md, "Safety gates"): an unreadable input, a
 * missing session policy, any exception and the internal deadline all end in a deny, because
 * Claude Code itself lets a call through when a hook crashes or times out.
 */
import { join } from 'node:path';
import type { Decision } from '../safety/types.js';
import { appendAuditLine, gateAuditLine } from './audit-log.js';
import { DeadlineError, GATE_DEADLINE_MS, runWithin, startDeadline } from './deadline.js';
import { readHookEnv, type HookEnv } from './env.js';
import { HookInputError, parseHookInput, type HookInput } from './input.js';
import { finish, readStdin } from './io.js';
import { HOOK_RULES, failClosedReason, preToolUseDeny } from './output.js';
import { PolicyContextError, loadHookContext, type HookContext } from './policy-context.js';

/**
 * A gate's decision function: pure apart from what the gate must record (the ask gate's file).
 * `message`, when set, is the exact text the agent receives for a deny (else denyMessage builds it).
 */
export type GateDecide = (input: HookInput, context: Exclude<HookContext, { mode: 'off' }>) => Decision & { message?: string };

/** What a gate answers and records, computed without process I/O (for tests and `overnight gate`). */
export interface GateResult {
  decision: Decision;
  /** The text printed on stdout ('' for an allow). */
  stdout: string;
  /** The audit file the decision belongs in, when inside a session. */
  auditFile?: string;
  /** The item slug for the audit line. */
  item?: string;
}

/** The reason text the agent receives for a policy denial. */
export function denyMessage(decision: Extract<Decision, { decision: 'deny' }>, context: HookContext | undefined): string {
  const base = `Denied by the overnight safety gate [${decision.ruleId}]: ${decision.reason}`;
  if (context?.mode !== 'session') return base;
  return `${base} Do not try to get around this rule with another spelling; choose a different approach, or if the task cannot be done without it, finish with TASK_BLOCKED: <reason>.`;
}

/** A fail-closed deny for an error caught inside the gate. */
export function failClosed(error: unknown): Extract<Decision, { decision: 'deny' }> {
  let ruleId: string = HOOK_RULES.internal;
  if (error instanceof HookInputError) ruleId = HOOK_RULES.badInput;
  else if (error instanceof DeadlineError) ruleId = HOOK_RULES.deadline;
  else if (error instanceof PolicyContextError) ruleId = HOOK_RULES.context;
  const detail = error instanceof Error ? error.message : String(error);
  return { decision: 'deny', ruleId, reason: failClosedReason(ruleId, detail) };
}

/**
 * Decides one hook input text, synchronously, never throwing.
 * In: stdin text, the gate's decide function, the environment, and the time budget left in ms.
 * Out: the decision, the stdout text and where to audit it.
 */
export function decideGate(text: string, decide: GateDecide, env: HookEnv, budgetMs: number): GateResult & { input?: HookInput } {
  const auditFile = env.sessionDir ? join(env.sessionDir, 'audit.jsonl') : undefined;
  let input: HookInput | undefined;
  let context: HookContext | undefined;
  let decision: Decision & { message?: string };
  try {
    input = parseHookInput(text);
    const parsed = input;
    context = loadHookContext(env, parsed.cwd);
    const ctx = context;
    decision = ctx.mode === 'off' ? { decision: 'allow', ruleId: 'hook.interactive-off' } : runWithin(() => decide(parsed, ctx), budgetMs);
    if (!decision || (decision.decision !== 'allow' && decision.decision !== 'deny')) {
      throw new Error('the policy returned no decision');
    }
  } catch (error) {
    decision = failClosed(error);
  }
  let stdout = '';
  if (decision.decision === 'deny') {
    stdout = preToolUseDeny(decision.message ?? (decision.ruleId.startsWith('hook.') ? decision.reason : denyMessage(decision, context)));
  }
  const { message: _message, ...plain } = decision;
  return { decision: plain as Decision, stdout, auditFile, item: env.item, input };
}

/** Milliseconds since this process started (process.uptime: the global `performance` object would load perf_hooks). */
function sinceStart(): number {
  return process.uptime() * 1000;
}

/** Audits a fail-closed deny that happened before the input could be read (tool unknown). Never throws. */
function auditUnreadable(env: HookEnv, deny: Extract<Decision, { decision: 'deny' }>): void {
  if (!env.sessionDir) return;
  try {
    appendAuditLine(join(env.sessionDir, 'audit.jsonl'), {
      ts: new Date().toISOString(),
      session_id: '',
      ...(env.item ? { item: env.item } : {}),
      event: 'PreToolUse',
      tool: '(unknown)',
      target: '',
      decision: 'deny',
      rule: deny.ruleId,
      reason: deny.reason,
      gate_ms: Math.round(sinceStart() * 10) / 10,
    });
  } catch {
    // The deny stands even when the audit cannot be written.
  }
}

/**
 * Runs a PreToolUse gate as a process: reads stdin, decides (decideGate), appends the decision to
 * the session's audit.jsonl, prints the answer and exits 0. The internal deadline (GATE_DEADLINE_MS
 * from process start) denies if stdin or the decision take too long.
 */
export async function runGate(decide: GateDecide, env: HookEnv = readHookEnv()): Promise<void> {
  const started = sinceStart();
  // A crash would exit 1, which Claude Code treats as "allow": answer deny instead.
  const crash = (error: unknown): void => finish(preToolUseDeny(failClosed(error).reason));
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  const cancel = startDeadline(GATE_DEADLINE_MS - started, () => {
    const deny = failClosed(new DeadlineError(`no decision within ${GATE_DEADLINE_MS} ms`));
    auditUnreadable(env, deny);
    finish(preToolUseDeny(deny.reason));
  });
  let text: string;
  try {
    text = await readStdin();
  } catch (error) {
    cancel();
    const deny = failClosed(new HookInputError(`cannot read stdin: ${(error as Error).message}`));
    auditUnreadable(env, deny);
    finish(preToolUseDeny(deny.reason));
    return;
  }
  const budget = GATE_DEADLINE_MS - sinceStart() - 50;
  const result = decideGate(text, decide, env, budget);
  cancel();
  if (result.auditFile && result.input) {
    try {
      appendAuditLine(result.auditFile, gateAuditLine(result.input, result.decision, result.item, new Date(), sinceStart()));
    } catch (error) {
      process.stderr.write(`overnight: cannot append to ${result.auditFile}: ${(error as Error).message}\n`);
    }
  }
  finish(result.stdout);
}
