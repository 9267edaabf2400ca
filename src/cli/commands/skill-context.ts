/**
 * `overnight skill-context [args...]`: everything the /overnight skill needs before the model sees
 * it, decided deterministically here rather than by the model. The skill's SKILL.md runs it in a
 * ``!`command` `` line with the user's `$ARGUMENTS` (Claude Code inlines the output into the skill
 * text; a non-zero exit would abort the skill silently, so this command always exits 0 and reports
 * problems in its output instead).
 *
 * It prints which flow applies (plan, active-session, resume, resume-finished, retry, status, error), the precondition
 * result, and the flow's material: the rendered session plan, the status view, deferred questions,
 * or the exact error message to show.
 */
import { readSessionView } from '../../session/added.js';
import type { Command } from 'commander';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { parseTimeLimit } from '../../util/duration.js';
import { OvernightError } from '../../util/errors.js';
import { findRepoRoot } from '../../util/repo.js';

/** The usage line every argument error ends with. */
export const SKILL_USAGE = 'Use /overnight [time-limit], /overnight resume, /overnight retry [items] or /overnight status.';

/** What the user asked for with `/overnight <args>`. */
export type SkillRequest =
  | { flow: 'plan'; timeLimit?: string }
  | { flow: 'resume' }
  | { flow: 'retry'; items: string[] }
  | { flow: 'status' }
  | { flow: 'error'; message: string };

/**
 * Parses the arguments of `/overnight` (the skill's `$ARGUMENTS`, possibly one string holding
 * several words). Pure.
 * - none: the plan flow with the configured time limit;
 * - `resume` / `status` (any letter case): those flows;
 * - `retry` followed by nothing or item ids/slugs: the retry flow (src/runner/retry.ts);
 * - a time limit (`6h`, `1.5h`, `90m`, per DESIGN.md "The CLI"): the plan flow with it;
 * - a word starting with a digit that is not a time limit: the malformed-time-limit message;
 * - anything else, or more than one word: the unknown-subcommand message.
 */
export function parseSkillArgs(args: readonly string[]): SkillRequest {
  const words = args.flatMap((a) => a.split(/\s+/)).filter((w) => w !== '');
  if (words.length === 0) return { flow: 'plan' };
  const [first, ...rest] = words as [string, ...string[]];
  const lower = first.toLowerCase();
  if (lower === 'retry') return { flow: 'retry', items: rest.flatMap((w) => w.split(',')).filter((w) => w !== '') };
  if (rest.length > 0) {
    if (lower === 'resume' || lower === 'status' || parseTimeLimit(first) !== undefined) {
      return { flow: 'error', message: `Unexpected argument '${rest.join(' ')}' after '${first}'. ${SKILL_USAGE}` };
    }
    return { flow: 'error', message: `Unknown subcommand '${words.join(' ')}'. ${SKILL_USAGE}` };
  }
  if (lower === 'resume') return { flow: 'resume' };
  if (lower === 'status') return { flow: 'status' };
  if (parseTimeLimit(first) !== undefined) return { flow: 'plan', timeLimit: first };
  if (/^[0-9.]/.test(first)) {
    return { flow: 'error', message: `Invalid time limit '${first}'. Expected hours such as '6h' or '1.5h', or minutes such as '90m'.` };
  }
  return { flow: 'error', message: `Unknown subcommand '${first}'. ${SKILL_USAGE}` };
}

/** The context block printed for the skill: a header of `KEY: value` lines, then sections. */
export interface SkillContext {
  flow: 'plan' | 'active-session' | 'resume' | 'resume-finished' | 'retry' | 'status' | 'error';
  fields: Array<[string, string]>;
  sections: Array<{ title: string; body: string }>;
}

/** `Session plan` -> `session-plan`: the tag a section is wrapped in. */
export function sectionTag(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Renders a context block as text. Pure. Each section is wrapped in `<tag>...</tag>` lines (tag from
 * the title), so the skill can tell the model exactly which text to show verbatim.
 */
export function renderSkillContext(ctx: SkillContext): string {
  const head = [`FLOW: ${ctx.flow}`, ...ctx.fields.map(([k, v]) => `${k}: ${v}`)].join('\n');
  const body = ctx.sections.map((s) => `<${sectionTag(s.title)}>\n${s.body.trimEnd()}\n</${sectionTag(s.title)}>`).join('\n\n');
  return `${head}\n${body ? `\n${body}\n` : ''}`;
}

function errorContext(message: string, extra: Array<[string, string]> = []): SkillContext {
  return { flow: 'error', fields: [...extra, ['MESSAGE', message.replace(/\n/g, '\n  ')]], sections: [] };
}

function errorText(error: unknown): string {
  if (error instanceof OvernightError) return error.format();
  return `Internal error in overnight: ${error instanceof Error ? error.message : String(error)}`;
}

/** Same path, after resolving symbolic links (so /tmp and /private/tmp compare equal). */
function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}

/** The repository root for `cwd`, or the error context saying why there is none. */
async function repoRootOf(cwd: string, mustBeRoot: boolean): Promise<string | SkillContext> {
  let root: string;
  try {
    root = await findRepoRoot(cwd);
  } catch {
    return errorContext('Not a git repository. Run /overnight from the root of a git repository.', [['PRECONDITIONS', 'failed']]);
  }
  if (mustBeRoot && !samePath(root, cwd)) {
    return errorContext(`Not a git repository root. Run /overnight from the repository root (${root}).`, [['PRECONDITIONS', 'failed']]);
  }
  return root;
}

/** The status view rendered as text, or the no-session message. */
async function statusText(root: string, sessionId?: string): Promise<string> {
  const { loadStatus } = await import('../../report/load-status.js');
  const view = await loadStatus(root, sessionId);
  const { renderStatus } = await import('../../report/status.js');
  const { NO_SESSION_MESSAGE } = await import('../../report/session-data.js');
  return view ? renderStatus(view, Date.now()) : NO_SESSION_MESSAGE;
}

/** The deferred questions of a session as a markdown list (or a line saying there are none). */
async function deferredText(root: string, sessionId: string): Promise<{ count: number; text: string }> {
  const { readDeferredQuestions } = await import('../../report/deferred.js');
  const { sessionFiles } = await import('../../session/paths.js');
  const questions = await readDeferredQuestions(sessionFiles(root, sessionId).deferred).catch(() => []);
  if (questions.length === 0) return { count: 0, text: 'No deferred questions.' };
  const text = questions
    .map((q) => `- ${q.item ? `[${q.item}] ` : ''}${q.question}${q.decision ? `\n  Agent's decision: ${q.decision}` : ''}\n  (file: deferred/${q.file})`)
    .join('\n');
  return { count: questions.length, text };
}

/** The plan flow: preconditions, an active session, then the rendered plan. */
async function planContext(cwd: string, timeLimit: string | undefined): Promise<SkillContext> {
  const root = await repoRootOf(cwd, true);
  if (typeof root !== 'string') return root;
  const { loadConfig } = await import('../../config/load.js');
  const { activeSessions } = await import('../../session/find.js');
  let backlogDir: string;
  try {
    backlogDir = (await loadConfig(root)).backlog_dir;
  } catch (error) {
    return errorContext(errorText(error), [['PRECONDITIONS', 'failed']]);
  }
  if (!existsSync(join(root, backlogDir))) {
    return errorContext(
      `No backlog folder '${backlogDir}/' in ${root}. Create it with a first item (overnight add "<title>"), or set backlog_dir in overnight.config.yaml.`,
      [['PRECONDITIONS', 'failed']],
    );
  }
  const active = activeSessions(root);
  if (active.length > 0) {
    const { id, state } = active[active.length - 1]!;
    const deferred = await deferredText(root, id);
    return {
      flow: 'active-session',
      fields: [
        ['PRECONDITIONS', 'ok'],
        ['REPOSITORY', root],
        ['SESSION', id],
        ['PHASE', state.phase],
        ['DEFERRED QUESTIONS', String(deferred.count)],
      ],
      sections: [
        { title: 'Session status', body: await statusText(root, id) },
        { title: 'Deferred questions', body: deferred.text },
      ],
    };
  }
  try {
    const { preparePlan } = await import('../../plan/prepare.js');
    const { plan } = await preparePlan(root, { timeLimit });
    const runnable = plan.rounds.reduce((n, r) => n + r.items.length, 0);
    return {
      flow: 'plan',
      fields: [
        ['PRECONDITIONS', 'ok'],
        ['REPOSITORY', root],
        ['TIME LIMIT', plan.timeLimit ?? timeLimit ?? 'default'],
        ['RUNNABLE ITEMS', String(runnable)],
        ['ROUNDS', String(plan.rounds.length)],
      ],
      sections: [{ title: 'Session plan', body: plan.markdown }],
    };
  } catch (error) {
    return errorContext(errorText(error), [['PRECONDITIONS', 'failed']]);
  }
}

/** The resume flow: the session to resume, its state and deferred questions. */
async function resumeContext(cwd: string): Promise<SkillContext> {
  const root = await repoRootOf(cwd, false);
  if (typeof root !== 'string') return root;
  const { activeSessions } = await import('../../session/find.js');
  const active = activeSessions(root);
  if (active.length === 0) {
    const { loadStatus } = await import('../../report/load-status.js');
    const view = await loadStatus(root).catch(() => undefined);
    if (!view) return errorContext('No overnight session to resume in this repository. Start one with /overnight.');
    const failed = view.items.filter((i) => i.status === 'failed' || i.status === 'blocked').map((i) => i.slug);
    return {
      flow: 'resume-finished',
      fields: [['REPOSITORY', root], ['SESSION', view.sessionId], ['FAILED OR BLOCKED ITEMS', failed.length > 0 ? failed.join(', ') : 'none']],
      sections: [{ title: 'Latest session', body: (await import('../../report/status.js')).renderStatus(view, Date.now()) }],
    };
  }
  const { id, state } = active[active.length - 1]!;
  const deferred = await deferredText(root, id);
  return {
    flow: 'resume',
    fields: [
      ['REPOSITORY', root],
      ['SESSION', id],
      ['PHASE', state.phase],
      ...(state.pausedReason ? ([['PAUSED BECAUSE', `${state.pausedReason}${state.pausedUntil ? ` (until ${state.pausedUntil})` : ''}`]] as Array<[string, string]>) : []),
      ...(state.stopReason ? ([['STOPPED BECAUSE', state.stopReason]] as Array<[string, string]>) : []),
      ['DEFERRED QUESTIONS', String(deferred.count)],
    ],
    sections: [
      { title: 'Session status', body: await statusText(root, id) },
      { title: 'Deferred questions', body: deferred.text },
    ],
  };
}

/**
 * The retry flow: the latest session, which must be over (an active one is resumed, not retried),
 * and the items `overnight retry` would run again for `items` (chooseRetryItems: its refusal,
 * such as nothing to retry, becomes the error flow with its fix).
 */
async function retryContext(cwd: string, items: string[]): Promise<SkillContext> {
  const root = await repoRootOf(cwd, false);
  if (typeof root !== 'string') return root;
  const { activeSessions } = await import('../../session/find.js');
  const { loadStatus } = await import('../../report/load-status.js');
  const { renderStatus } = await import('../../report/status.js');
  const { readState } = await import('../../session/store.js');
  const { assertRetryPhase, chooseRetryItems } = await import('../../runner/retry.js');
  const active = activeSessions(root);
  if (active.length > 0) {
    const { id } = active[active.length - 1]!;
    return errorContext(`Session ${id} is not over yet; there is nothing to retry while it runs. Use /overnight resume or /overnight status.`);
  }
  const view = await loadStatus(root).catch(() => undefined);
  if (!view) return errorContext('No overnight session in this repository, so nothing to retry. Start one with /overnight.');
  const id = view.sessionId;
  let chosen: string[];
  try {
    const state = readState(root, id);
    assertRetryPhase(state);
    chosen = chooseRetryItems(readSessionView(root, id), state, items);
  } catch (error) {
    return errorContext(errorText(error), [['SESSION', id]]);
  }
  const deferred = await deferredText(root, id);
  return {
    flow: 'retry',
    fields: [
      ['REPOSITORY', root],
      ['SESSION', id],
      ['PHASE', view.phase],
      ['RETRY ITEMS', chosen.join(', ')],
      ['RETRY COMMAND', `overnight retry ${items.length > 0 ? `${items.join(' ')} ` : ''}--session ${id} --detach`],
      ['DEFERRED QUESTIONS', String(deferred.count)],
    ],
    sections: [
      { title: 'Session status', body: renderStatus(view, Date.now()) },
      { title: 'Deferred questions', body: deferred.text },
    ],
  };
}

/** The status flow: the status view of the latest session, or the no-session message. */
async function statusContext(cwd: string): Promise<SkillContext> {
  const root = await repoRootOf(cwd, false);
  if (typeof root !== 'string') return root;
  return { flow: 'status', fields: [['REPOSITORY', root]], sections: [{ title: 'Session status', body: await statusText(root) }] };
}

/**
 * Builds the skill context for `/overnight <args>` run in `cwd`. Never throws: every problem
 * becomes an `error` flow with the message to show.
 */
export async function buildSkillContext(args: readonly string[], cwd: string = process.cwd()): Promise<SkillContext> {
  const request = parseSkillArgs(args);
  try {
    switch (request.flow) {
      case 'error':
        return errorContext(request.message);
      case 'plan':
        return await planContext(cwd, request.timeLimit);
      case 'resume':
        return await resumeContext(cwd);
      case 'retry':
        return await retryContext(cwd, request.items);
      case 'status':
        return await statusContext(cwd);
    }
  } catch (error) {
    return errorContext(errorText(error));
  }
}

/** Registers `overnight skill-context` on the commander program. */
export function register(program: Command): void {
  program
    .command('skill-context')
    .description('Print what the /overnight skill shows for these arguments: the flow, preconditions, plan or status (used by SKILL.md).')
    .argument('[args...]', 'the arguments given to /overnight')
    .allowUnknownOption()
    .action(async (args: string[]) => {
      const ctx = await buildSkillContext(args ?? []);
      process.stdout.write(renderSkillContext(ctx));
      process.exitCode = 0;
    });
}
