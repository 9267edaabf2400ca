/**
 * Agents that outlive their runner. A runner killed with SIGKILL (kill -9, the out-of-memory
 * killer, a crash) cannot stop its `claude -p` agents: they and the commands they started keep
 * running, re-parented to init, in process groups of their own (Claude Code runs each Bash command
 * in a new session). Before `resume` starts new agents, and before `abandon` removes worktrees,
 * every process of the session's earlier runs is found and stopped.
 *
 * How they are found: each run of the runner draws a token, records it (with its pid) in the
 * session's `runners.jsonl`, and puts it in every agent's environment as OVERNIGHT_RUN_TOKEN;
 * every process an agent starts inherits it. The environment of a process is readable in
 * /proc/<pid>/environ on Linux and through `ps -E` on macOS (src/agent/process-group.ts
 * findMarkedProcesses), even after its parent died. Libraries that list or kill process trees
 * (ps-list, tree-kill, ps-tree) walk parent pids, which orphans no longer have, and read no
 * environments, so they cannot find these.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopMarkedProcesses } from '../agent/process-group.js';
import { sessionDir } from '../session/paths.js';

/** The environment variable that marks every process of one run of the runner. */
export const RUN_TOKEN_ENV = 'OVERNIGHT_RUN_TOKEN';

/** The session's record of its runs: one JSON line per run, `{ ts, pid, token }`. */
export function runnersFile(repoRoot: string, sessionId: string): string {
  return join(sessionDir(repoRoot, sessionId), 'runners.jsonl');
}

/**
 * Draws a new run token and appends `{ ts, pid, token }` to runners.jsonl (before any agent of
 * the run starts, so a run that dies at once is still on record). Returns the token.
 * Throws when the session folder cannot be written.
 */
export function recordRun(repoRoot: string, sessionId: string, pid: number = process.pid, now: Date = new Date()): string {
  const token = randomUUID();
  appendFileSync(runnersFile(repoRoot, sessionId), `${JSON.stringify({ ts: now.toISOString(), pid, token })}\n`);
  return token;
}

/** Every run token recorded for the session (unreadable lines are skipped); empty when none. */
export function recordedRunTokens(repoRoot: string, sessionId: string): string[] {
  const file = runnersFile(repoRoot, sessionId);
  if (!existsSync(file)) return [];
  const tokens: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as { token?: unknown };
      if (typeof v.token === 'string' && v.token) tokens.push(v.token);
    } catch {
      /* a torn last line of a killed runner */
    }
  }
  return tokens;
}

/**
 * Stops every process that carries a run token of this session's earlier runs (all runs recorded
 * so far; call it before recording the new run). SIGTERM, then SIGKILL after `graceMs` (ms).
 * Returns the pids stopped and those that needed SIGKILL. Never throws for a process that is gone
 * or not ours.
 */
export async function stopEarlierRuns(repoRoot: string, sessionId: string, opts: { graceMs?: number } = {}): Promise<{ stopped: number[]; killed: number[] }> {
  const tokens = new Set(recordedRunTokens(repoRoot, sessionId));
  return stopMarkedProcesses(RUN_TOKEN_ENV, tokens, opts.graceMs ?? 5000);
}
