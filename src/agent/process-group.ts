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
import { execFileSync } from 'node:child_process';
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

/** A process found by an environment mark: its pid, its start time (Linux; '' elsewhere) and the mark's value. */
export interface MarkedProcess {
  pid: number;
  start: string;
  value: string;
}

/**
 * Every live process (not a zombie) whose environment holds `name=<one of values>`, except the pids
 * in `exclude` (default: this process). Linux: one pass over /proc/<pid>/environ (the environment a
 * process started with; readable for the same user, and for all as root). Elsewhere (macOS, BSD):
 * `ps -E -ww -ax -o pid=,command=`, which appends each process's environment to its command for
 * the user's own processes (ps(1)). Never throws: an unreadable process is skipped.
 */
export function findMarkedProcesses(name: string, values: ReadonlySet<string>, exclude: ReadonlySet<number> = new Set([process.pid])): MarkedProcess[] {
  if (values.size === 0) return [];
  const out: MarkedProcess[] = [];
  let entries: string[] | undefined;
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    entries = undefined;
  }
  if (entries && entries.length > 0) {
    const prefix = `${name}=`;
    for (const e of entries) {
      const pid = Number(e);
      if (exclude.has(pid)) continue;
      let environ: string;
      try {
        environ = readFileSync(`/proc/${e}/environ`, 'latin1');
      } catch {
        continue; // another user's process, or gone
      }
      const entry = environ.split('\0').find((kv) => kv.startsWith(prefix) && values.has(kv.slice(prefix.length)));
      if (!entry) continue;
      const info = readProc(pid);
      if (info && !info.zombie) out.push({ pid, start: info.start, value: entry.slice(prefix.length) });
    }
    return out;
  }
  let listing = '';
  try {
    listing = execFileSync('ps', ['-E', '-ww', '-ax', '-o', 'pid=,command='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return out;
  }
  for (const line of listing.split('\n')) {
    const m = /^\s*(\d+)\s(.*)$/.exec(line);
    if (!m || exclude.has(Number(m[1]))) continue;
    for (const v of values) {
      if (m[2]!.includes(`${name}=${v}`)) {
        out.push({ pid: Number(m[1]), start: '', value: v });
        break;
      }
    }
  }
  return out;
}

/**
 * Stops every process whose environment holds `name=<one of values>` (findMarkedProcesses):
 * SIGTERM, then SIGKILL after `graceMs` to whatever still carries the mark, then waits up to a
 * second more. The mark is read again before each signal, so a pid reused by an unrelated process
 * is never signalled. Returns the pids signalled, and those that needed SIGKILL. Never throws.
 */
export async function stopMarkedProcesses(name: string, values: ReadonlySet<string>, graceMs = 5000): Promise<{ stopped: number[]; killed: number[] }> {
  const first = findMarkedProcesses(name, values);
  const stopped = first.map((p) => p.pid);
  if (first.length === 0) return { stopped, killed: [] };
  for (const p of first) sendSignal(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = findMarkedProcesses(name, values);
  while (left.length > 0 && Date.now() < deadline) {
    // A process started since (a shell trap, a restart) gets its SIGTERM too.
    for (const p of left) if (!stopped.includes(p.pid)) {
      stopped.push(p.pid);
      sendSignal(p.pid, 'SIGTERM');
    }
    await sleep(25);
    left = findMarkedProcesses(name, values);
  }
  const killed = left.map((p) => p.pid);
  for (const p of left) {
    if (!stopped.includes(p.pid)) stopped.push(p.pid);
    sendSignal(p.pid, 'SIGKILL');
  }
  const end = Date.now() + 1000;
  while (Date.now() < end && findMarkedProcesses(name, values).length > 0) await sleep(50);
  return { stopped, killed };
}

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

  /** Records every process whose environment carries this tree's token (findMarkedProcesses). */
  scanMarked(): void {
    if (!this.token) return;
    for (const p of findMarkedProcesses(AGENT_RUN_ENV, new Set([this.token]), new Set([this.pid, process.pid]))) {
      if (!this.known.has(p.pid)) this.known.set(p.pid, p.start);
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
