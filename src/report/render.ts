/**
 * morning-report.md: the morning report as markdown a person reads over coffee and a pull request
 * body (DESIGN.md, "Morning report"). Pure.
 */
export { budgetLines, headline, summaryLines } from './summary-lines.js';
import { memorySentence } from '../memory/summary.js';
import { formatId, itemRef } from '../backlog/filename.js';
import { formatDuration } from '../util/duration.js';
import { fencedBlock, tableCell as cell } from '../util/markdown.js';
import { formatUsd } from '../util/usd.js';
import type { MorningReport } from './types.js';
import { summaryLines } from './summary-lines.js';
import { reviewLine } from './review.js';
import { baselineSectionLines } from './checks-baseline.js';

/** ` (added in loop mode)` for an item loop mode added, else nothing. */
function loopTag(it: { addedInLoop?: boolean }): string {
  return it.addedInLoop ? ' (added in loop mode)' : '';
}

function short(hash: string): string {
  return hash.slice(0, 8);
}

/** The pull-request section: the link, or the exact commands. */
function pullRequestLines(r: MorningReport): string[] {
  const pr = r.pullRequest;
  if (!pr) return ['Not opened yet.'];
  const out: string[] = [];
  if (pr.url) out.push(`Pull request: ${pr.url}`);
  if (pr.note) out.push(pr.note);
  if (!pr.url && pr.commands.length > 0) out.push('', fencedBlock(pr.commands.join('\n'), 'text'));
  return out;
}

/** Renders the whole report as markdown. */
export function renderReportMarkdown(r: MorningReport): string {
  const out: string[] = [];
  out.push(`# Morning report: overnight ${r.sessionId}`, '');
  out.push('## Summary', '', ...summaryLines(r).map((l) => `- ${l}`), '');

  if (r.checksBaseline) out.push('## Project checks at baseline', '', ...baselineSectionLines(r.checksBaseline));

  out.push('## Shipped', '');
  if (r.shipped.length === 0) out.push('Nothing shipped.', '');
  for (const it of r.shipped) {
    out.push(`### ${formatId(it.id)} ${it.title} (\`${it.slug}\`)${loopTag(it)}`, '');
    if (it.mergeCommit) out.push(`Merged as ${short(it.mergeCommit)} into \`${r.integrationBranch}\` after ${it.attempts} attempt(s).`, '');
    if (it.review) out.push(reviewLine(it.review), '');
    if (it.history.length > 0) out.push('History:', '', ...it.history.map((h) => `- ${h}`), '');
    if (it.conflicts.length > 0) out.push('Merge conflicts:', '', ...it.conflicts.map((c) => `- ${c}`), '');
    out.push('Commits:', '');
    if (it.commits.length === 0) out.push('- (none recorded)');
    for (const c of it.commits) out.push(`- \`${short(c.hash)}\` ${c.subject}`);
    out.push('', r.checksBaseline?.checks.some((c) => !c.passed) ? 'Checks that passed (the project checks: no failure beyond the baseline):' : 'Checks that passed:', '');
    if (it.checks.length === 0) out.push('- (no success condition or project checks)');
    for (const c of it.checks) out.push(`- \`${c}\``);
    out.push('');
  }

  out.push('## Failed', '');
  if (r.failed.length === 0) out.push('Nothing failed.', '');
  for (const it of r.failed) {
    out.push(`### ${formatId(it.id)} ${it.title} (\`${it.slug}\`)${loopTag(it)}`, '');
    out.push(`- Failure kind: **${it.failureKind ?? 'unknown'}**${it.outcome ? ` (last attempt: ${it.outcome})` : ''}, after ${it.attempts} attempt(s).`);
    out.push(`- Reason: ${it.reason}`);
    if (it.review) out.push(`- ${reviewLine(it.review)}`);
    if (it.branch) out.push(`- Branch kept for inspection: \`${it.branch}\``);
    if (it.files.length > 0) out.push(`- Logs: ${it.files.map((f) => `\`${f}\``).join(', ')}`);
    for (const h of it.history) out.push(`- History: ${h}`);
    for (const c of it.conflicts) out.push(`- Merge conflict: ${c}`);
    out.push('');
    if (it.evidence) out.push('Last lines of evidence:', '', fencedBlock(it.evidence, 'text'), '');
    out.push('What to do next:', '', ...it.nextSteps.map((s, i) => `${i + 1}. ${s}`), '');
  }

  out.push('## Blocked', '');
  if (r.blocked.length === 0) out.push('Nothing blocked.', '');
  for (const it of r.blocked) {
    const by = it.cause === 'agent' ? 'the agent said TASK_BLOCKED' : 'a dependency did not ship';
    out.push(`### ${formatId(it.id)} ${it.title} (\`${it.slug}\`)${loopTag(it)}`, '', `- Blocked: ${by}.`, `- Reason: ${it.reason}`);
    for (const h of it.history) out.push(`- History: ${h}`);
    out.push(...it.nextSteps.map((s) => `- Next: ${s}`), '');
  }

  if (r.notRun.length > 0) {
    out.push('## Not run', '');
    for (const it of r.notRun) out.push(`- ${formatId(it.id)} ${it.title} (\`${it.slug}\`): ${it.status}. ${it.reason}`);
    out.push('');
  }

  out.push('## Deferred questions', '');
  if (r.questions.length === 0) out.push('No agent had a question for you.', '');
  for (const q of r.questions) {
    out.push(`- ${q.item ? `**${q.item}**: ` : ''}${q.question.replace(/\n+/g, ' ')}${q.decision ? ` — the agent decided: ${q.decision.replace(/\n+/g, ' ')}` : ''} (\`deferred/${q.file}\`)`);
  }
  if (r.questions.length > 0) out.push('');

  out.push('## Gate denials', '');
  if (r.gate.denials === 0) out.push(`The safety gate denied nothing (${r.gate.toolCalls} tool call(s) audited).`, '');
  else {
    out.push(`${r.gate.denials} denial(s) out of ${r.gate.toolCalls} audited tool call(s):`, '');
    for (const g of r.gate.byRule) {
      out.push(`- \`${g.ruleId}\`: ${g.count}`);
      for (const e of g.examples) out.push(`  - ${e.item ? `${e.item}: ` : ''}${e.tool ?? 'tool'} \`${(e.target ?? '').replace(/`/g, "'")}\`${e.reason ? ` — ${e.reason}` : ''}`);
    }
    out.push('');
  }

  out.push('## Cost and turns per item', '', '| Item | Status | Attempts | Turns | Cost | Agent time |', '|---|---|---:|---:|---:|---:|');
  for (const c of r.costs) {
    out.push(`| ${cell(itemRef(c))} | ${c.status} | ${c.attempts} | ${c.turns} | ${formatUsd(c.costUsd)} | ${formatDuration(c.agentMs)} |`);
  }
  out.push(`| **Total** | | ${r.summary.attempts} | ${r.summary.turns} | ${formatUsd(r.summary.costUsd)} | |`, '');

  out.push('## What the night learned', '');
  if (r.learnings.length === 0) out.push('No agent recorded learnings.', '');
  for (const l of r.learnings) out.push(`### ${l.title} (\`${l.slug}\`)`, '', l.text, '');
  if (r.memory) out.push(memorySentence(r.memory, r.integrationBranch), '');

  out.push('## Pull request', '', ...pullRequestLines(r), '');
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
