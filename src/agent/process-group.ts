/**
 * Owning an agent's whole process tree. The agent is spawned detached, so it leads its own
 * process group (pgid = its pid) and what it starts inherits that group; `kill(-pid)` reaches
 * them all (kill(2)). But Claude Code 2.1.330 runs each Bash tool command in a NEW session and
 * process group (`bash -c ...` with its own pgid, measured: see docs/architecture.md), so a group
 * kill alone misses them, and once claude exits (or the shell that started a background job
 * exits) they are re-parented to init. So a ProcessTree finds the agent's processes on Linux in two
 * more ways: (1) every process it starts inherits a unique environment variable
 * (`OVERNIGHT_AGENT_RUN=<token>`), which /proc/<pid>/environ shows even for orphans in other
 * sessions; (2) a scan of parent pids while the agent runs, for children that cleared their
 * environment. Each is remembered by pid and start time, so a reused pid is never signalled.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Sends `signal` to a pid or group; false when it does not exist (ESRCH) or may not be signalled. */
export function sendSignal(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process of group `pgid` exists (signal 0 to -pgid; zombies count until reaped). */
export function groupAlive(pgid: number): boolean {
  return sendSignal(-pgid, 0);
}

interface ProcInfo {
  ppid: number;
  pgrp: number;
  /** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot; identifies a process with its pid. */
  start: string;
  zombie: boolean;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    //  cutime cstime priority nice threads itrealvalue starttime ...": comm may hold spaces and
    // parentheses, so split after the last ')'. rest[0] is the state (field 3).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), pgrp: Number(rest[2]), start: rest[19] ?? '', zombie: rest[0] === 'Z' };
  } catch {
    return undefined;
  }
}

/** Whether process `pid` is alive and not a zombie (on Linux; elsewhere: signal 0 succeeds). */
export function pidAlive(pid: number): boolean {
  if (!sendSignal(pid, 0)) return false;
  const info = readProc(pid);
  return info ? !info.zombie : true;
}

/** Every process from /proc (Linux); empty elsewhere. */
function processTable(): Map<number, ProcInfo> {
  const table = new Map<number, ProcInfo>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const info = readProc(Number(e));
    if (info) table.set(Number(e), info);
  }
  return table;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Name of the environment variable that marks every process of one agent attempt. */
export const AGENT_RUN_ENV = 'OVERNIGHT_AGENT_RUN';

/** The process tree of one agent: its group, and every descendant seen while it ran. */
export class ProcessTree {
  /** pid -> start time of descendants seen so far. */
  private readonly known = new Map<number, string>();

  /**
   * `pid`: the agent's pid, which is also its process group id (spawned detached).
   * `token`: the value of AGENT_RUN_ENV given to the agent's environment, if any.
   */
  constructor(
    readonly pid: number,
    readonly token?: string,
  ) {}

  /** Records every process whose environment carries this tree's token (one pass over /proc/<pid>/environ). */
  scanMarked(): void {
    if (!this.token) return;
    const needle = `${AGENT_RUN_ENV}=${this.token}`;
    let entries: string[];
    try {
      entries = readdirSync('/proc');
    } catch {
      return;
    }
    for (const e of entries) {
      if (!/^\d+$/.test(e)) continue;
      const p = Number(e);
      if (p === this.pid || p === process.pid || this.known.has(p)) continue;
      let environ: string;
      try {
        environ = readFileSync(`/proc/${e}/environ`, 'latin1');
      } catch {
        continue; // another user's process, or gone
      }
      if (!environ.split('\0').includes(needle)) continue;
      const info = readProc(p);
      if (info && !info.zombie) this.known.set(p, info.start);
    }
  }

  /**
   * Records the current descendants of the agent (and of descendants seen before, which may have
   * been re-parented since) and the members of its group. Cheap: one pass over /proc. Call it
   * every second or so while the agent runs, and right before killing.
   */
  scan(): void {
    const table = processTable();
    const roots = new Set<number>([this.pid]);
    for (const [p, start] of this.known) if (table.get(p)?.start === start) roots.add(p);
    for (const [p, info] of table) {
      if (info.pgrp === this.pid && p !== this.pid && !info.zombie) this.known.set(p, info.start);
    }
    let frontier = [...roots];
    while (frontier.length) {
      const parents = new Set(frontier);
      frontier = [];
      for (const [p, info] of table) {
        if (parents.has(info.ppid) && p !== this.pid && !this.known.has(p) && !info.zombie) {
          this.known.set(p, info.start);
          frontier.push(p);
        }
      }
    }
  }

  /** Descendants seen so far that still run (same pid AND start time). */
  liveDescendants(): number[] {
    const out: number[] = [];
    for (const [p, start] of this.known) {
      const info = readProc(p);
      if (info ? info.start === start && !info.zombie : false) out.push(p);
      else this.known.delete(p);
    }
    return out;
  }

  /** Whether anything of the tree is still alive (the group, or a descendant seen). */
  alive(): boolean {
    return groupAlive(this.pid) || this.liveDescendants().length > 0;
  }

  private signalAll(signal: NodeJS.Signals): void {
    sendSignal(-this.pid, signal);
    for (const p of this.liveDescendants()) sendSignal(p, signal);
  }

  /**
   * Kills the tree: SIGTERM to the group and every live descendant, then SIGKILL after `graceMs`
   * to whatever is left. Resolves when nothing is left alive, or one second after the SIGKILL.
   * Never throws.
   */
  async kill(graceMs = 5000): Promise<void> {
    this.scan();
    this.scanMarked();
    this.signalAll('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      this.scan(); // a dying process may still spawn (a shell trap)
      if (!this.alive()) return;
      await sleep(Math.min(100, Math.max(10, deadline - Date.now())));
    }
    this.scan();
    this.scanMarked();
    this.signalAll('SIGKILL');
    const end = Date.now() + 1000;
    while (Date.now() < end && this.alive()) await sleep(20);
  }
}

/** Trees of agents still running, killed with SIGKILL if the runner process itself exits. */
const liveTrees = new Set<ProcessTree>();
let exitHookInstalled = false;

/** Registers a running agent's tree so it does not outlive the runner process. */
export function trackTree(tree: ProcessTree): void {
  liveTrees.add(tree);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const t of liveTrees) {
        sendSignal(-t.pid, 'SIGKILL');
        for (const p of t.liveDescendants()) sendSignal(p, 'SIGKILL');
      }
    });
  }
}

/** Stops tracking `tree` (its attempt is over): the exit hook of trackTree no longer kills it. */
export function untrackTree(tree: ProcessTree): void {
  liveTrees.delete(tree);
}
