/**
 * The morning report's summary in words: the headline and the summary lines the markdown report,
 * `overnight status` and the dashboard share. Pure, and light enough for the browser bundle.
 */
import { UNCONTAINED_NOTICE } from '../safety/sandbox.js';
import { formatDuration } from '../util/duration.js';
import { formatUsd } from '../util/usd.js';
import { loopLines } from './loop.js';
import type { MorningReport } from './types.js';

function short(hash: string): string {
  return hash.slice(0, 8);
}

/** The one-line headline: "3 shipped, 1 failed, 1 blocked". */
export function headline(r: Pick<MorningReport, 'summary'>): string {
  const s = r.summary;
  const parts = [`${s.shipped} shipped`, `${s.failed} failed`, `${s.blocked} blocked`];
  if (s.deferred > 0) parts.push(`${s.deferred} deferred`);
  if (s.unfinished > 0) parts.push(`${s.unfinished} unfinished`);
  return parts.join(', ');
}

/** The executive summary as a list of lines (used by the markdown and by `overnight status`). */
export function summaryLines(r: MorningReport): string[] {
  const s = r.summary;
  const lines = [
    `**${headline(r)}** of ${s.items} item(s).`,
    `Deferred questions: ${s.deferredQuestions}. Gate denials: ${s.gateDenials}.`,
    `Duration: ${formatDuration(s.durationMs)} (time limit ${formatDuration(r.timeLimitMs)}). Cost: ${formatUsd(s.costUsd)}. Turns: ${s.turns} in ${s.attempts} attempt(s).`,
    `Integration branch: \`${r.integrationBranch}\`${r.integrationHead ? ` at ${short(r.integrationHead)}` : ''}, from \`${r.baseBranch}\` (${short(r.baseCommit)}).`,
  ];
  if (s.retries > 0) lines.push(`Runs: the night and ${s.retries} \`overnight retry\` run(s) on the same integration branch; the duration counts from the first start.`);
  if (r.stopReason) lines.push(`The session stopped early: ${r.stopReason}`);
  if (r.budget) lines.push(...budgetLines(r.budget));
  if (r.notApproved?.length) {
    lines.push(`Not approved (not run): ${r.notApproved.map((i) => i.slug).join(', ')}: their type needs an explicit yes (approval.ask); launch them with \`overnight launch --approve <ids>\` next night.`);
  }
  if (r.loop) lines.push(...loopLines(r.loop));
  if (r.sandbox === 'off') lines.push(UNCONTAINED_NOTICE);
  return lines;
}

/** The night's budget: spend against it, and the items it kept from starting. */
export function budgetLines(b: NonNullable<MorningReport['budget']>): string[] {
  const lines = [`Night budget: ${formatUsd(b.spentUsd)} spent of ${formatUsd(b.limitUsd)}.`];
  if (b.stopped.length) {
    lines.push(`**The night's budget stopped the night**: ${b.stopped.length} item(s) not started (${b.stopped.join(', ')}), because the cost so far plus their expected cost would pass ${formatUsd(b.limitUsd)}. Raise \`budget_usd\` in overnight.config.yaml or run them next night.`);
  }
  return lines;
}
