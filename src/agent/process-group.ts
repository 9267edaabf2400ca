/**
 * Killing an agent's whole process tree. The agent is spawned detached, so it leads its own
 * process group (pgid = its pid) and everything it starts inherits that group; killing
 * `-pid` reaches them all (kill(2): a negative pid signals the process group). Processes that
 * put themselves in a new group or session (setsid, `detached` spawns) escape that, so on Linux
 * the descendants are also found through /proc (parent pids) and signalled one by one.
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

/** Whether any process of group `pgid` is alive (signal 0 to -pgid). */
export function groupAlive(pgid: number): boolean {
  return sendSignal(-pgid, 0);
}

/** Whether process `pid` is alive (and not a zombie, on Linux). */
export function pidAlive(pid: number): boolean {
  if (!sendSignal(pid, 0)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): signal 0 succeeded
  }
}

/** pid -> [parent pid, process group id] for every process, from /proc (Linux); empty elsewhere. */
function processTable(): Map<number, [number, number]> {
  const table = new Map<number, [number, number]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(e), [Number(rest[1]), Number(rest[2])]);
    } catch {
      /* exited meanwhile */
    }
  }
  return table;
}

/** Every descendant pid of `pid` and every member of its process group (Linux /proc; empty elsewhere). */
export function treePids(pid: number): number[] {
  const table = processTable();
  const found = new Set<number>();
  for (const [p, [, pgrp]] of table) if (pgrp === pid && p !== pid) found.add(p);
  let frontier = [pid, ...found];
  while (frontier.length) {
    const next: number[] = [];
    for (const [p, [ppid]] of table) {
      if (frontier.includes(ppid) && !found.has(p) && p !== pid) {
        found.add(p);
        next.push(p);
      }
    }
    frontier = next;
  }
  return [...found];
}

/**
 * Kills the process group led by `pid` and every descendant: SIGTERM now, SIGKILL after
 * `graceMs` to whatever is still alive. Resolves when nothing of the tree is left alive or after
 * a further second of waiting past the SIGKILL. Never throws.
 */
export async function killTree(pid: number, graceMs = 5000): Promise<void> {
  const known = new Set<number>(treePids(pid));
  known.add(pid);
  sendSignal(-pid, 'SIGTERM');
  for (const p of known) sendSignal(p, 'SIGTERM');
  const alive = () => groupAlive(pid) || [...known].some((p) => pidAlive(p));
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    for (const p of treePids(pid)) known.add(p);
    if (!alive()) return;
    await new Promise((r) => setTimeout(r, Math.min(100, Math.max(10, deadline - Date.now()))));
  }
  for (const p of treePids(pid)) known.add(p);
  sendSignal(-pid, 'SIGKILL');
  for (const p of known) if (pidAlive(p)) sendSignal(p, 'SIGKILL');
  const end = Date.now() + 1000;
  while (Date.now() < end && alive()) await new Promise((r) => setTimeout(r, 20));
}

/** Process groups of agents still running, killed with SIGKILL if the runner itself exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Registers a live agent group so it does not outlive the runner process. */
export function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const g of liveGroups) sendSignal(-g, 'SIGKILL');
    });
  }
}

export function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
}
