/**
 * The morning report on the page (browser side), once the night is over: what shipped (with its
 * commits), what failed (kind, reason, last lines of evidence, next steps), what is blocked or not
 * run, the pull request (link, or the commands that open it), and the night's judgment
 * (report-details.ts: reviews, history, conflicts, checks at baseline, learnings).
 */
import { html } from 'htm/preact';
import type { MorningReport } from '../../report/types.js';
import { formatDuration, formatId, formatUsd } from './format.js';
import { BaselineSection, ItemDetails, LearningsSection, Md, ReportNotes } from './report-details.js';

function PullRequest({ r }: { r: MorningReport }) {
  const pr = r.pullRequest;
  if (pr?.url) return html`<p>Pull request: <a href=${pr.url}>${pr.url}</a></p>`;
  if (pr && pr.commands.length > 0) return html`<p>${pr.note ?? 'The pull request is not opened yet. To open it:'}</p><pre>${pr.commands.join('\n')}</pre>`;
  return html`<p>No pull request.</p>`;
}

export function MorningReportView({ report: r }: { report: MorningReport }) {
  const s = r.summary;
  return html`<section aria-labelledby="report-h" class="report" data-testid="morning-report">
    <h2 id="report-h">Morning report</h2>
    <p class="headline">${`${s.shipped} shipped, ${s.failed} failed, ${s.blocked} blocked${s.deferred ? `, ${s.deferred} deferred` : ''} of ${s.items} items. Took ${formatDuration(s.durationMs)} of ${formatDuration(r.timeLimitMs)}; cost ${formatUsd(s.costUsd)}, ${s.turns} turns.`}</p>
    ${r.stopReason ? html`<p class="notice">The night stopped early: <${Md} text=${r.stopReason} /></p>` : null}
    <${ReportNotes} report=${r} />
    <h3>Pull request</h3>
    <${PullRequest} r=${r} />
    <h3>Shipped</h3>
    ${r.shipped.length === 0
      ? html`<p>Nothing shipped.</p>`
      : html`<ul>${r.shipped.map(
          (i) => html`<li key=${i.slug}><strong>${formatId(i.id)} ${i.title}</strong>${i.mergeCommit ? ` — merged as ${i.mergeCommit.slice(0, 8)}` : ''}
            <${ItemDetails} item=${i} />
            ${i.commits.length > 0 ? html`<ul>${i.commits.map((c) => html`<li><code>${c.hash.slice(0, 8)}</code> ${c.subject}</li>`)}</ul>` : null}</li>`,
        )}</ul>`}
    <h3>Failed</h3>
    ${r.failed.length === 0
      ? html`<p>Nothing failed.</p>`
      : r.failed.map(
          (i) => html`<article key=${i.slug} class="failed">
            <h4>${formatId(i.id)} ${i.title}</h4>
            <p><span class="state bad">${i.failureKind ?? 'failed'}</span> after ${i.attempts} attempt(s): <${Md} text=${i.reason} /></p>
            <${ItemDetails} item=${i} />
            ${i.evidence ? html`<details><summary>Evidence (last lines)</summary><pre>${i.evidence}</pre></details>` : null}
            ${i.nextSteps.length > 0 ? html`<p>Next:</p><ol>${i.nextSteps.map((n) => html`<li><${Md} text=${n} /></li>`)}</ol>` : null}
            ${i.branch ? html`<p>Branch kept for inspection: <code>${i.branch}</code></p>` : null}
          </article>`,
        )}
    ${r.blocked.length > 0
      ? html`<h3>Blocked</h3><ul>${r.blocked.map((i) => html`<li key=${i.slug}><strong>${formatId(i.id)} ${i.title}</strong>: <${Md} text=${i.reason} /><${ItemDetails} item=${i} /></li>`)}</ul>`
      : null}
    ${r.notRun.length > 0
      ? html`<h3>Not run</h3><ul>${r.notRun.map((i) => html`<li key=${i.slug}><strong>${formatId(i.id)} ${i.title}</strong> (${i.status}): <${Md} text=${i.reason} /></li>`)}</ul>`
      : null}
    <${BaselineSection} report=${r} />
    <${LearningsSection} report=${r} />
  </section>`;
}
