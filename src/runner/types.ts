import type { AgentRunOptions } from '../agent/types.js';

/**
 * The part of an agent attempt's outcome the runner reads. It is structurally a subset of
 * `AgentOutcome` from src/agent/run.ts (the claude -p adapter), so the adapter's result can be
 * passed as is, and the pure runner logic (judge, transitions) does not depend on the adapter.
 */
export interface AgentResultLine {
  subtype?: string;
  is_error?: boolean;
  num_turns?: number;
  total_cost_usd?: number;
  [key: string]: unknown;
}

export type AgentCompletion = { kind: 'complete' } | { kind: 'blocked'; reason: string } | { kind: 'none' };

export interface AgentFailure {
  kind: 'transient' | 'task' | 'permanent' | 'stalled';
  message: string;
  /** ISO time a rate or usage limit resets. */
  retryAt?: string;
}

export interface AgentOutcomeLike {
  result?: AgentResultLine;
  exitCode: number | null;
  signal?: string | null;
  killedBy?: 'idle' | 'timeout' | 'abort' | 'stalled';
  completion: AgentCompletion;
  learnings?: string;
  turns: number;
  costUsd: number;
  failure?: AgentFailure;
  lastText?: string;
  stderrTail?: string;
  durationMs?: number;
  /** The agent never started (src/agent/types.ts AgentOutcome.neverStarted). */
  neverStarted?: boolean;
}

/** What the runner passes to the agent adapter: runAgent's own options (src/agent/types.ts). */
export type RunAgentOptions = AgentRunOptions;

/** The agent function the night loop calls (the real one is runAgent from src/agent/run.ts; tests inject a fake). */
export type RunAgentFn = (opts: RunAgentOptions) => Promise<AgentOutcomeLike>;
