/**
 * The session's audit.jsonl (DESIGN.md, "A session on disk"): one JSON object a line for every
 * gate decision (PreToolUse) and every tool outcome (PostToolUse, PostToolUseFailure,
 * PermissionDenied). PostToolUse does not fire for a call a gate denied, so the gates write their
 * own lines. Lines hold a summary of the input (the command, a path, a pattern), never file
 * contents.
 */
import { appendFileSync } from 'node:fs';
import type { HookInput } from './input.js';

/** One line of audit.jsonl. Field names are snake_case like the hook input they come from. */
export interface AuditLine {
  /** ISO-8601 time the hook ran. */
  ts: string;
  /** Claude Code's session id (the agent session, not the overnight session). */
  session_id: string;
  /** The backlog item's slug (OVERNIGHT_ITEM), when known. */
  item?: string;
  /** `PreToolUse`, `PostToolUse`, `PostToolUseFailure` or `PermissionDenied`. */
  event: string;
  tool: string;
  tool_use_id?: string;
  /** The call's input in one line: command text, file path, pattern or URL (see summarizeInput). */
  target: string;
  /** Gate lines: the decision, its rule and (for denials) the reason given to the agent. */
  decision?: 'allow' | 'deny';
  rule?: string;
  reason?: string;
  /** Outcome lines: `success`, `error` (the tool failed), `interrupted`, or `denied` (PermissionDenied). */
  outcome?: 'success' | 'error' | 'interrupted' | 'denied';
  /** The exit code of a Bash call, when Claude Code reports one. */
  exit_code?: number;
  /** First line of the error or denial message, for failed or denied calls. */
  error?: string;
  /** Milliseconds from the hook process's start to its decision (gate lines). */
  gate_ms?: number;
}

/** Longest input summary kept in a line, in characters. */
export const MAX_SUMMARY = 2000;

function clip(text: string, max = MAX_SUMMARY): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/**
 * A one-line summary of a tool input: Bash -> the command; file tools -> the path; Grep/Glob ->
 * pattern and path; WebFetch -> the URL; AskUserQuestion -> the questions; others -> the first
 * of the usual descriptive fields, else the list of input keys. Never file contents.
 */
export function summarizeInput(toolName: string, toolInput: Record<string, unknown>): string {
  const str = (key: string): string | undefined => (typeof toolInput[key] === 'string' ? (toolInput[key] as string) : undefined);
  switch (toolName) {
    case 'Bash':
      return clip(str('command') ?? '');
    case 'Write':
    case 'Edit':
    case 'MultiEdit':
    case 'Read':
      return clip(str('file_path') ?? '');
    case 'NotebookEdit':
      return clip(str('notebook_path') ?? '');
    case 'Grep':
    case 'Glob': {
      const path = str('path');
      return clip(`${str('pattern') ?? ''}${path ? ` in ${path}` : ''}`);
    }
    case 'AskUserQuestion': {
      const questions = Array.isArray(toolInput.questions) ? toolInput.questions : [];
      return clip(
        questions
          .map((q) => (typeof q === 'object' && q !== null && typeof (q as { question?: unknown }).question === 'string' ? (q as { question: string }).question : ''))
          .filter(Boolean)
          .join(' | '),
      );
    }
    default: {
      for (const key of ['command', 'file_path', 'path', 'url', 'query', 'pattern', 'description', 'skill', 'prompt']) {
        const value = str(key);
        if (value !== undefined) return clip(value, 500);
      }
      return `(${Object.keys(toolInput).join(', ')})`;
    }
  }
}

function firstLine(text: string): string {
  return clip(text.split('\n', 1)[0] ?? '', 500);
}

/** A Bash exit code from a tool response or a failure message (`Exit code 2`), when present. */
export function exitCodeOf(response: unknown, error?: string): number | undefined {
  if (typeof response === 'object' && response !== null) {
    const r = response as Record<string, unknown>;
    for (const key of ['exitCode', 'exit_code', 'code', 'returnCode']) {
      if (typeof r[key] === 'number' && Number.isInteger(r[key])) return r[key] as number;
    }
  }
  const match = error ? /\bexit code:?\s*(-?\d+)/i.exec(error) : null;
  return match ? Number(match[1]) : undefined;
}

/** The common fields of a line for this hook input. */
function baseLine(input: HookInput, item: string | undefined, now: Date): AuditLine {
  const line: AuditLine = {
    ts: now.toISOString(),
    session_id: input.session_id,
    event: input.hook_event_name,
    tool: input.tool_name,
    target: summarizeInput(input.tool_name, input.tool_input),
  };
  if (item) line.item = item;
  if (input.tool_use_id) line.tool_use_id = input.tool_use_id;
  return line;
}

/** The audit line of a PreToolUse gate decision. Pure. */
export function gateAuditLine(
  input: HookInput,
  decision: { decision: 'allow' | 'deny'; ruleId?: string; reason?: string },
  item: string | undefined,
  now: Date,
  gateMs?: number,
): AuditLine {
  const line = baseLine(input, item, now);
  line.decision = decision.decision;
  if (decision.ruleId) line.rule = decision.ruleId;
  if (decision.decision === 'deny' && decision.reason) line.reason = clip(decision.reason, 1000);
  if (gateMs !== undefined) line.gate_ms = Math.round(gateMs * 10) / 10;
  return line;
}

/**
 * The audit line of an outcome event: PostToolUse -> success (or interrupted when the Bash
 * response says so), PostToolUseFailure -> error or interrupted, PermissionDenied -> denied. Pure.
 */
export function outcomeAuditLine(input: HookInput, item: string | undefined, now: Date): AuditLine {
  const line = baseLine(input, item, now);
  const response = input.tool_response;
  switch (input.hook_event_name) {
    case 'PostToolUseFailure':
      line.outcome = input.is_interrupt ? 'interrupted' : 'error';
      if (input.error) line.error = firstLine(input.error);
      break;
    case 'PermissionDenied':
      line.outcome = 'denied';
      if (input.reason) line.error = firstLine(input.reason);
      break;
    default: {
      const interrupted = typeof response === 'object' && response !== null && (response as { interrupted?: unknown }).interrupted === true;
      line.outcome = interrupted ? 'interrupted' : 'success';
    }
  }
  const code = exitCodeOf(response, input.error);
  if (code !== undefined) line.exit_code = code;
  return line;
}

/**
 * Appends one line to an audit file with a single appendFileSync call (O_APPEND; lines are small,
 * so concurrent hooks do not interleave within a line). Throws what appendFileSync throws.
 */
export function appendAuditLine(file: string, line: AuditLine): void {
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}
