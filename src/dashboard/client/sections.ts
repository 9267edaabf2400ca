/**
 * The live parts of the page (browser side, Preact + htm): the night's summary, the items as rows
 * on a timeline, gate denials and deferred questions. Everything is real text; colour only repeats
 * what the text says.
 */
import { html } from 'htm/preact';
import type { StatusItem, StatusView } from '../../report/status.js';
import type { AuditSummary, DeferredQuestion } from '../../report/types.js';
import type { TimelineSpan } from '../data.js';
import { baselineSummaryLine } from '../../report/checks-baseline.js';
import { loopLines } from '../../report/loop.js';
import { clock, formatDuration, formatId, formatUsd, stateTone } from './format.js';
import { Md } from './report-details.js';

/** Header: phase, elapsed against the limit, cost so far (against the night's budget), progress counts, the notice, the checks at baseline and loop mode. */
export function Summary({ view }: { view: StatusView }) {
  const p = view.progress;
  const limit = Math.max(1, view.timeLimitMs);
  return html`<section aria-labelledby="summary-h" class="summary">
    <h2 id="summary-h" class="visually-hidden">Summary</h2>
    <dl class="facts">
      <div><dt>Phase</dt><dd data-testid="phase" class=${`state ${view.active ? 'busy' : 'ok'}`}>${view.phase}</dd></div>
      <div>
        <dt>Elapsed</dt>
        <dd>
          <span data-testid="elapsed">${formatDuration(view.elapsedMs)} of ${formatDuration(view.timeLimitMs)}</span>
          <progress max=${limit} value=${Math.min(limit, view.elapsedMs)} aria-label="Elapsed time against the time limit"></progress>
        </dd>
      </div>
      <div>
        <dt>Cost so far</dt>
        <dd data-testid="cost">${formatUsd(view.costUsd)}${view.budgetUsd !== undefined ? ` of the ${formatUsd(view.budgetUsd)} budget` : ''} <small>(${view.turns} turns)</small></dd>
      </div>
      <div>
        <dt>Items</dt>
        <dd data-testid="progress" aria-live="polite">
          ${p.settled} of ${p.total} settled: ${p.shipped} shipped, ${p.failed} failed, ${p.blocked} blocked${p.deferred ? `, ${p.deferred} deferred` : ''}; ${p.running} running
        </dd>
      </div>
    </dl>
    ${view.notice ? html`<p class="notice" role="status"><${Md} text=${view.notice} /></p>` : null}
    ${view.checksBaseline || view.loop
      ? html`<ul class="notes" data-testid="night-notes">
          ${view.checksBaseline ? html`<li><${Md} text=${baselineSummaryLine(view.checksBaseline)} /></li>` : null}
          ${view.loop ? loopLines(view.loop).map((l) => html`<li><${Md} text=${l} /></li>`) : null}
        </ul>`
      : null}
  </section>`;
}

function activityOf(item: StatusItem, view: StatusView): string {
  if (item.status === 'merged') return `merged into ${view.integrationBranch}${item.mergeCommit ? ` as ${item.mergeCommit.slice(0, 8)}` : ''}`;
  if (['failed', 'blocked', 'deferred', 'interrupted'].includes(item.status)) return item.reason ?? item.activity ?? '';
  return item.activity ? `${item.activity}${item.activityAt ? ` (${clock(item.activityAt)})` : ''}` : '';
}

/** The bar of one item: where on the night it started and how long it ran, as % of the scale. */
function Bar({ span, scale, nowMs, state }: { span?: TimelineSpan; scale: number; nowMs: number; state: string }) {
  if (!span || span.startMs === undefined) return html`<div class="track" aria-hidden="true"></div>`;
  const end = span.endMs ?? nowMs;
  const left = (100 * Math.max(0, span.startMs)) / scale;
  const width = Math.max(0.8, (100 * Math.max(0, end - span.startMs)) / scale);
  return html`<div class="track" aria-hidden="true"><div class=${`bar ${stateTone(state)}`} style=${`left:${left.toFixed(2)}%;width:${Math.min(100 - left, width).toFixed(2)}%`}></div></div>`;
}

/** The items as rows on the night's timeline: state, attempt, turns, cost, latest activity. */
export function Timeline({ view, timeline }: { view: StatusView; timeline: TimelineSpan[] }) {
  const spans = new Map(timeline.map((s) => [s.slug, s]));
  // The axis runs from the night's start to now (or its end): the elapsed time against the limit is
  // the progress bar above; here the spans stay readable however short the night was.
  const scale = Math.max(view.elapsedMs, ...timeline.map((s) => s.endMs ?? 0), 1000);
  const axis = `0 to ${formatDuration(scale)}${view.active ? ' (now)' : ''}`;
  return html`<section aria-labelledby="items-h">
    <h2 id="items-h">Items</h2>
    <table class="items">
      <caption class="visually-hidden">Each backlog item of the night, its state, and its span on the night's timeline (${axis})</caption>
      <thead><tr><th scope="col">Item</th><th scope="col">State</th><th scope="col">Try</th><th scope="col">Time</th><th scope="col">Turns</th><th scope="col">Cost</th><th scope="col" class="tl">Timeline (${axis})</th><th scope="col">Latest activity</th></tr></thead>
      <tbody>
        ${view.items.map(
          (i) => html`<tr key=${i.slug} data-slug=${i.slug}>
            <th scope="row"><span class="id">${formatId(i.id)}</span> <span class="title">${i.title}</span></th>
            <td><span class=${`state ${stateTone(i.status)}`} data-testid="state">${i.status}</span></td>
            <td>${i.attempt}</td>
            <td>${i.elapsedMs === undefined ? '-' : formatDuration(i.elapsedMs)}</td>
            <td>${i.turns}</td>
            <td>${formatUsd(i.costUsd)}</td>
            <td class="tl"><${Bar} span=${spans.get(i.slug)} scale=${scale} nowMs=${view.elapsedMs} state=${i.status} /></td>
            <td class="activity"><${Md} text=${activityOf(i, view)} />${i.review ? html`<br /><small data-testid="review">${i.review}</small>` : null}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/** Gate denials by rule, most frequent first, with examples. */
export function GateDenials({ gate }: { gate?: AuditSummary }) {
  return html`<section aria-labelledby="gate-h">
    <h2 id="gate-h">Gate denials</h2>
    ${!gate || gate.denials === 0
      ? html`<p>None${gate ? ` (${gate.toolCalls} tool calls recorded)` : ''}.</p>`
      : html`<p>${gate.denials} denied of ${gate.toolCalls} tool calls.</p>
          <ul class="denials">
            ${gate.byRule.map(
              (r) => html`<li key=${r.ruleId}><strong>${r.ruleId}</strong> (${r.count})
                <ul>${r.examples.map((e) => html`<li>${e.item ? `${e.item}: ` : ''}<code>${e.target ?? e.tool ?? ''}</code>${e.reason ? html` — <${Md} text=${e.reason} />` : ''}</li>`)}</ul>
              </li>`,
            )}
          </ul>`}
  </section>`;
}

/** Questions the agents could not ask, waiting for a person. */
export function Questions({ questions }: { questions: DeferredQuestion[] }) {
  return html`<section aria-labelledby="questions-h">
    <h2 id="questions-h">Deferred questions</h2>
    ${questions.length === 0
      ? html`<p>None.</p>`
      : html`<ul class="questions">
          ${questions.map(
            (q) => html`<li key=${q.file}><p><strong>${q.item ?? q.file}</strong>: ${q.question}</p>${q.decision ? html`<p class="decision">Decided meanwhile: ${q.decision}</p>` : null}</li>`,
          )}
        </ul>`}
  </section>`;
}
