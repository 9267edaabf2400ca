/**
 * The safety policy: one pure function from a tool call and its context to a decision.
 * Bash commands are parsed and analyzed (see analyze.ts) and every simple command they would run
 * is checked against the rule sets in rules/; the file tools are checked by path (file-tools.ts);
 * AskUserQuestion is answered with guidance; every other tool is allowed.
 *
 * `safety.allow_commands` (ctx.allowCommands) can only override the rules about code the gate
 * cannot see (rules marked `overridable`: shell.eval-unknown, shell.unknown-command,
 * interp.unknown-code, db.unknown-sql); it never unlocks a destructive rule or a parse error.
 * `safety.deny_commands` (ctx.denyCommands) denies any simple command it matches.
 */
import { analyzeCommand, type Analysis, type Invocation } from './analyze.js';
import { checkFileTool, READ_TOOLS, WRITE_TOOLS } from './file-tools.js';
import { ShellParseError } from './shell/parser.js';
import { checkInvocation, ruleById } from './rules/index.js';
import type { Decision, PolicyContext, ToolCall } from './types.js';

/** What evaluate() found, for explain(). */
export interface Evaluation {
  decision: Decision;
  analysis?: Analysis;
  /** The simple command that was denied, if any. */
  denied?: Invocation;
  path?: string | null;
  error?: string;
}

/** The decision for a deny of rule `id`, with what exactly was blocked. */
export function denyDecision(id: string, detail?: string): Decision {
  const info = ruleById(id);
  return { decision: 'deny', ruleId: id, reason: `${info.reason} [overnight safety gate, rule ${id}${detail ? `: ${detail}` : ''}]` };
}

/**
 * Decides one tool call. Pure (no I/O) and total: it never throws; an internal error becomes a
 * deny with ruleId `internal.error`.
 * Input: the call (tool name, tool input, cwd) and the PolicyContext (worktree root, protected
 * branches, own branch, allow/deny paths and command regexes, home).
 * Output: `{decision: 'allow'}` or `{decision: 'deny', ruleId, reason}` where reason is written
 * for the agent (what was blocked, why, what to do instead).
 */
export function evaluate(call: ToolCall, ctx: PolicyContext): Decision {
  return evaluateDetailed(call, ctx).decision;
}

/** Denials that a scratch folder answers: writes outside the worktree. */
const SCRATCH_HINT_RULES = new Set(['fs.write-outside-worktree', 'file.outside-worktree']);

/**
 * A deny of a write outside the worktree, in a session with a scratch folder (ctx.scratchDir),
 * names that folder as the place for scratch files. Other decisions are returned unchanged.
 */
export function withScratchHint(decision: Decision, ctx: Pick<PolicyContext, 'scratchDir'>): Decision {
  if (decision.decision !== 'deny' || !ctx.scratchDir || !SCRATCH_HINT_RULES.has(decision.ruleId)) return decision;
  const hint = `Scratch files that should not be committed go in your scratch folder ${ctx.scratchDir} (also $OVERNIGHT_SCRATCH); write its path out in full, as the gate cannot read variables.`;
  // Before the bracketed "[overnight safety gate, rule ...]" that ends every deny reason.
  const at = decision.reason.indexOf(' [overnight safety gate');
  const reason = at < 0 ? `${decision.reason} ${hint}` : `${decision.reason.slice(0, at)} ${hint}${decision.reason.slice(at)}`;
  return { ...decision, reason };
}

/** evaluate() with the analysis it made (used by explain()). Never throws. */
export function evaluateDetailed(call: ToolCall, ctx: PolicyContext): Evaluation {
  try {
    const result = evaluateInner(call, withDefaults(ctx));
    return { ...result, decision: withScratchHint(result.decision, ctx) };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { decision: { decision: 'deny', ruleId: 'internal.error', reason: `${safeReason('internal.error')} [overnight safety gate, rule internal.error: ${msg}]` }, error: msg };
  }
}

function safeReason(id: string): string {
  try {
    return ruleById(id).reason;
  } catch {
    return 'The safety gate could not check this call, so it was denied. Instead, try a simpler form of the command.';
  }
}

function withDefaults(ctx: PolicyContext): PolicyContext {
  return {
    ...ctx,
    worktreeRoot: (ctx.worktreeRoot || '/').replace(/(.)\/+$/, '$1'),
    protectedBranches: ctx.protectedBranches ?? [],
    allowPaths: ctx.allowPaths ?? [],
    denyPaths: ctx.denyPaths ?? [],
    allowCommands: ctx.allowCommands ?? [],
    denyCommands: ctx.denyCommands ?? [],
    home: ctx.home || '/root',
  };
}

function compile(sources: string[]): { res: RegExp[]; bad: string[] } {
  const res: RegExp[] = [];
  const bad: string[] = [];
  for (const s of sources) {
    try {
      res.push(new RegExp(s));
    } catch {
      bad.push(s);
    }
  }
  return { res, bad };
}

function evaluateInner(call: ToolCall, ctx: PolicyContext): Evaluation {
  const allow: Decision = { decision: 'allow' };
  const tool = call.toolName;
  if (tool === 'Bash') return evaluateBash(call, ctx);
  if (WRITE_TOOLS.has(tool) || READ_TOOLS.has(tool)) {
    const parsed: { path?: string | null } = {};
    const hit = checkFileTool(call, ctx, parsed);
    return { decision: hit ? denyDecision(hit.ruleId, hit.detail) : allow, path: parsed.path };
  }
  if (tool === 'AskUserQuestion') {
    if (ctx.interactive === true) return { decision: allow };
    return { decision: denyDecision('ask.unattended') };
  }
  return { decision: allow };
}

function evaluateBash(call: ToolCall, ctx: PolicyContext): Evaluation {
  const command = call.toolInput.command;
  if (typeof command !== 'string') return { decision: denyDecision('parse.unparseable', 'the Bash call has no command string') };
  let analysis: Analysis;
  try {
    analysis = analyzeCommand(command, call.cwd, ctx);
  } catch (e) {
    if (e instanceof ShellParseError) return { decision: denyDecision(`parse.${e.kind}`, e.message) };
    throw e;
  }
  const allowRes = compile(ctx.allowCommands).res;
  const deny = compile(ctx.denyCommands);
  if (deny.bad.length > 0) return { decision: denyDecision('config.deny-command', `safety.deny_commands has an invalid regular expression: ${deny.bad[0]}`), analysis };
  const allowed = (text: string) => allowRes.some((re) => re.test(text) || re.test(command));
  for (const f of analysis.findings) {
    if (f.overridable && allowRes.some((re) => re.test(command))) continue;
    return { decision: denyDecision(f.ruleId, f.detail), analysis };
  }
  for (const inv of analysis.invocations) {
    const m = deny.res.find((re) => re.test(inv.text));
    if (m) return { decision: denyDecision('config.deny-command', `\`${inv.text}\` matches ${m.source}`), analysis, denied: inv };
    const hit = checkInvocation(inv, ctx);
    if (!hit) continue;
    if (ruleById(hit.ruleId).overridable && allowed(inv.text)) continue;
    const where = inv.via.length > 0 ? ` (inside ${inv.via.join(' > ')})` : '';
    return { decision: denyDecision(hit.ruleId, `\`${clip(inv.text)}\`${where}${hit.detail ? ` — ${hit.detail}` : ''}`), analysis, denied: inv };
  }
  return { decision: { decision: 'allow' }, analysis };
}

function clip(s: string): string {
  return s.length > 200 ? s.slice(0, 197) + '...' : s;
}
