/**
 * Reading `claude -p --output-format stream-json --verbose` output, one line at a time (pure).
 *
 * Line shapes seen from Claude Code 2.1.330 (samples in test/unit/agent/fixtures/):
 * - `{"type":"system","subtype":"init","session_id","tools":[...],"model",...}` first;
 * - `{"type":"system","subtype":"api_retry","attempt","max_retries","retry_delay_ms","error_status","error"}`
 *   while the CLI retries an API error (529, 5xx, 429) itself;
 * - `{"type":"assistant","message":{"id","content":[ONE block]}}`: one line per content block, so
 *   one assistant message (one turn) spans several lines with the same `message.id`; API errors
 *   come as a synthetic assistant message (`model: "<synthetic>"`) holding the error text;
 * - `{"type":"user","message":{"content":[{"type":"tool_result",...}]}}` tool results;
 * - last `{"type":"result","subtype","is_error","num_turns","total_cost_usd","result",
 *   "terminal_reason","api_error_status","errors","permission_denials",...}`.
 */
import { oneLine } from '../util/text.js';
import type { AgentActivity, ResultLine } from './types.js';

/** What the stream told so far. */
export interface StreamState {
  /** Assistant turns: distinct assistant message ids, replaced by result.num_turns once it arrives. */
  turns: number;
  /** USD: 0 until the result line gives total_cost_usd. */
  costUsd: number;
  /** The text of the latest assistant message that had text (its text blocks joined by newlines). */
  lastText: string;
  result?: ResultLine;
  sessionId?: string;
  /** Tools the CLI offered (from the init line). */
  tools?: string[];
  model?: string;
  /** Tool calls seen. */
  toolCalls: number;
  /** API retries the CLI reported (system/api_retry). */
  apiRetries: number;
  /**
   * The last API error the CLI retried: HTTP status, error name, the retry number and the delay the
   * CLI waited before it (`retry_delay_ms`: its own backoff, or the response's `retry-after`).
   */
  lastApiError?: { status?: number; error?: string; attempt?: number; retryDelayMs?: number };
  /**
   * The API error that ended a turn: Claude Code 2.1.330 writes it as a synthetic assistant
   * message with `error` (rate_limit, server_error, authentication_failed, ...),
   * `api_error_status` and `api_error_type` (the API's error.type).
   */
  apiError?: { error?: string; status?: number; type?: string; text?: string };
  /** Lines read, and lines that were not JSON objects. */
  lines: number;
  badLines: number;
  /** @internal assistant message ids seen, and the id whose text is in lastText. */
  messageIds: Set<string>;
  lastTextMessageId?: string;
}

/** The state before the first line of an attempt: no turns, no cost (USD 0), no text, no result. */
export function newStreamState(): StreamState {
  return { turns: 0, costUsd: 0, lastText: '', toolCalls: 0, apiRetries: 0, lines: 0, badLines: 0, messageIds: new Set() };
}

/** Parses one stdout line: a JSON object with a string `type`, else undefined (blank or garbage). */
export function parseStreamLine(line: string): Record<string, any> | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(t);
    return v && typeof v === 'object' && !Array.isArray(v) && typeof v.type === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One line describing a tool call, for status: "Bash: npm test", "Edit: src/a.ts",
 * "Grep: TODO in src", "TaskCreate: write tests". Unknown tools show their name and the first
 * string input. At most 160 characters.
 */
export function summariseToolUse(name: string, input: unknown): string {
  const i = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof i[k] === 'string' && (i[k] as string).trim() ? (i[k] as string) : undefined);
  let detail: string | undefined;
  switch (name) {
    case 'Bash':
      detail = str('command');
      break;
    case 'Read':
    case 'Write':
    case 'Edit':
    case 'MultiEdit':
      detail = str('file_path');
      break;
    case 'NotebookEdit':
      detail = str('notebook_path');
      break;
    case 'Glob':
      detail = str('pattern') && (str('path') ? `${str('pattern')} in ${str('path')}` : str('pattern'));
      break;
    case 'Grep':
      detail = str('pattern') && (str('path') ? `${str('pattern')} in ${str('path')}` : str('pattern'));
      break;
    case 'TodoWrite':
      detail = Array.isArray(i.todos) ? `${i.todos.length} todo(s)` : undefined;
      break;
    case 'AskUserQuestion': {
      const q = Array.isArray(i.questions) ? (i.questions[0] as any)?.question : undefined;
      detail = typeof q === 'string' ? q : str('question');
      break;
    }
    default:
      detail = str('subject') ?? str('description') ?? str('query') ?? str('prompt') ?? Object.values(i).find((v): v is string => typeof v === 'string');
  }
  return oneLine(detail ? `${name}: ${detail}` : name);
}

/** Text of `result` when it is a result line (type "result"), normalised to ResultLine. */
function toResultLine(ev: Record<string, any>): ResultLine {
  return {
    ...ev,
    subtype: typeof ev.subtype === 'string' ? ev.subtype : 'unknown',
    is_error: ev.is_error === true,
    num_turns: typeof ev.num_turns === 'number' ? ev.num_turns : 0,
    total_cost_usd: typeof ev.total_cost_usd === 'number' ? ev.total_cost_usd : 0,
  } as ResultLine;
}

/**
 * Folds one parsed stream-json line into `state` (mutated) and returns the activities it is worth
 * reporting: one `tool` per tool_use block, one `text` per assistant text block (first line),
 * `turn` for the init line and API retries, `result` for the result line. Unknown line types
 * change nothing and report nothing.
 */
export function applyStreamEvent(state: StreamState, ev: Record<string, any>, now: Date = new Date()): AgentActivity[] {
  const at = now.toISOString();
  const acts: AgentActivity[] = [];
  const act = (kind: AgentActivity['kind'], summary: string) => acts.push({ at, kind, summary: oneLine(summary), turns: state.turns, costUsd: state.costUsd });
  switch (ev.type) {
    case 'system': {
      if (typeof ev.session_id === 'string') state.sessionId ??= ev.session_id;
      if (ev.subtype === 'init') {
        if (Array.isArray(ev.tools)) state.tools = ev.tools.filter((t: unknown): t is string => typeof t === 'string');
        if (typeof ev.model === 'string') state.model = ev.model;
        act('turn', `claude session started${state.model ? ` (model ${state.model})` : ''}`);
      } else if (ev.subtype === 'api_retry') {
        state.apiRetries++;
        state.lastApiError = {
          status: typeof ev.error_status === 'number' ? ev.error_status : undefined,
          error: typeof ev.error === 'string' ? ev.error : undefined,
          ...(typeof ev.attempt === 'number' ? { attempt: ev.attempt } : {}),
          ...(typeof ev.retry_delay_ms === 'number' ? { retryDelayMs: ev.retry_delay_ms } : {}),
        };
        const delay = typeof ev.retry_delay_ms === 'number' ? `; retry ${ev.attempt ?? '?'}/${ev.max_retries ?? '?'} in ${(ev.retry_delay_ms / 1000).toFixed(1)} s` : '';
        act('turn', `API error ${ev.error_status ?? ''} ${ev.error ?? ''}${delay}`.replace(/\s+/g, ' '));
      }
      break;
    }
    case 'assistant': {
      const msg = ev.message ?? {};
      const id = typeof msg.id === 'string' ? msg.id : undefined;
      if (typeof ev.session_id === 'string') state.sessionId ??= ev.session_id;
      if (id && !state.messageIds.has(id)) {
        state.messageIds.add(id);
        state.turns = state.messageIds.size;
      } else if (!id) {
        state.turns++;
      }
      if (ev.is_api_error_message === true || (typeof ev.error === 'string' && msg.model === '<synthetic>')) {
        const text = Array.isArray(msg.content) ? msg.content.map((b: any) => (typeof b?.text === 'string' ? b.text : '')).join('\n') : undefined;
        state.apiError = {
          error: typeof ev.error === 'string' ? ev.error : undefined,
          status: typeof ev.api_error_status === 'number' ? ev.api_error_status : undefined,
          type: typeof ev.api_error_type === 'string' ? ev.api_error_type : undefined,
          text,
        };
      }
      const content: any[] = Array.isArray(msg.content) ? msg.content : typeof msg.content === 'string' ? [{ type: 'text', text: msg.content }] : [];
      for (const block of content) {
        if (block?.type === 'text' && typeof block.text === 'string' && block.text.trim()) {
          // A message's text may span several lines of the stream (one per block): join them.
          state.lastText = id && state.lastTextMessageId === id ? `${state.lastText}\n${block.text}` : block.text;
          state.lastTextMessageId = id;
          const first = block.text.split('\n').find((l: string) => l.trim()) ?? '';
          act('text', first);
        } else if (block?.type === 'tool_use' && typeof block.name === 'string') {
          state.toolCalls++;
          act('tool', summariseToolUse(block.name, block.input));
        }
      }
      break;
    }
    case 'result': {
      const result = toResultLine(ev);
      state.result = result;
      state.turns = result.num_turns || state.turns;
      state.costUsd = result.total_cost_usd;
      if (typeof result.session_id === 'string') state.sessionId ??= result.session_id;
      const what = result.is_error ? `${result.subtype}${result.terminal_reason ? ` (${result.terminal_reason})` : ''}` : 'finished';
      act('result', `${what}: ${result.num_turns} turn(s), $${result.total_cost_usd.toFixed(4)}`);
      break;
    }
    default:
      break;
  }
  return acts;
}

/** Feeds one raw line: counts it, parses it, applies it. Returns the activities (see applyStreamEvent). */
export function applyStreamLine(state: StreamState, line: string, now?: Date): AgentActivity[] {
  if (!line.trim()) return [];
  state.lines++;
  const ev = parseStreamLine(line);
  if (!ev) {
    state.badLines++;
    return [];
  }
  return applyStreamEvent(state, ev, now);
}
