/**
 * The JSON Claude Code writes on a hook's stdin, checked by hand (no zod: hooks must start fast).
 * Fields per Claude Code's hook input schema (2.1.x): every event has `session_id`,
 * `transcript_path`, `cwd`, `hook_event_name`; tool events add `tool_name`, `tool_input`,
 * `tool_use_id`; PostToolUse adds `tool_response`; PostToolUseFailure adds `error` and
 * `is_interrupt`; PermissionDenied adds `reason`.
 */

/** A tool event's hook input, with the fields the gates and the audit use. */
export interface HookInput {
  session_id: string;
  transcript_path?: string;
  cwd: string;
  hook_event_name: string;
  tool_name: string;
  tool_input: Record<string, unknown>;
  tool_use_id?: string;
  tool_response?: unknown;
  error?: string;
  is_interrupt?: boolean;
  reason?: string;
  permission_mode?: string;
}

/** Thrown when stdin is not a tool event's hook input; the gates deny on it (fail closed). */
export class HookInputError extends Error {
  override name = 'HookInputError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses stdin text into a HookInput.
 * In: the raw text. Out: the input object (unknown extra fields kept).
 * Throws HookInputError when the text is not JSON, or `cwd`, `hook_event_name`, `tool_name` are
 * not strings, or `tool_input` is not an object. `session_id` defaults to '' when absent.
 */
export function parseHookInput(text: string): HookInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HookInputError(`hook input is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new HookInputError('hook input is not a JSON object');
  for (const field of ['cwd', 'hook_event_name', 'tool_name'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') {
      throw new HookInputError(`hook input field '${field}' is missing or not a string`);
    }
  }
  if (!isRecord(value.tool_input)) throw new HookInputError("hook input field 'tool_input' is missing or not an object");
  if (value.session_id !== undefined && typeof value.session_id !== 'string') {
    throw new HookInputError("hook input field 'session_id' is not a string");
  }
  return { ...(value as unknown as HookInput), session_id: (value.session_id as string | undefined) ?? '' };
}
