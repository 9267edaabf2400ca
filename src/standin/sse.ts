/**
 * Encoding one assistant answer the way the Anthropic Messages API streams it (server-sent events),
 * which is what Claude Code reads. Event order, per the Messages API streaming docs
 * (https://docs.anthropic.com/en/api/messages-streaming):
 *   message_start (message with empty content and usage)
 *   per content block: content_block_start, content_block_delta (text_delta | input_json_delta), content_block_stop
 *   message_delta (stop_reason, usage.output_tokens), message_stop
 */
import { randomBytes } from 'node:crypto';

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export type ContentBlock = TextBlock | ToolUseBlock;

/** Token counts as the Messages API reports them. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** A complete assistant message, as a non-streaming response returns it. */
export interface AssistantMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: 'end_turn' | 'tool_use';
  stop_sequence: null;
  usage: Usage;
}

/** A random id with an Anthropic-style prefix (`msg_...`, `toolu_...`). */
export function newId(prefix: 'msg' | 'toolu'): string {
  return `${prefix}_standin${randomBytes(9).toString('hex')}`;
}

/** Rough token count of a text: one token per four characters, at least 1. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * Builds the assistant message for an answer: an optional text block, then one tool_use block per
 * tool (fresh `toolu_` ids). stop_reason is `tool_use` when there is a tool, else `end_turn`.
 * Usage: `inputTokens` as given (the server estimates it from the request), output tokens estimated
 * from the content; both are non-zero so Claude Code computes a non-zero cost.
 */
export function buildMessage(opts: {
  model: string;
  text?: string;
  tools?: Array<{ tool: string; input: Record<string, unknown> }>;
  inputTokens: number;
}): AssistantMessage {
  const content: ContentBlock[] = [];
  if (opts.text !== undefined && opts.text !== '') content.push({ type: 'text', text: opts.text });
  for (const t of opts.tools ?? []) content.push({ type: 'tool_use', id: newId('toolu'), name: t.tool, input: t.input });
  if (content.length === 0) content.push({ type: 'text', text: '' });
  const outputTokens = estimateTokens(JSON.stringify(content));
  return {
    id: newId('msg'),
    type: 'message',
    role: 'assistant',
    model: opts.model,
    content,
    stop_reason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: Math.max(1, Math.round(opts.inputTokens)),
      output_tokens: outputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

/** One server-sent event: `event: <type>\ndata: <json>\n\n`. */
export function sseEvent(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Splits text into pieces of at most `size` characters (at least one piece, possibly empty). */
export function chunk(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

/**
 * The SSE events that stream `message`, in order, each a complete `event:`/`data:` frame.
 * Text is sent as text_delta pieces, tool input as input_json_delta pieces of its JSON
 * (`partial_json`), so the client has to reassemble them as it does with the real API.
 * `chunkSize` (characters per delta, default 64) exists for tests.
 */
export function encodeMessageEvents(message: AssistantMessage, chunkSize = 64): string[] {
  const events: string[] = [];
  events.push(
    sseEvent('message_start', {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        usage: { ...message.usage, output_tokens: 1 },
      },
    }),
  );
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      for (const piece of chunk(block.text, chunkSize)) {
        events.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }));
      }
    } else {
      events.push(
        sseEvent('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
      );
      for (const piece of chunk(JSON.stringify(block.input), chunkSize)) {
        events.push(
          sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }),
        );
      }
    }
    events.push(sseEvent('content_block_stop', { type: 'content_block_stop', index }));
  });
  events.push(
    sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: { output_tokens: message.usage.output_tokens },
    }),
  );
  events.push(sseEvent('message_stop', { type: 'message_stop' }));
  return events;
}

/** Parses an SSE stream back into `{ event, data }` records (for tests and debugging). */
export function parseSse(stream: string): Array<{ event: string; data: any }> {
  const out: Array<{ event: string; data: any }> = [];
  for (const frame of stream.split('\n\n')) {
    if (frame.trim() === '') continue;
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    out.push({ event, data: data.length ? JSON.parse(data.join('\n')) : undefined });
  }
  return out;
}
