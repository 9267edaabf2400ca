/**
 * `overnight status`: what the night is doing now (DESIGN.md, "Morning report": progress per item,
 * elapsed time, cost so far, current activity), and after the night the report's summary.
 * Pure: the command reads the files, checks the runner's pid and passes the facts in.
 */
import { loopLines, loopReport, type LoopReport } from './loop.js';
import { reviewFact, reviewLine } from './review.js';
import { memorySentence } from '../memory/summary.js';
import { UNCONTAINED_NOTICE } from '../safety/sandbox.js';
import { itemRef } from '../backlog/filename.js';
import { formatDuration } from '../util/duration.js';
import { formatUsd } from '../util/usd.js';
import { INTEGRATION_MOVED, ITEM_STATUSES_ENDED_TONIGHT, ITEM_STATUSES_SETTLED, STOP_REASON_SIGNAL, type ItemRunStatus, type MemoryRecord, type SessionEvent, type SessionManifest, type SessionPhase, type SessionState, type WakeUp } from '../session/state.js';
import { historyLines, isoMs, sumAttempts } from './attempts.js';
import { conflictLines } from './conflict-text.js';
import { headline, summaryLines } from './render.js';
import type { MorningReport } from './types.js';
import { baselineSummaryLine, checksBaselineFacts, type ChecksBaselineFacts } from './checks-baseline.js';
import type { RatchetFile } from '../ratchet/types.js';

/** Session phases in which the night is not over: the runner is working, waiting or should be started. */
export const ACTIVE_PHASES: readonly SessionPhase[] = ['launched', 'scheduled', 'running', 'paused'];

export interface StatusItem {
  id: number;
  slug: string;
  title: string;
  status: ItemRunStatus;
  /** True for an item loop mode added after launch. */
  addedInLoop?: boolean;
  /** Number of the current or last attempt (0 before the first). */
  attempt: number;
  /** Time since the item started (to its end once settled), ms. */
  elapsedMs?: number;
  turns: number;
  costUsd: number;
  /** Latest thing the agent did, and when (ISO). */
  activity?: string;
  /** The merge commit on the integration branch, once merged. */
  mergeCommit?: string;
  activityAt?: string;
  reason?: string;
  /** Its attempts across runs (the night, each `overnight retry`), one line per run; empty for one run. */
  history: string[];
  /** Its merge conflicts, one line per attempt that ran into one (src/runner/conflict.ts conflictLines). */
  conflicts: string[];
  /** Its last review pass in one line (src/report/review.ts reviewLine), when one ran. */
  review?: string;
}

export interface StatusView {
  sessionId: string;
  phase: SessionPhase;
  /** True while the night is not over (launched, scheduled, running, paused). */
  active: boolean;
  runner: { pid?: number; alive: boolean };
  /** The OS sandbox the agents run in (session.json `sandbox`); `off` is said in plain words. */
  sandbox: 'on' | 'off';
  /** Set when something needs a person: a dead runner, a pause. */
  notice?: string;
  progress: { settled: number; total: number; running: number; shipped: number; failed: number; blocked: number; deferred: number };
  startedAt?: string;
  endedAt?: string;
  scheduledFor?: string;
  /** Who wakes the session at its scheduled start or after its pause, and when (state.wakeUp). */
  wakeUp?: WakeUp;
  pausedUntil?: string;
  elapsedMs: number;
  timeLimitMs: number;
  costUsd: number;
  /** The night's budget in USD (session.json `budgetUsd`), when it has one. */
  budgetUsd?: number;
  /** Slugs of the items launched without the yes their type needs (approval.ask): not run. */
  notApproved: string[];
  /** Loop mode (`overnight start --loop`): what it added and skipped, whether it still polls. */
  loop?: LoopReport;
  turns: number;
  integrationBranch: string;
  items: StatusItem[];
  /** The test ratchet: the project checks on the base commit and what items fixed (checks-baseline.json), once the baseline ran. */
  checksBaseline?: ChecksBaselineFacts;
  /** What the end of the night did with the learnings file (state.json `memory`), once that step ran. */
  memory?: MemoryRecord;
  /** After the night: the report's summary and where it is. */
  report?: { headline: string; summary: MorningReport['summary']; lines: string[]; mdPath?: string; pullRequest?: MorningReport['pullRequest'] };
}

/** The latest event about an item, described in a few words (fallback for the activity column). */
function lastEventActivity(events: SessionEvent[], slug: string): { text: string; ts: string } | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.slug !== slug) continue;
    const detail = typeof e.message === 'string' ? e.message : typeof e.activity === 'string' ? e.activity : undefined;
    return { text: detail ? `${e.type}: ${detail}` : e.type, ts: e.ts };
  }
  return undefined;
}

/** Turns and cost so far of attempt `n` of an item, from its latest agent_activity event. */
function liveUsage(events: SessionEvent[], slug: string, n: number): { turns: number; costUsd: number } | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.slug !== slug || e.type !== 'agent_activity' || e.attempt !== n) continue;
    return { turns: typeof e.turns === 'number' ? e.turns : 0, costUsd: typeof e.costUsd === 'number' ? e.costUsd : 0 };
  }
  return undefined;
}

/**
 * Builds the status view.
 * - runnerAlive: whether `state.runnerPid` is a live process (the caller checks with kill(pid, 0)).
 * - report: the morning report, when the night is over (or the caller computed one).
 * - now: the clock (ms since epoch).
 */
export function buildStatus(
  manifest: SessionManifest,
  state: SessionState,
  events: SessionEvent[],
  facts: { now: number; runnerAlive: boolean; report?: MorningReport; reportPath?: string; ratchet?: RatchetFile },
): StatusView {
  const added = new Set((state.added ?? []).map((a) => a.slug));
  const items: StatusItem[] = manifest.items.map((m) => {
    const st = state.items[m.slug];
    const attempts = st?.attempts ?? [];
    const started = isoMs(st?.startedAt) ?? isoMs(attempts[0]?.startedAt);
    const ended = isoMs(st?.endedAt);
    // An item whose run is over tonight (interrupted too) stops its clock at endedAt.
    const over = st ? ITEM_STATUSES_ENDED_TONIGHT.includes(st.status) : false;
    const fallback = st?.activity ? undefined : lastEventActivity(events, m.slug);
    // A running attempt's turns and cost are written to state.json when it ends; until then the
    // latest agent_activity event of that attempt carries them.
    const live = attempts.length > 0 && !attempts[attempts.length - 1]!.endedAt ? liveUsage(events, m.slug, attempts.length) : undefined;
    const done = sumAttempts(attempts);
    const review = reviewFact(attempts);
    return {
      id: m.id,
      slug: m.slug,
      title: m.title,
      status: st?.status ?? 'pending',
      ...(added.has(m.slug) ? { addedInLoop: true } : {}),
      attempt: attempts.length,
      elapsedMs: started === undefined ? undefined : Math.max(0, (over && ended !== undefined ? ended : facts.now) - started),
      turns: done.turns + (live?.turns ?? 0),
      costUsd: done.costUsd + (live?.costUsd ?? 0),
      activity: st?.activity ?? fallback?.text,
      activityAt: st?.activityAt ?? fallback?.ts,
      reason: st?.reason,
      mergeCommit: st?.mergeCommit,
      history: historyLines(attempts),
      conflicts: conflictLines(attempts),
      ...(review ? { review: reviewLine(review) } : {}),
    };
  });
  const count = (s: ItemRunStatus): number => items.filter((i) => i.status === s).length;
  const active = ACTIVE_PHASES.includes(state.phase);
  const startedMs = isoMs(state.startedAt);
  const endMs = isoMs(state.endedAt) ?? facts.now;
  let notice: string | undefined;
  // An OS scheduler's wake-up (systemd, launchd, at, cron) does not need a live runner.
  const osWake = state.wakeUp && state.wakeUp.mechanism !== 'process' ? state.wakeUp : undefined;
  if ((state.phase === 'running' || state.phase === 'paused') && !facts.runnerAlive && osWake) {
    notice = `The runner is not running; ${osWake.description} resumes the night at ${osWake.at} (or \`overnight resume\` now).`;
  } else if (state.phase === 'scheduled' && osWake) {
    notice = `Scheduled for ${state.scheduledFor ?? osWake.at}: ${osWake.description} starts it, even after a reboot (cancel: \`overnight abandon\`).`;
  } else if ((state.phase === 'running' || state.phase === 'paused') && !facts.runnerAlive) {
    notice = 'The runner is not running: `overnight resume`.';
  } else if (state.phase === 'paused' && state.pausedUntil) {
    notice = `Paused until ${state.pausedUntil}${state.pausedReason ? ` (${state.pausedReason})` : ''}; it goes on by itself.`;
  } else if (state.phase === 'scheduled' && !facts.runnerAlive) {
    notice = `Scheduled${state.scheduledFor ? ` for ${state.scheduledFor}` : ''}, but the waiting runner is not running: \`overnight schedule <time>\` again, or \`overnight start\` now.`;
  } else if (state.phase === 'launched' && !facts.runnerAlive) {
    notice = 'Launched but not started: `overnight start` (or `overnight schedule HH:MM`).';
  } else if (state.phase === 'stopped' && state.stopReason === STOP_REASON_SIGNAL) {
    notice = `The runner was stopped by a signal; nothing needs fixing: \`overnight resume --session ${manifest.id}\` goes on where it stopped.`;
  } else if (state.phase === 'stopped') {
    // The integration-branch stop says itself what was done and what to run.
    const advice = state.stopKind === INTEGRATION_MOVED ? '' : ` \`overnight resume --session ${manifest.id}\` goes on once that is fixed.`;
    notice = `The night stopped early${state.stopReason ? `: ${state.stopReason}` : ''}.${advice}`;
  } else if (state.phase === 'complete' && items.some((i) => i.status === 'failed' || i.status === 'blocked')) {
    notice = `Some items did not ship: \`overnight retry --session ${manifest.id}\` runs them again on ${manifest.integrationBranch} (or name them: \`overnight retry <id or slug> --session ${manifest.id}\`).`;
  }
  const r = facts.report;
  return {
    sessionId: manifest.id,
    phase: state.phase,
    active,
    runner: { pid: state.runnerPid, alive: facts.runnerAlive },
    sandbox: manifest.sandbox,
    notice,
    progress: {
      settled: items.filter((i) => ITEM_STATUSES_SETTLED.includes(i.status)).length,
      total: items.length,
      running: items.filter((i) => i.status === 'running' || i.status === 'verifying' || i.status === 'merging').length,
      shipped: count('merged'),
      failed: count('failed'),
      blocked: count('blocked'),
      deferred: count('deferred'),
    },
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    scheduledFor: state.scheduledFor,
    wakeUp: state.wakeUp,
    pausedUntil: state.pausedUntil,
    elapsedMs: startedMs === undefined ? 0 : Math.max(0, endMs - startedMs),
    timeLimitMs: manifest.timeLimitMs,
    costUsd: Math.round(items.reduce((n, i) => n + i.costUsd, 0) * 1e6) / 1e6,
    ...(manifest.budgetUsd !== undefined ? { budgetUsd: manifest.budgetUsd } : {}),
    notApproved: (manifest.notApproved ?? []).map((i) => i.slug),
    ...(state.loop ? { loop: loopReport(manifest, state) } : {}),
    turns: items.reduce((n, i) => n + i.turns, 0),
    integrationBranch: manifest.integrationBranch,
    items,
    ...(facts.ratchet ? { checksBaseline: checksBaselineFacts(facts.ratchet) } : {}),
    ...(state.memory ? { memory: state.memory } : {}),
    report: r ? { headline: headline(r), summary: r.summary, lines: summaryLines(r), mdPath: facts.reportPath, pullRequest: r.pullRequest } : undefined,
  };
}

function pad(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/** How long ago an ISO time was, e.g. `12s ago`. */
function ago(iso: string | undefined, now: number): string {
  const v = isoMs(iso);
  return v === undefined ? '' : ` (${formatDuration(now - v)} ago)`;
}

/** Renders the status view as text for a terminal. */
export function renderStatus(v: StatusView, now: number): string {
  const out: string[] = [];
  const p = v.progress;
  out.push(`overnight ${v.sessionId}: ${v.phase}`);
  if (v.phase === 'scheduled' && v.scheduledFor) out.push(`Scheduled for ${v.scheduledFor}.`);
  if (v.wakeUp && v.active) out.push(`Wake-up: \`overnight ${v.wakeUp.command}\` at ${v.wakeUp.at}, by ${v.wakeUp.description}.`);
  out.push(
    `${p.settled} of ${p.total} settled (${p.shipped} shipped, ${p.failed} failed, ${p.blocked} blocked${p.deferred ? `, ${p.deferred} deferred` : ''}), ${p.running} running.`,
  );
  out.push(`Elapsed ${formatDuration(v.elapsedMs)} of ${formatDuration(v.timeLimitMs)}. Cost so far ${formatUsd(v.costUsd)}${v.budgetUsd !== undefined ? ` of the ${formatUsd(v.budgetUsd)} night budget` : ''}, ${v.turns} turns.`);
  if (v.active) out.push(`Runner: ${v.runner.pid ? `pid ${v.runner.pid}, ` : ''}${v.runner.alive ? 'alive' : 'not running'}.`);
  if (v.notice) out.push(v.notice);
  if (v.sandbox === 'off') out.push(UNCONTAINED_NOTICE);
  if (v.notApproved.length) out.push(`Not approved (not run tonight): ${v.notApproved.join(', ')}.`);
  if (v.loop && !v.report) out.push(...loopLines(v.loop));
  if (v.checksBaseline) out.push(baselineSummaryLine(v.checksBaseline));
  out.push('');
  out.push(`${pad('ITEM', 24)} ${pad('STATUS', 11)} ${pad('TRY', 3)} ${pad('ELAPSED', 8)} ${pad('TURNS', 5)} ${pad('COST', 8)} ACTIVITY`);
  for (const i of v.items) {
    const activity =
      i.status === 'failed' || i.status === 'blocked' || i.status === 'deferred' || i.status === 'interrupted'
        ? (i.reason ?? i.activity ?? '')
        : i.status === 'merged'
          ? `merged into ${v.integrationBranch}${i.mergeCommit ? ` as ${i.mergeCommit.slice(0, 8)}` : ''}`
          : i.activity
            ? `${i.activity}${ago(i.activityAt, now)}`
            : '';
    out.push(
      `${pad(itemRef(i), 24)} ${pad(i.status, 11)} ${pad(String(i.attempt), 3)} ${pad(i.elapsedMs === undefined ? '-' : formatDuration(i.elapsedMs), 8)} ${pad(String(i.turns), 5)} ${pad(formatUsd(i.costUsd), 8)} ${activity.replace(/\s+/g, ' ').slice(0, 100)}`,
    );
  }
  const reviewed = v.items.filter((i) => i.review);
  if (reviewed.length > 0) {
    out.push('', 'Reviews:');
    for (const i of reviewed) out.push(`  ${itemRef(i)}: ${i.review}`);
  }
  const withHistory = v.items.filter((i) => i.history.length > 0);
  if (withHistory.length > 0) {
    out.push('', 'History across runs:');
    for (const i of withHistory) out.push(`  ${itemRef(i)}:`, ...i.history.map((h) => `    ${h}`));
  }
  const withConflicts = v.items.filter((i) => i.conflicts.length > 0);
  if (withConflicts.length > 0) {
    out.push('', 'Merge conflicts:');
    for (const i of withConflicts) out.push(`  ${itemRef(i)}:`, ...i.conflicts.map((c) => `    ${c}`));
  }
  if (v.memory) out.push('', memorySentence(v.memory, v.integrationBranch));
  if (v.report) {
    out.push('', `Morning report: ${v.report.headline}.`);
    for (const l of v.report.lines) out.push(`  ${l.replace(/\*\*/g, '')}`);
    if (v.report.pullRequest?.url) out.push(`  Pull request: ${v.report.pullRequest.url}`);
    else if (v.report.pullRequest?.commands.length) out.push('  Pull request, to open it:', ...v.report.pullRequest.commands.map((c) => `    ${c}`));
    if (v.report.mdPath) out.push(`  Read: ${v.report.mdPath}`);
  }
  return `${out.join('\n')}\n`;
}
