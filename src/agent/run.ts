/**
 * One agent attempt: `claude -p` in the item's worktree, under watchdogs, with its whole process
 * group owned by the runner (DESIGN.md, "One item, one fresh agent session").
 *
 * - spawned with execa 9, `detached: true` (the child leads its own process group), stdin closed
 *   (`'ignore'`), `reject: false`, `buffer: false`: stdout is read line by line as it arrives;
 * - every stdout line is appended to the transcript file as it arrives, stderr to stderrFile;
 * - idle watchdog: no stdout line and no file change in the worktree (worktree-watch.ts) for
 *   idleTimeoutMs -> the group is killed, killedBy 'idle';
 * - absolute watchdog: absoluteTimeoutMs after spawn -> killed, killedBy 'timeout';
 * - stall watch (stall.ts), when stallTimeoutMs is given: no commit and no tracked file change for
 *   stallTimeoutMs, however much the agent talks -> killed, killedBy 'stalled';
 * - the runner's AbortSignal -> killed, killedBy 'abort';
 * - killing = SIGTERM to the group (and descendants that left it), SIGKILL after killGraceMs;
 * - when claude exits on its own, whatever it left running in its group is killed too;
 * - no result line is a failure (transient crash), not a hang.
 */
import { withoutSecrets } from '../safety/sandbox.js';
import { accessSync, constants as fsConstants, createWriteStream, existsSync, mkdirSync, readFileSync, statSync, type WriteStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { buildClaudeArgs } from './args.js';
import { classifyOutcome } from './classify.js';
import { extractCompletion, extractLearnings } from './completion.js';
import { AGENT_RUN_ENV, ProcessTree, trackTree, untrackTree } from './process-group.js';
import { applyStreamLine, newStreamState } from './stream.js';
import type { AgentActivity, AgentOutcome, AgentRunOptions } from './types.js';
import { watchStall } from './stall.js';
import { watchWorktree } from './worktree-watch.js';

export type { AgentRunOptions } from './types.js';

/** Lines of stderr kept for the outcome. */
const STDERR_LINES = 40;
/** Characters of the last assistant text kept for the outcome (the end is kept). */
const LAST_TEXT_CHARS = 2000;

/**
 * Variables of the runner's own environment a child claude must not inherit: they mark a nested
 * Claude Code session or point at the parent session's plugin and project (when the runner was
 * started from the /overnight skill inside Claude Code). Auth and config variables stay.
 */
export const STRIPPED_ENV = [
  'CLAUDECODE',
  'CLAUDE_CODE_ENTRYPOINT',
  'CLAUDE_PROJECT_DIR',
  'CLAUDE_PLUGIN_ROOT',
  'CLAUDE_PLUGIN_DATA',
  'CLAUDE_ENV_FILE',
  'CLAUDE_CODE_SSE_PORT',
];

/**
 * The environment of the child: process.env (unless inheritEnv false) minus STRIPPED_ENV and minus
 * every credential variable (src/safety/sandbox.ts withoutSecrets, with opts.secretEnv), then
 * opts.env. The runner keeps the credentials for its own push and pull request; an agent never
 * sees them, with or without the OS sandbox.
 */
export function agentEnv(opts: Pick<AgentRunOptions, 'env' | 'inheritEnv' | 'secretEnv'>): Record<string, string> {
  const env: Record<string, string> = {};
  if (opts.inheritEnv !== false) {
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !STRIPPED_ENV.includes(k)) env[k] = v;
  }
  return { ...withoutSecrets(env, opts.secretEnv), ...(opts.env ?? {}) };
}

/**
 * What is wrong with the plugin dir or the settings file, or undefined: the plugin dir must hold
 * `.claude-plugin/plugin.json` (or be a .zip) and the settings file must exist and be a JSON
 * object (or be inline JSON), since Claude Code would otherwise run without the hooks or the deny
 * rules and say nothing.
 */
export function checkSetup(opts: Pick<AgentRunOptions, 'pluginDir' | 'settingsFile'>): string | undefined {
  if (!opts.pluginDir.endsWith('.zip') && !existsSync(join(opts.pluginDir, '.claude-plugin', 'plugin.json'))) {
    return `The plugin dir ${opts.pluginDir} has no .claude-plugin/plugin.json, so the safety hooks would not load. Reinstall overnight or fix its path.`;
  }
  if (opts.pluginDir.endsWith('.zip') && !existsSync(opts.pluginDir)) return `The plugin archive ${opts.pluginDir} does not exist.`;
  const inline = opts.settingsFile.trim().startsWith('{');
  let text = opts.settingsFile;
  if (!inline) {
    try {
      text = readFileSync(opts.settingsFile, 'utf8');
    } catch {
      return `The agent settings file ${opts.settingsFile} cannot be read, so the permission deny rules would not load.`;
    }
  }
  try {
    const v = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
  } catch {
    return `The agent settings ${inline ? '(inline JSON)' : `file ${opts.settingsFile}`} is not a JSON object; Claude Code would ignore it and its deny rules.`;
  }
  return undefined;
}

function tail(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `…${t.slice(-(max - 1))}` : t;
}

function closeStream(s: WriteStream | undefined): Promise<void> {
  if (!s) return Promise.resolve();
  return new Promise((resolve) => {
    s.end(() => resolve());
    s.once('error', () => resolve());
  });
}

/**
 * Runs one agent attempt and resolves with its outcome when the process group is gone.
 * Never rejects for agent failures (a missing binary, a crash, a hang, an API error: all come back
 * as `outcome.failure`). Rejects (throws) only on programmer error: invalid options (see
 * buildClaudeArgs), a cwd that is not a directory, timeouts that are not positive, or a
 * transcript folder that cannot be created.
 */
export async function runAgent(opts: AgentRunOptions): Promise<AgentOutcome> {
  const args = buildClaudeArgs(opts);
  if (!(opts.idleTimeoutMs > 0) || !(opts.absoluteTimeoutMs > 0)) {
    throw new Error(`runAgent: idleTimeoutMs and absoluteTimeoutMs must be positive ms, got ${opts.idleTimeoutMs} and ${opts.absoluteTimeoutMs}`);
  }
  if (opts.stallTimeoutMs !== undefined && !(opts.stallTimeoutMs > 0)) {
    throw new Error(`runAgent: stallTimeoutMs must be positive ms when given, got ${opts.stallTimeoutMs}`);
  }
  let cwdIsDir = false;
  try {
    cwdIsDir = statSync(opts.cwd).isDirectory();
  } catch {
    /* reported below */
  }
  if (!cwdIsDir) throw new Error(`runAgent: cwd ${opts.cwd} is not a directory (the item's worktree must exist)`);
  mkdirSync(dirname(opts.transcriptFile), { recursive: true });
  if (opts.stderrFile) mkdirSync(dirname(opts.stderrFile), { recursive: true });

  const started = Date.now();
  const graceMs = opts.killGraceMs ?? 5000;
  const state = newStreamState();
  const stderrLines: string[] = [];
  const emit = (acts: AgentActivity[]) => {
    if (!opts.onActivity) return;
    for (const a of acts) {
      try {
        opts.onActivity(a);
      } catch {
        /* a status writer failing must not end the attempt */
      }
    }
  };
  let pid: number | undefined;
  const finish = (partial: Pick<AgentOutcome, 'exitCode' | 'signal' | 'killedBy'> & { spawnError?: { code?: string; message: string }; setupProblem?: string }): AgentOutcome => {
    const stderrTail = stderrLines.slice(-STDERR_LINES).join('\n');
    const finalText = (state.result?.is_error === false && typeof state.result.result === 'string' ? state.result.result : '') || state.lastText;
    const failure = partial.setupProblem ? { kind: 'permanent' as const, cause: 'bad-setup', message: partial.setupProblem } : classifyOutcome({
      result: state.result,
      exitCode: partial.exitCode,
      signal: partial.signal,
      killedBy: partial.killedBy,
      spawnError: partial.spawnError,
      stderrTail,
      apiError: state.apiError,
      lastApiRetry: state.lastApiError,
      idleTimeoutMs: opts.idleTimeoutMs,
      absoluteTimeoutMs: opts.absoluteTimeoutMs,
      stallTimeoutMs: opts.stallTimeoutMs,
      claudePath: opts.claudePath,
    });
    const learnings = extractLearnings(finalText);
    return {
      ...(state.result ? { result: state.result } : {}),
      exitCode: partial.exitCode,
      ...(partial.signal ? { signal: partial.signal } : {}),
      ...(partial.killedBy ? { killedBy: partial.killedBy } : {}),
      completion: extractCompletion(finalText),
      ...(learnings ? { learnings } : {}),
      turns: state.turns,
      costUsd: state.costUsd,
      ...(failure ? { failure } : {}),
      lastText: tail(state.lastText, LAST_TEXT_CHARS),
      stderrTail,
      durationMs: Date.now() - started,
      ...(state.sessionId ? { sessionId: state.sessionId } : {}),
      toolCalls: state.toolCalls,
      ...(pid !== undefined ? { pid } : {}),
      ...(pid === undefined || partial.spawnError ? { neverStarted: true } : {}),
    };
  };

  // A path that is plainly missing or not executable is a permanent failure, found before spawning.
  if (isAbsolute(opts.claudePath)) {
    try {
      accessSync(opts.claudePath, fsConstants.X_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'ENOENT';
      return finish({ exitCode: null, spawnError: { code, message: String((error as Error).message) } });
    }
  }
  // The safety layers must load: Claude Code ignores a plugin dir without a manifest, and a
  // settings file that is missing or invalid, without failing ("silently ignored" in -p mode).
  const setupProblem = checkSetup(opts);
  if (setupProblem) return finish({ exitCode: null, setupProblem });
  if (opts.signal?.aborted) return finish({ exitCode: null, killedBy: 'abort' });

  const transcript = createWriteStream(opts.transcriptFile, { flags: 'a' });
  transcript.on('error', () => {}); // a full disk must not crash the runner; the outcome still comes back
  const stderrOut = opts.stderrFile ? createWriteStream(opts.stderrFile, { flags: 'a' }) : undefined;
  stderrOut?.on('error', () => {});

  // Every process of this attempt inherits this mark, so orphans in other sessions can be found and killed.
  const runToken = randomUUID();
  const childEnv = agentEnv(opts);
  const child = execa(opts.claudePath, args, {
    cwd: opts.cwd,
    env: { ...childEnv, [AGENT_RUN_ENV]: runToken },
    extendEnv: false,
    detached: true,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    reject: false,
    buffer: false,
    cleanup: false, // detached children are not cleaned up by execa anyway; see trackGroup
    forceKillAfterDelay: graceMs,
  });
  pid = child.pid;
  const tree = pid !== undefined ? new ProcessTree(pid, runToken) : undefined;
  if (tree) trackTree(tree);

  let lastActivity = Date.now();
  const touch = () => {
    lastActivity = Date.now();
  };
  let killedBy: AgentOutcome['killedBy'];
  let killing: Promise<void> | undefined;
  let exited = false;
  const kill = (why: NonNullable<AgentOutcome['killedBy']>) => {
    if (killing || exited || !tree) return;
    killedBy = why;
    killing = tree.kill(graceMs);
  };
  // claude has exited: whatever it left behind in its group (a dev server, a stuck test) goes too,
  // at once, since pipes such leftovers hold open would keep stdout (and the attempt) open.
  child.once('exit', () => {
    exited = true;
    if (!killing && tree) killing = tree.kill(Math.min(graceMs, 1000));
  });

  const watcher = watchWorktree(opts.cwd, touch);
  // Each tick also records the agent's descendants (Bash commands run in their own process groups).
  const idleTimer = setInterval(() => {
    if (!exited) tree?.scan();
    if (Date.now() - lastActivity >= opts.idleTimeoutMs) kill('idle');
  }, Math.max(50, Math.min(1000, Math.floor(opts.idleTimeoutMs / 10))));
  const absoluteTimer = setTimeout(() => kill('timeout'), opts.absoluteTimeoutMs);
  const stall = opts.stallTimeoutMs ? watchStall({ cwd: opts.cwd, env: childEnv, timeoutMs: opts.stallTimeoutMs, onStall: () => kill('stalled') }) : undefined;
  const onAbort = () => kill('abort');
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const stdoutDone = new Promise<void>((resolve) => {
    if (!child.stdout) return resolve();
    const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
    rl.on('line', (line) => {
      touch();
      transcript.write(`${line}\n`);
      emit(applyStreamLine(state, line));
    });
    rl.on('close', () => resolve());
  });
  const stderrDone = new Promise<void>((resolve) => {
    if (!child.stderr) return resolve();
    const rl = createInterface({ input: child.stderr, crlfDelay: Infinity });
    rl.on('line', (line) => {
      stderrOut?.write(`${line}\n`);
      stderrLines.push(line);
      if (stderrLines.length > STDERR_LINES * 2) stderrLines.splice(0, stderrLines.length - STDERR_LINES);
    });
    rl.on('close', () => resolve());
  });

  const result = await child;
  if (tree) {
    await (killing ?? tree.kill(Math.min(graceMs, 1000)));
    untrackTree(tree);
  }
  await Promise.all([stdoutDone, stderrDone]);
  clearInterval(idleTimer);
  clearTimeout(absoluteTimer);
  stall?.close();
  opts.signal?.removeEventListener('abort', onAbort);
  watcher.close();
  await Promise.all([closeStream(transcript), closeStream(stderrOut)]);

  const spawnFailed = result.failed && result.exitCode === undefined && result.signal === undefined && !killedBy;
  const code = (result as { code?: string }).code ?? ((result as { cause?: { code?: string } }).cause?.code);
  return finish({
    exitCode: result.exitCode ?? null,
    ...(result.signal ? { signal: result.signal } : {}),
    ...(killedBy ? { killedBy } : {}),
    ...(spawnFailed ? { spawnError: { code, message: result.shortMessage ?? result.message ?? 'spawn failed' } } : {}),
  });
}
