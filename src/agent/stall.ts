/**
 * The stall watch (issue 9, item 3; seed 000: "commit-check hooks that fail if no commits in N
 * minutes"): an agent that keeps talking but makes no commit and changes no tracked file for
 * `agent.stall_timeout` is stopped. Distinct from the idle watchdog (run.ts), which ends an agent
 * that produces no output at all: a stalled agent is busy, and the idle watchdog never fires.
 *
 * Progress is read from git, not from file events: the fingerprint of a worktree is its HEAD
 * commit plus, for every tracked file that differs from HEAD (`git diff HEAD --name-only`), its
 * size and modification time. A commit changes HEAD; an edit to a tracked file changes its mtime
 * (or adds it to the list); scratch files, untracked files, build output and git's own index
 * writes change nothing. git runs with `--no-optional-locks` (git(1)) so the probe never writes
 * the index, and with the agent's own environment, so it sees the agent's commits in its own
 * object folder (src/runner/git-objects.ts).
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/** Pure bookkeeping of progress: when the fingerprint last changed. */
export class StallClock {
  private fingerprint: string | undefined;
  private lastProgress: number;

  /** `start`: ms since the epoch the attempt started (counts as progress). */
  constructor(start: number, private readonly timeoutMs: number) {
    this.lastProgress = start;
  }

  /**
   * Records one probe at `now` (ms since the epoch). `fingerprint` undefined means the probe could
   * not read the worktree: that counts as progress (the watch never stops an agent on missing
   * evidence). Returns true when no progress was seen for the stall timeout.
   */
  observe(fingerprint: string | undefined, now: number): boolean {
    if (fingerprint === undefined || fingerprint !== this.fingerprint) {
      // The first reading is the baseline: the attempt's start counts as its last progress.
      if (fingerprint === undefined || this.fingerprint !== undefined) this.lastProgress = now;
      this.fingerprint = fingerprint;
    }
    return now - this.lastProgress >= this.timeoutMs;
  }

  /** ms since the last progress, at `now`. */
  sinceProgress(now: number): number {
    return now - this.lastProgress;
  }
}

/**
 * The progress fingerprint of the worktree at `cwd`: HEAD's commit id and, for each tracked file
 * that differs from HEAD, `path:size:mtimeMs` (`deleted` when it is gone). `env` is the agent's
 * environment (its GIT_OBJECT_DIRECTORY and alternates). Returns undefined when git fails.
 */
export async function progressFingerprint(cwd: string, env: Record<string, string>): Promise<string | undefined> {
  const opts = { cwd, env, extendEnv: false, reject: false, timeout: 30_000 } as const;
  const [head, diff] = await Promise.all([
    execa('git', ['--no-optional-locks', 'rev-parse', 'HEAD'], opts),
    execa('git', ['--no-optional-locks', 'diff', 'HEAD', '--name-only', '-z', '--no-renames'], opts),
  ]);
  if (head.exitCode !== 0 || diff.exitCode !== 0) return undefined;
  const paths = String(diff.stdout).split('\0').filter(Boolean).sort();
  const parts = await Promise.all(
    paths.map(async (p) => {
      try {
        const s = await lstat(join(cwd, p));
        return `${p}:${s.size}:${s.mtimeMs}`;
      } catch {
        return `${p}:deleted`;
      }
    }),
  );
  return [String(head.stdout).trim(), ...parts].join('\n');
}

export interface StallWatchOptions {
  /** The agent's worktree. */
  cwd: string;
  /** The agent's environment, for git (see progressFingerprint). */
  env: Record<string, string>;
  /** Stop after this many ms without a commit or a tracked file change. */
  timeoutMs: number;
  /** Called once, when the agent has stalled. */
  onStall: () => void;
  /** ms between probes; default timeoutMs / 10, between 250 ms and 30 s. */
  pollMs?: number;
  /** Clock (ms since the epoch); default Date.now. */
  now?: () => number;
}

/** A running stall watch. */
export interface StallWatch {
  close(): void;
}

/**
 * Probes the worktree every pollMs (one probe at a time) and calls onStall once when it has seen
 * no progress for timeoutMs. Returns at once. Throws when timeoutMs is not a positive number.
 */
export function watchStall(opts: StallWatchOptions): StallWatch {
  if (!(opts.timeoutMs > 0)) throw new Error(`watchStall: timeoutMs must be positive ms, got ${opts.timeoutMs}`);
  const now = opts.now ?? Date.now;
  const clock = new StallClock(now(), opts.timeoutMs);
  const pollMs = opts.pollMs ?? Math.min(30_000, Math.max(250, Math.floor(opts.timeoutMs / 10)));
  let closed = false;
  let busy = false;
  let fired = false;
  const tick = async () => {
    if (closed || busy || fired) return;
    busy = true;
    try {
      const fp = await progressFingerprint(opts.cwd, opts.env).catch(() => undefined);
      if (!closed && clock.observe(fp, now()) && !fired) {
        fired = true;
        opts.onStall();
      }
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), pollMs);
  timer.unref();
  return {
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
