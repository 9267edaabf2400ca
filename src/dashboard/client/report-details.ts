/**
 * The parts of the morning report on the page that the judgment of the night adds (browser side):
 * the summary notes (budget, loop mode, approvals, containment), each item's review, history and
 * merge conflicts, the project checks at baseline (test ratchet), and what the night learned.
 * The words are the markdown report's own (src/report/summary-lines.ts, review.ts,
 * checks-baseline.ts, memory/summary.ts), shown as text: `**bold**` marks are dropped and
 * `` `code` `` spans become <code>.
 */
import { html } from 'htm/preact';
import { memorySentence } from '../../memory/summary.js';
import { baselineSectionLines } from '../../report/checks-baseline.js';
import { reviewLine } from '../../report/review.js';
import { summaryLines } from '../../report/summary-lines.js';
import type { MorningReport, ReviewFact } from '../../report/types.js';

/** One line of the report's markdown as text: backtick spans as <code>, bold marks dropped (an unpaired backtick, as in a cut-off command, stays). */
export function Md({ text }: { text: string }) {
  const parts = text.replace(/\*\*/g, '').split('`');
  if (parts.length % 2 === 0) {
    const unpaired = parts.pop()!;
    parts[parts.length - 1] += `\`${unpaired}`;
  }
  return html`${parts.map((p, i) => (i % 2 === 1 ? html`<code>${p}</code>` : p))}`;
}

/** Markdown lines as blocks: runs of `- ` lines become a list, other lines paragraphs. */
export function MdLines({ lines }: { lines: string[] }) {
  const blocks: Array<string | string[]> = [];
  for (const line of lines) {
    if (line.startsWith('- ')) {
      const last = blocks.at(-1);
      if (Array.isArray(last)) last.push(line.slice(2));
      else blocks.push([line.slice(2)]);
    } else if (line.trim()) blocks.push(line);
  }
  return html`${blocks.map((b) => (Array.isArray(b) ? html`<ul>${b.map((l) => html`<li><${Md} text=${l} /></li>`)}</ul>` : html`<p><${Md} text=${b} /></p>`))}`;
}

/** The summary lines beyond the headline the page already shows (runs, budget, loop, approvals, containment). */
export function ReportNotes({ report }: { report: MorningReport }) {
  const lines = summaryLines(report).slice(1);
  return html`<ul class="notes" data-testid="report-notes">${lines.map((l) => html`<li><${Md} text=${l} /></li>`)}</ul>`;
}

/** An item's review, runs and merge conflicts, when it has any. */
export function ItemDetails({ item }: { item: { slug: string; review?: ReviewFact; history: string[]; conflicts?: string[]; addedInLoop?: boolean } }) {
  const conflicts = item.conflicts ?? [];
  if (!item.review && item.history.length === 0 && conflicts.length === 0 && !item.addedInLoop) return null;
  return html`<ul class="details" data-testid=${`details-${item.slug}`}>
    ${item.addedInLoop ? html`<li>Added in loop mode, after launch.</li>` : null}
    ${item.review ? html`<li data-testid="review"><${Md} text=${reviewLine(item.review)} /></li>` : null}
    ${item.history.map((h) => html`<li>History: <${Md} text=${h} /></li>`)}
    ${conflicts.map((c) => html`<li>Merge conflict: <${Md} text=${c} /></li>`)}
  </ul>`;
}

/** The test ratchet: the project checks on the base commit, and the failures items fixed. */
export function BaselineSection({ report }: { report: MorningReport }) {
  if (!report.checksBaseline) return null;
  return html`<h3>Project checks at baseline</h3>
    <div data-testid="checks-baseline"><${MdLines} lines=${baselineSectionLines(report.checksBaseline)} /></div>`;
}

/** What the agents recorded as learnings, and where the learnings file went. */
export function LearningsSection({ report }: { report: MorningReport }) {
  if (report.learnings.length === 0 && !report.memory) return null;
  return html`<h3>What the night learned</h3>
    <div data-testid="learnings">
      ${report.learnings.map((l) => html`<h4>${l.title}</h4><div class="learning"><${MdLines} lines=${l.text.split('\n')} /></div>`)}
      ${report.memory ? html`<p><${Md} text=${memorySentence(report.memory, report.integrationBranch)} /></p>` : null}
    </div>`;
}
