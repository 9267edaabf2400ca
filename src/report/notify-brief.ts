/**
 * The short brief a notification carries (issue 10: "their phone gets a short, true brief however
 * the night ended"): a title, and one section per outcome (shipped, failed, blocked, deferred,
 * cost, pull request), built from the morning report. Pure: no I/O.
 */
import { formatId } from '../backlog/filename.js';
import { formatDuration } from '../util/duration.js';
import { oneLine } from '../util/text.js';
import { formatUsd } from '../util/usd.js';
import type { MorningReport } from './types.js';

/** How a night ended, as the runner tells notifyNightEnd. */
export const NIGHT_END_KINDS = ['complete', 'stopped', 'time-limit', 'abandoned', 'paused'] as const;
export type NightEndKind = (typeof NIGHT_END_KINDS)[number];

export interface NightEnd {
  kind: NightEndKind;
  /** Why it stopped or paused, in words (state.stopReason, state.pausedReason). */
  reason?: string;
  /** For `paused`: when the runner goes on by itself (ISO). */
  resumeAt?: string;
}

/** One outcome of the brief: a heading and its lines (plain text). */
export interface BriefSection {
  heading: string;
  lines: string[];
}

export interface Brief {
  /** One line, ASCII, for ntfy's Title header and Slack's fallback text. */
  title: string;
  /** True when something failed or the night ended early: notifications go out at high priority. */
  urgent: boolean;
  /** ntfy tags (emoji short codes, https://docs.ntfy.sh/emojis/) describing the end. */
  tags: string[];
  sections: BriefSection[];
}

/** Most items listed in one section; the rest are counted ("and 4 more"). */
const MAX_LISTED = 8;

function listed<T>(items: T[], line: (item: T) => string): string[] {
  const out = items.slice(0, MAX_LISTED).map(line);
  if (items.length > MAX_LISTED) out.push(`and ${items.length - MAX_LISTED} more`);
  return out;
}

/** `HH:MM UTC` of an ISO time, or the text as given when it is not a time. */
function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(11, 16)} UTC`;
}

/** The title line for each kind of end, e.g. `Night complete: 3 shipped, 1 failed`. */
function endTitle(r: MorningReport, end: NightEnd): string {
  const s = r.summary;
  const counts = `${s.shipped} shipped, ${s.failed} failed${s.blocked ? `, ${s.blocked} blocked` : ''}`;
  switch (end.kind) {
    case 'complete':
      return `Night complete: ${counts}`;
    case 'time-limit':
      return `Night stopped by its time limit: ${counts}`;
    case 'stopped':
      return `Night stopped early: ${counts}`;
    case 'abandoned':
      return `Night abandoned: ${counts}`;
    case 'paused':
      return `Night paused${end.resumeAt ? ` until ${clock(end.resumeAt)}` : ''}: ${counts} so far`;
  }
}

function endTags(r: MorningReport, end: NightEnd): string[] {
  const tags = ['overnight'];
  if (end.kind === 'paused') tags.push('hourglass');
  else if (end.kind === 'time-limit') tags.push('alarm_clock');
  else if (end.kind === 'stopped' || end.kind === 'abandoned') tags.push('stop_sign');
  if (r.summary.failed > 0) tags.push('warning');
  else if (end.kind === 'complete') tags.push('white_check_mark');
  return tags;
}

/** The outcome sections every night brief has, in this order; an empty outcome says "none". */
function outcomeSections(r: MorningReport): BriefSection[] {
  const none = (lines: string[]): string[] => (lines.length > 0 ? lines : ['none']);
  const deferred = r.notRun.filter((i) => i.status === 'deferred');
  const questions = r.questions.length;
  return [
    { heading: `Shipped (${r.shipped.length})`, lines: none(listed(r.shipped, (i) => `${formatId(i.id)} ${i.title}`)) },
    {
      heading: `Failed (${r.failed.length})`,
      lines: none(listed(r.failed, (i) => `${formatId(i.id)} ${i.title}: ${i.failureKind ? `${i.failureKind}, ` : ''}${oneLine(i.reason, 140)}`)),
    },
    { heading: `Blocked (${r.blocked.length})`, lines: none(listed(r.blocked, (i) => `${formatId(i.id)} ${i.title}: ${oneLine(i.reason, 140)}`)) },
    {
      heading: `Deferred (${deferred.length} item(s), ${questions} question(s))`,
      lines: none([
        ...listed(deferred, (i) => `${formatId(i.id)} ${i.title}: ${oneLine(i.reason, 140)}`),
        ...listed(r.questions, (q) => `Question${q.item ? ` from ${q.item}` : ''}: ${oneLine(q.question, 140)}`),
      ]),
    },
  ];
}

function costSection(r: MorningReport): BriefSection {
  const s = r.summary;
  return { heading: 'Cost', lines: [`${formatUsd(s.costUsd)}, ${s.turns} turns, ${formatDuration(s.durationMs)} of ${formatDuration(r.timeLimitMs)}`] };
}

function pullRequestSection(r: MorningReport): BriefSection {
  const pr = r.pullRequest;
  if (pr?.url) return { heading: 'Pull request', lines: [pr.url] };
  if (pr && pr.commands.length > 0) return { heading: 'Pull request', lines: [`not opened; to open it: ${pr.commands[pr.commands.length - 1]}`] };
  return { heading: 'Pull request', lines: ['not opened'] };
}

/**
 * The brief for an end of the night: title (kind of end and counts), urgency (something failed, or
 * the night did not complete), ntfy tags, and sections Shipped, Failed, Blocked, Deferred, Cost,
 * Pull request; a stop or pause adds a first section saying why (and when it goes on).
 */
export function nightBrief(r: MorningReport, end: NightEnd): Brief {
  const sections: BriefSection[] = [];
  if (end.kind !== 'complete') {
    const why = end.reason ?? r.stopReason;
    const lines: string[] = [];
    if (why) lines.push(oneLine(why, 300));
    if (end.kind === 'paused') lines.push(end.resumeAt ? `It goes on by itself at ${end.resumeAt}.` : 'It goes on by itself after the limit resets.');
    else if (end.kind !== 'abandoned') lines.push('`overnight resume` goes on from where it stopped.');
    sections.push({ heading: end.kind === 'paused' ? 'Paused' : 'Why it stopped', lines });
  }
  sections.push(...outcomeSections(r), costSection(r), pullRequestSection(r));
  return {
    title: `overnight ${r.sessionId}: ${endTitle(r, end)}`,
    urgent: r.summary.failed > 0 || end.kind === 'stopped' || end.kind === 'abandoned',
    tags: endTags(r, end),
    sections,
  };
}

/**
 * The brief for one item that finally failed (config `on_item_failure`): its kind, reason, the
 * last lines of evidence and the next step, plus the night's counts so far. Throws Error when the
 * report has no failed item `slug`.
 */
export function itemFailureBrief(r: MorningReport, slug: string): Brief {
  const item = r.failed.find((i) => i.slug === slug);
  if (!item) throw new Error(`item ${slug} is not among the failed items of session ${r.sessionId}`);
  const evidence = (item.evidence ?? '').trim().split('\n').slice(-5).map((l) => oneLine(l, 160)).filter((l) => l !== '');
  const sections: BriefSection[] = [
    { heading: `${formatId(item.id)} ${item.title}`, lines: [`${item.failureKind ?? 'failed'} after ${item.attempts} attempt(s): ${oneLine(item.reason, 300)}`] },
  ];
  if (evidence.length > 0) sections.push({ heading: 'Evidence', lines: evidence });
  if (item.nextSteps.length > 0) sections.push({ heading: 'Next', lines: [oneLine(item.nextSteps[0]!, 300)] });
  sections.push({ heading: 'Night so far', lines: [`${r.summary.shipped} shipped, ${r.summary.failed} failed, ${r.summary.blocked} blocked of ${r.summary.items}`] });
  return { title: `overnight ${r.sessionId}: item ${formatId(item.id)} failed`, urgent: true, tags: ['overnight', 'x'], sections };
}

/** The brief as plain text (ntfy's body): the title, then each section's heading and lines. */
export function briefText(b: Brief): string {
  const out = [b.title];
  for (const s of b.sections) out.push('', `${s.heading}:`, ...s.lines.map((l) => `- ${l}`));
  return `${out.join('\n')}\n`;
}
