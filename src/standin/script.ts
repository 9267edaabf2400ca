/**
 * Scripts for the stand-in model: what a scripted "assistant" answers, turn by turn.
 *
 * A Script is matched to a conversation by its `marker`: a string that appears in the text of the
 * conversation's first user message (the mission brief, or the expanded skill). Several
 * conversations can therefore run at once against one server. The server keeps no state per
 * conversation: the turn to answer is chosen by `turnIndex`, the number of assistant messages the
 * request already carries (Claude Code resends the whole conversation on every request).
 */

/** One scripted assistant answer. */
export type Turn =
  /** An assistant text reply; stop_reason `end_turn`. */
  | { text: string }
  /** One tool_use block (optionally after a text block); stop_reason `tool_use`. */
  | { tool: string; input: Record<string, unknown>; text?: string }
  /** Several tool_use blocks in one answer; stop_reason `tool_use`. */
  | { tools: Array<{ tool: string; input: Record<string, unknown> }>; text?: string }
  /** Accept the request and never answer (until the server closes): for watchdog tests. */
  | { hang: true }
  /** Answer `then` after `delayMs` milliseconds. */
  | { delayMs: number; then: Turn }
  /**
   * An API error response with this HTTP status and Anthropic error body, and optional response
   * headers (e.g. `{ 'retry-after': '120' }` on a 429).
   */
  | { error: { status: number; type: string; message: string; headers?: Record<string, string> } }
  /** Decide from the request (e.g. read the last tool_result). */
  | ((req: ModelRequest) => Turn);

/** One request as the stand-in received it, with the parts scripts usually look at. */
export interface ModelRequest {
  /** The parsed JSON body of `POST /v1/messages`. */
  body: any;
  /** `body.messages`. */
  messages: any[];
  /** The system prompt as one string (text blocks joined with newlines). */
  system: string;
  /** All text of the first user message (text blocks joined with newlines; tool results excluded). */
  firstUserText: string;
  /** tool_result blocks of the last user message, content flattened to text. */
  lastToolResults: Array<{ tool_use_id: string; content: string; is_error?: boolean }>;
  /** Number of assistant messages already in the conversation (0 for the first request). */
  turnIndex: number;
  /** Marker of the script that answered, when one matched. */
  marker?: string;
  /** Request path including the query string, e.g. `/v1/messages?beta=true`. */
  path?: string;
  /** Milliseconds since the epoch when the request arrived. */
  receivedAt?: number;
}

/** A scripted conversation. */
export interface Script {
  /** Text that identifies the conversation: it must appear in the first user message. */
  marker: string;
  /** Answers in order: turns[0] for the first request, turns[1] after one assistant message, ... */
  turns: Turn[];
  /** Answer past the last turn; default `{ text: 'TASK_COMPLETE' }`. */
  final?: Turn;
}

/** A resolved answer: what the server does for one request. */
export type Answer =
  | { kind: 'message'; text?: string; tools: Array<{ tool: string; input: Record<string, unknown> }> }
  | { kind: 'hang' }
  | { kind: 'error'; status: number; type: string; message: string; headers?: Record<string, string> };

/** The answer to a request that matches no script. */
export const UNSCRIPTED_REPLY = 'OK (stand-in model: no script matched this request).';

/** Flattens a message `content` (string or block array) to its text blocks, joined with newlines. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b) => b && typeof b === 'object' && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

/** Flattens a tool_result `content` (string, or text/image blocks) to text. */
function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return contentText(content);
}

/**
 * Builds a ModelRequest from a parsed Messages API body.
 * `turnIndex` counts `role: "assistant"` messages; `firstUserText` is the text of the first
 * `role: "user"` message; `lastToolResults` the tool_result blocks of the user messages after the
 * last assistant message.
 */
export function toModelRequest(body: any, path?: string): ModelRequest {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const system = typeof body?.system === 'string' ? body.system : contentText(body?.system);
  const firstUser = messages.find((m) => m?.role === 'user');
  // Claude Code may append non-user messages (e.g. a `role: "system"` budget note when
  // --max-budget-usd is given) after the tool results, so read every user message that
  // follows the last assistant message rather than only the very last message.
  let lastAssistant = -1;
  messages.forEach((m, i) => {
    if (m?.role === 'assistant') lastAssistant = i;
  });
  const lastToolResults: ModelRequest['lastToolResults'] = [];
  for (const message of messages.slice(lastAssistant + 1)) {
    if (message?.role !== 'user' || !Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (block?.type === 'tool_result') {
        lastToolResults.push({
          tool_use_id: String(block.tool_use_id),
          content: toolResultText(block.content),
          ...(block.is_error ? { is_error: true } : {}),
        });
      }
    }
  }
  return {
    body,
    messages,
    system,
    firstUserText: firstUser ? contentText(firstUser.content) : '',
    lastToolResults,
    turnIndex: messages.filter((m) => m?.role === 'assistant').length,
    path,
    receivedAt: Date.now(),
  };
}

/** The first script whose marker appears in the request's first user message, if any. */
export function pickScript(scripts: readonly Script[], req: ModelRequest): Script | undefined {
  return scripts.find((s) => s.marker !== '' && req.firstUserText.includes(s.marker));
}

/**
 * The turn a script answers for a request: `turns[turnIndex]`, else `final`, else
 * `{ text: 'TASK_COMPLETE' }`. Function turns are not called here (see resolveTurn).
 */
export function pickTurn(script: Script, req: ModelRequest): Turn {
  return script.turns[req.turnIndex] ?? script.final ?? { text: 'TASK_COMPLETE' };
}

/**
 * Resolves a turn to what the server does: calls function turns with the request (repeatedly, if
 * one returns another function), adds up `delayMs` wrappers. Returns the answer and the total delay
 * in ms. Throws when a turn has none of the known shapes (a script bug).
 */
export function resolveTurn(turn: Turn, req: ModelRequest): { answer: Answer; delayMs: number } {
  let delayMs = 0;
  let current: Turn = turn;
  for (let depth = 0; depth < 100; depth++) {
    if (typeof current === 'function') {
      current = current(req);
      continue;
    }
    if ('delayMs' in current) {
      delayMs += Math.max(0, current.delayMs);
      current = current.then;
      continue;
    }
    if ('hang' in current) return { answer: { kind: 'hang' }, delayMs };
    if ('error' in current) return { answer: { kind: 'error', ...current.error }, delayMs };
    if ('tools' in current) return { answer: { kind: 'message', text: current.text, tools: current.tools }, delayMs };
    if ('tool' in current) {
      return { answer: { kind: 'message', text: current.text, tools: [{ tool: current.tool, input: current.input }] }, delayMs };
    }
    if ('text' in current) return { answer: { kind: 'message', text: current.text, tools: [] }, delayMs };
    throw new Error(`stand-in model: unknown turn shape ${JSON.stringify(current)}`);
  }
  throw new Error('stand-in model: turn functions nested too deeply (100 levels)');
}
