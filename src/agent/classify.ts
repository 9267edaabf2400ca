/**
 * Failure classification of one agent attempt (pure). The kind decides what the runner does
 * (DESIGN.md, "Failures, retries, limits"): transient (API error, rate or usage limit, crash,
 * hang) is retried or waited out; task (max turns, budget) gets a fresh attempt with the failure
 * in its brief; permanent (claude missing, not logged in, invalid key or model) stops the session.
 * Whether the agent's work passes (checks, commits) is the runner's call, not this module's.
 *
 * Result shapes are those of Claude Code 2.1.330 (see stream.ts): an API failure is a result with
 * `subtype: "success"`, `is_error: true`, `terminal_reason: "api_error"`, `api_error_status` and the
 * error text in `result`; max turns `subtype: "error_max_turns"`; budget `"error_max_budget_usd"`.
 */
import { oneLine } from '../util/text.js';
import { formatUsd } from '../util/usd.js';
import { parseRetryAt, retryAfterFromApiRetry } from './reset-time.js';
import type { StreamState } from './stream.js';
import type { AgentFailure, ResultLine } from './types.js';

export interface ClassifyInput {
  result?: ResultLine;
  exitCode: number | null;
  signal?: string;
  killedBy?: 'idle' | 'timeout' | 'abort' | 'stalled';
  /** The spawn failed (the binary could not be started): its error code and message. */
  spawnError?: { code?: string; message: string };
  stderrTail?: string;
  /** The last API error the stream reported (synthetic assistant message). */
  apiError?: StreamState['apiError'];
  /** The last API error the CLI was retrying (system/api_retry), if any. */
  lastApiRetry?: StreamState['lastApiError'];
  idleTimeoutMs?: number;
  absoluteTimeoutMs?: number;
  stallTimeoutMs?: number;
  claudePath?: string;
  now?: Date;
}

const AUTH = /invalid api key|invalid x-api-key|not logged in|please run \/login|\/login\b|authentication[_ ](error|failed)|oauth token (has )?(expired|been revoked)|login required|could not resolve authentication/i;
const BILLING = /credit balance is too low|billing|payment required/i;
const RATE = /rate[_ ]limit|too many requests|\b429\b/i;
const USAGE = /usage limit|limit reached|quota|out of (extra )?usage|weekly limit|session limit/i;
const SERVER = /overloaded|internal server error|server[_ ]error|\bapi_error\b|bad gateway|service unavailable|gateway timeout|\b50[0-9]\b|\b529\b/i;
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|fetch failed|network error|connection error|unable to connect/i;
const MODEL = /model[^.\n]{0,60}(not found|does not exist|not available|invalid|not supported)|invalid model|unknown model/i;

/**
 * Joins error texts with ' · ', each distinct part once: Claude Code repeats the same API error in
 * the result line, its `errors` and the synthetic assistant message ("Invalid API key · Fix external
 * API key" three times), so a plain join would repeat the reason. Parts are split on ' · ' too and
 * compared without case and surrounding whitespace; a part contained in one already kept is dropped.
 */
export function joinDistinct(parts: ReadonlyArray<string | undefined>): string {
  const kept: string[] = [];
  for (const part of parts) {
    for (const piece of (part ?? '').split(' · ')) {
      const p = piece.trim();
      if (!p) continue;
      const key = p.toLowerCase();
      if (kept.some((k) => k.toLowerCase().includes(key))) continue;
      for (let i = kept.length - 1; i >= 0; i--) if (key.includes(kept[i]!.toLowerCase())) kept.splice(i, 1);
      kept.push(p);
    }
  }
  return kept.join(' · ');
}

function lastLine(text: string | undefined): string {
  const lines = (text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/** One line of at most `max` characters (oneLine; 300 by default: messages carry more than summaries). */
function cut(text: string, max = 300): string {
  return oneLine(text, max);
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : ` (${Math.round(ms / 1000)} s)`;
}

/**
 * Classifies an API-side failure from its HTTP status, error names and text. Returns undefined when
 * nothing in it looks like an API, auth or limit problem.
 */
export function classifyApiError(input: { status?: number | null; error?: string; type?: string; text?: string; now?: Date }): AgentFailure | undefined {
  const status = typeof input.status === 'number' ? input.status : undefined;
  const text = joinDistinct([input.text, input.error, input.type]);
  const statusNote = status ? ` (HTTP ${status})` : '';
  const shown = cut(input.text || input.error || input.type || `HTTP ${status}`);
  if (status === 401 || input.error === 'authentication_failed' || input.type === 'authentication_error' || AUTH.test(text)) {
    return { kind: 'permanent', cause: 'auth', message: `Claude Code is not logged in or its API key is invalid${statusNote}: ${shown}. Run \`claude\` and /login, or set a valid ANTHROPIC_API_KEY.` };
  }
  if (BILLING.test(text)) {
    return { kind: 'permanent', cause: 'billing', message: `The API refused for billing reasons${statusNote}: ${shown}` };
  }
  if (status === 403 || input.type === 'permission_error') {
    return { kind: 'permanent', cause: 'auth', message: `The API refused access${statusNote}: ${shown}` };
  }
  if (status === 429 || input.error === 'rate_limit' || input.type === 'rate_limit_error' || RATE.test(text) || USAGE.test(text)) {
    const usage = USAGE.test(text);
    const retryAt = parseRetryAt(text, input.now);
    return {
      kind: 'transient',
      cause: usage ? 'usage-limit' : 'rate-limit',
      message: `${usage ? 'Usage limit reached' : 'API rate limit'}${statusNote}: ${shown}${retryAt ? ` (resets ${retryAt})` : ''}`,
      ...(retryAt ? { retryAt } : {}),
    };
  }
  if ((status === 404 || status === 400 || input.type === 'not_found_error') && MODEL.test(text)) {
    return { kind: 'permanent', cause: 'bad-model', message: `The configured model is not available${statusNote}: ${shown}. Fix agent.model in overnight.config.yaml.` };
  }
  if (status === 529 || input.type === 'overloaded_error' || /overloaded/i.test(text)) {
    return { kind: 'transient', cause: 'overloaded', message: `The API is overloaded${statusNote}: ${shown}` };
  }
  if ((status !== undefined && status >= 500) || input.error === 'server_error' || SERVER.test(text) || NETWORK.test(text)) {
    return { kind: 'transient', cause: 'api-error', message: `API error${statusNote}: ${shown}` };
  }
  if (/prompt is too long|context (window|length)/i.test(text)) {
    return { kind: 'task', cause: 'bad-request', message: `The conversation outgrew the model's context${statusNote}: ${shown}` };
  }
  if (status !== undefined && status >= 400) {
    return { kind: 'transient', cause: 'api-error', message: `API error${statusNote}: ${shown}` };
  }
  return undefined;
}

/**
 * The failure of an attempt, or undefined when it ended with a clean result (`is_error: false`).
 * Order: spawn error (ENOENT/EACCES: permanent, claude missing), killed by the runner (transient,
 * aborted), stopped by the stall watch (stalled: no commit and no tracked file change for
 * the stall timeout), killed by a watchdog (transient, hang), result line (max turns / budget: task; API
 * error: by status and text; other error subtypes: transient), no result line (auth or limit text
 * on stderr, else transient crash).
 */
export function classifyOutcome(input: ClassifyInput): AgentFailure | undefined {
  return withRetryAfter(classifyAttempt(input), input);
}

/**
 * A rate limit whose text gives no reset time waits as long as the 429's `retry-after` header
 * asked, when the CLI passed it on (reset-time.ts retryAfterFromApiRetry): the session pauses until
 * then instead of spending a retry on a limit that has not reset.
 */
function withRetryAfter(failure: AgentFailure | undefined, input: ClassifyInput): AgentFailure | undefined {
  if (!failure || failure.cause !== 'rate-limit' || failure.retryAt) return failure;
  const retryAt = retryAfterFromApiRetry(input.lastApiRetry, input.now ?? new Date());
  return retryAt ? { ...failure, retryAt, message: `${failure.message} (retry-after: until ${retryAt})` } : failure;
}

function classifyAttempt(input: ClassifyInput): AgentFailure | undefined {
  const now = input.now ?? new Date();
  if (input.spawnError) {
    const code = input.spawnError.code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') {
      return {
        kind: 'permanent',
        cause: 'binary-missing',
        message: `The claude binary could not be started (${code}) at ${input.claudePath ?? 'claude'}: install Claude Code (npm i -g @anthropic-ai/claude-code) or set its path.`,
      };
    }
    return { kind: 'transient', cause: 'crash', message: `claude could not be started: ${cut(input.spawnError.message)}` };
  }
  if (input.killedBy === 'abort') {
    return { kind: 'transient', cause: 'aborted', message: 'Stopped by the runner (deadline or shutdown) before the agent finished.' };
  }
  if (input.killedBy === 'idle') {
    return { kind: 'transient', cause: 'hang-idle', message: `Hang: no output and no file change in the worktree for the idle timeout${seconds(input.idleTimeoutMs)}; the process group was killed.` };
  }
  if (input.killedBy === 'stalled') {
    return {
      kind: 'stalled',
      cause: 'stalled',
      message: `Stalled: the agent kept working but made no commit and changed no tracked file for the stall timeout${seconds(input.stallTimeoutMs)}; the process group was killed.`,
    };
  }
  if (input.killedBy === 'timeout') {
    return { kind: 'transient', cause: 'hang-timeout', message: `Hang: the attempt ran past its absolute timeout${seconds(input.absoluteTimeoutMs)}; the process group was killed.` };
  }
  const r = input.result;
  if (r) {
    if (!r.is_error && (r.subtype === 'success' || r.subtype === 'unknown')) return undefined;
    const errors = Array.isArray(r.errors) ? r.errors.filter((e): e is string => typeof e === 'string').join('; ') : '';
    if (r.subtype === 'error_max_turns') {
      return { kind: 'task', cause: 'max-turns', message: `error_max_turns: the agent used all its turns (${r.num_turns}) without finishing${errors ? ` (${errors})` : ''}.` };
    }
    if (r.subtype === 'error_max_budget_usd') {
      return { kind: 'task', cause: 'max-budget', message: `error_max_budget_usd: the agent spent its budget (${formatUsd(r.total_cost_usd)}) without finishing${errors ? ` (${errors})` : ''}.` };
    }
    const text = joinDistinct([typeof r.result === 'string' ? r.result : '', errors, input.apiError?.text]);
    const api = classifyApiError({
      status: (r.api_error_status as number | null | undefined) ?? input.apiError?.status,
      error: input.apiError?.error,
      type: input.apiError?.type,
      text: text || undefined,
      now,
    });
    if (api) return api;
    if (r.subtype === 'success') {
      return { kind: 'transient', cause: 'api-error', message: `The session ended with an error${r.terminal_reason ? ` (${r.terminal_reason})` : ''}: ${cut(text || 'no message')}` };
    }
    return { kind: 'transient', cause: 'execution-error', message: `${r.subtype}: the session stopped with an error${r.terminal_reason ? ` (${r.terminal_reason})` : ''}${text ? `: ${cut(text)}` : ''}.` };
  }
  // No result line: a crash, unless stderr or the stream says why.
  const stderr = input.stderrTail ?? '';
  const fromStderr = input.apiError || input.lastApiRetry || AUTH.test(stderr) || RATE.test(stderr) || USAGE.test(stderr)
    ? classifyApiError({
        status: input.apiError?.status ?? input.lastApiRetry?.status,
        error: input.apiError?.error ?? input.lastApiRetry?.error,
        type: input.apiError?.type,
        text: joinDistinct([input.apiError?.text, stderr]) || undefined,
        now,
      })
    : undefined;
  if (fromStderr && (fromStderr.kind === 'permanent' || fromStderr.cause === 'rate-limit' || fromStderr.cause === 'usage-limit')) return fromStderr;
  const how = input.signal ? `was killed by ${input.signal}` : `exited with code ${input.exitCode ?? 'unknown'}`;
  const tail = lastLine(stderr);
  return { kind: 'transient', cause: 'crash', message: `Crash: claude ${how} without a result line${tail ? `; stderr: ${cut(tail, 200)}` : ''}.` };
}
