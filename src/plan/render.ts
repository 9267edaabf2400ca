/**
 * The session plan as markdown: what the skill shows verbatim and `launch` freezes into plan.md.
 */
import { UNCONTAINED_NOTICE } from '../safety/sandbox.js';
import { formatUsd } from '../util/usd.js';
import { itemRef, formatId } from '../backlog/filename.js';
import type { BacklogItem } from '../backlog/types.js';
import { shortDuration } from '../util/duration.js';
import { tableCell as cell } from '../util/markdown.js';
import type { ExcludedItem, SessionPlan } from './types.js';

/** A code span that survives backticks in the text. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.includes('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * The success condition of an item as shown in the plan: its `verify` commands, else the project
 * checks, as code spans.
 */
export function successCondition(item: BacklogItem, checks: readonly string[]): string {
  if (item.verify.length > 0) return item.verify.map(code).join('; ');
  if (checks.length > 0) return `project checks: ${checks.map(code).join('; ')}`;
  return 'none';
}

function excludedList(items: readonly ExcludedItem[]): string[] {
  return items.map((e) => `- **${itemRef(e)}** (${e.title}): ${e.reason}`);
}

/**
 * Renders the plan: title, base branch, time limit, estimate against the limit, one table per round
 * (id, slug, title, type, priority, estimate, success condition), then "Not in this night": the
 * ineligible items with their reasons, the deferred ones, and those left out by --only/--exclude,
 * and a count of done/dropped items. `checks` are the project checks (the default success condition).
 * Deterministic for a given plan.
 */
export function renderPlanMarkdown(plan: Omit<SessionPlan, 'markdown'>, checks: readonly string[]): string {
  const lines: string[] = [];
  const count = plan.rounds.reduce((n, r) => n + r.items.length, 0);
  const limit = plan.timeLimit ?? shortDuration(plan.timeLimitMs);
  lines.push('# Overnight session plan', '');
  lines.push(`- Base branch: \`${plan.baseBranch}\``);
  lines.push(`- Time limit: ${limit}`);
  lines.push(
    count === 0
      ? '- Estimate: nothing to run'
      : `- Estimate: ${shortDuration(plan.estimateMs)} of ${limit} (${count} item${count === 1 ? '' : 's'} in ${plan.rounds.length} round${plan.rounds.length === 1 ? '' : 's'}, up to ${plan.concurrency} at once)`,
  );
  if (plan.budgetUsd !== undefined) lines.push(`- Night budget: ${formatUsd(plan.budgetUsd)} (no item starts when the cost so far plus its expected cost would pass it)`);
  if (plan.review) {
    lines.push(`- Review pass: on (a read-only reviewer${plan.review.model ? `, model ${plan.review.model},` : ''} must approve each item before it merges; up to ${formatUsd(plan.review.budgetUsd)} per review session)`);
  }
  lines.push(`- Prepared: ${plan.generatedAt}`, '');
  if (plan.sandbox === 'off') lines.push(`**${UNCONTAINED_NOTICE}**`, '');

  if (count === 0) {
    lines.push('No backlog item can run tonight. See "Not in this night" below for why.', '');
  }
  for (const round of plan.rounds) {
    lines.push(`## Round ${round.index} (estimate ${shortDuration(round.estimateMs)})`, '');
    lines.push('| Id | Slug | Title | Type | Priority | Estimate | Success condition |');
    lines.push('| --- | --- | --- | --- | --- | --- | --- |');
    for (const { item, estimateMs } of round.items) {
      const after = item.dependsOn.length > 0 ? ` (after ${item.dependsOn.map((d) => formatId(d)).join(', ')})` : '';
      lines.push(
        `| ${formatId(item.id)} | ${item.slug} | ${cell(item.title)}${cell(after)} | ${item.type} | ${item.priority} | ${shortDuration(estimateMs)} | ${cell(successCondition(item, checks))} |`,
      );
    }
    lines.push('');
  }

  const ask = plan.approval?.ask ?? [];
  if (ask.length > 0) {
    const refs = plan.rounds.flatMap((r) => r.items.map((p) => p.item)).filter((i) => ask.includes(i.id));
    if (plan.approval?.answered) {
      lines.push('## Approved by you', '', ...refs.map((i) => `- ${formatId(i.id)} ${i.slug}: ${cell(i.title)} (${i.type})`), '');
    } else {
      lines.push(
        '## Needs your yes',
        '',
        'These items are of a type that needs an explicit yes (`approval.ask`); Approve covers the others. An item without a yes is not run, and nothing else changes.',
        '',
        ...refs.map((i) => `- ${formatId(i.id)} ${i.slug}: ${cell(i.title)} (${i.type})`),
        '',
        `From a shell: \`overnight launch --approve ${refs.map((i) => i.id).join(',')}\` (name only the ones you approve).`,
        '',
      );
    }
  }

  const notApproved = plan.notApproved ?? [];
  const nothingLeftOut = plan.ineligible.length + plan.deferred.length + plan.excluded.length + notApproved.length === 0;
  lines.push('## Not in this night', '');
  if (nothingLeftOut) lines.push('Every candidate item is in the plan.', '');
  if (plan.ineligible.length > 0) lines.push('### Ineligible', '', ...excludedList(plan.ineligible), '');
  if (plan.deferred.length > 0) lines.push('### Deferred to another night', '', ...excludedList(plan.deferred), '');
  if (plan.excluded.length > 0) lines.push('### Left out by --only / --exclude', '', ...excludedList(plan.excluded), '');
  if (notApproved.length > 0) lines.push('### Not approved', '', ...excludedList(notApproved), '');
  const done = plan.notCandidates?.done ?? 0;
  const dropped = plan.notCandidates?.dropped ?? 0;
  if (done + dropped > 0) lines.push(`Not candidates: ${done} done, ${dropped} dropped.`, '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The ExcludedItem shape of a backlog item with a reason. */
export function toExcluded(item: BacklogItem, reason: string): ExcludedItem {
  return { id: item.id, slug: item.slug, title: item.title, file: item.file, reason };
}

export { itemRef };
