/**
 * The AskUserQuestion gate's decision: inside an overnight session nobody can answer, so the call
 * is denied with guidance to decide, document and continue, and the question is recorded in the
 * session's `deferred/` folder for the morning (DESIGN.md, "Safety gates"; seed 004,
 * block-interactive). Outside a session a person is there: the question is allowed.
 */
import { evaluate } from '../safety/policy.js';
import type { Decision } from '../safety/types.js';
import { questionsFromInput, writeDeferredQuestion } from './deferred.js';
import type { HookContext } from './policy-context.js';
import type { HookInput } from './input.js';

/** Rule id of the deferred-question denial (src/safety/rules/meta.ts). */
export const ASK_RULE = 'ask.unattended';

/** The text the agent receives instead of an answer; `file` is the deferred file's name, if written. */
export function askGuidance(file: string | undefined, problem?: string): string {
  const where = file
    ? `Your question is recorded for the morning review in deferred/${file}.`
    : `Your question could not be recorded (${problem ?? 'unknown error'}); mention it in your final summary.`;
  return (
    'Nobody can answer questions during an overnight session, so your question was not shown to a person. ' +
    'Decide for yourself: choose the option that best fits the backlog item and its acceptance criteria, ' +
    'preferring the safest and most easily reversed choice. Write down what you decided and why in the commit ' +
    `message, and in your final summary as a line ${file ? `\`Decision (deferred/${file}): <what you chose and why>\`` : '`Decision: <what you chose and why>`'}, then continue with the task. ${where}`
  );
}

/**
 * Decides an AskUserQuestion call with the policy (rule ask.unattended: denied unless a person is
 * there, i.e. interactive mode). On a deny, writes the deferred file and answers with askGuidance
 * (an I/O failure still denies, saying the question was not recorded).
 */
export function decideAsk(input: HookInput, context: Exclude<HookContext, { mode: 'off' }>, now: Date = new Date()): Decision & { message?: string } {
  const decision = evaluate({ toolName: input.tool_name, toolInput: input.tool_input, cwd: input.cwd }, { ...context.ctx, interactive: context.mode !== 'session' });
  if (decision.decision === 'allow') return { decision: 'allow', ruleId: 'ask.interactive' };
  if (context.mode !== 'session') return decision;
  const questions = questionsFromInput(input.tool_input);
  let told: string;
  try {
    told = writeDeferredQuestion(
      context.deferredDir,
      questions,
      { item: context.item, sessionId: input.session_id, toolUseId: input.tool_use_id, askedAt: now },
      (name) => askGuidance(name),
    ).told;
  } catch (error) {
    told = askGuidance(undefined, (error as Error).message);
  }
  return { decision: 'deny', ruleId: decision.ruleId, reason: told, message: told };
}
