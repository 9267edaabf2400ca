import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deferredMarkdown } from '../../../src/hooks/deferred.js';
import { parseDeferredQuestion } from '../../../src/report/deferred.js';
import { appendDecision, decisionFor, recordDeferredDecisions } from '../../../src/runner/deferred-decision.js';

function questionFile(item: string): string {
  return deferredMarkdown(
    [{ question: 'Which sandbox?', options: [{ label: 'Stripe' }, { label: 'Adyen' }] }],
    { item, sessionId: 'c1', askedAt: new Date('2026-11-21T23:04:05.000Z') },
    'Decide for yourself, write it down, go on.',
  );
}

const FINAL = 'I chose Stripe.\n\n## Learnings\n- The sandbox needs PAYMENTS_SANDBOX_KEY.\n\nTASK_BLOCKED: no key';

describe('deferred decisions', () => {
  it('appends the final message as a quoted Decision section that the report reads back whole', () => {
    const text = appendDecision(questionFile('payments'), `  ${FINAL}\n`, 2);
    expect(text).toContain("## Decision (attempt 2: the agent's final message)\n\n> I chose Stripe.\n>\n> ## Learnings");
    const q = parseDeferredQuestion('a.md', text);
    expect(q.question).toBe('Which sandbox?');
    expect(q.decision).toBe(FINAL);
    expect(parseDeferredQuestion('a.md', questionFile('payments')).decision).toBeUndefined();
  });

  it("writes only the item's files that have no decision yet, and nothing for an empty message", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overnight-deferred-'));
    writeFileSync(join(dir, '1-payments-1.md'), questionFile('payments'));
    writeFileSync(join(dir, '2-payments-1.md'), appendDecision(questionFile('payments'), 'Earlier decision', 1));
    writeFileSync(join(dir, '3-search-1.md'), questionFile('search'));
    writeFileSync(join(dir, 'notes.txt'), 'not a question');

    expect(await recordDeferredDecisions(dir, 'payments', '   ', 2)).toEqual([]);
    expect(await recordDeferredDecisions(dir, 'payments', undefined, 2)).toEqual([]);
    expect(await recordDeferredDecisions(dir, 'payments', FINAL, 2)).toEqual(['1-payments-1.md']);

    const read = (n: string) => parseDeferredQuestion(n, readFileSync(join(dir, n), 'utf8'));
    // No Decision line: the final message without its Learnings and its TASK_ line.
    expect(read('1-payments-1.md').decision).toBe('I chose Stripe.');
    expect(read('2-payments-1.md').decision).toBe('Earlier decision');
    expect(read('3-search-1.md').decision).toBeUndefined();
    // A second attempt's end leaves the first decision alone.
    expect(await recordDeferredDecisions(dir, 'payments', 'Another', 3)).toEqual([]);
    expect(await recordDeferredDecisions(join(dir, 'missing'), 'payments', FINAL, 1)).toEqual([]);
  });

  it("quotes only the agent's decision about each question, not Learnings or TASK_COMPLETE", async () => {
    const final = [
      'Done. Decision (deferred/1-payments-1.md): a local fake, because there is no key;',
      'it is easy to replace later.',
      '- **Decision (2-payments-1.md):** Adyen, it has a public sandbox.',
      '',
      '## Learnings',
      '- Decision: not this one, it is in the Learnings.',
      '',
      'TASK_COMPLETE',
    ].join('\n');
    expect(decisionFor(final, '1-payments-1.md', false)).toEqual({ text: 'a local fake, because there is no key;\nit is easy to replace later.', source: 'decision' });
    expect(decisionFor(final, '2-payments-1.md', false)).toEqual({ text: 'Adyen, it has a public sandbox.', source: 'decision' });
    // A plain `Decision:` line is enough when the item asked one question.
    expect(decisionFor('Decision: Stripe.\n\nTASK_COMPLETE', 'x.md')).toEqual({ text: 'Stripe.', source: 'decision' });
    expect(decisionFor('## Learnings\n- x\n\nTASK_COMPLETE', 'x.md')).toBeUndefined();

    const dir = mkdtempSync(join(tmpdir(), 'overnight-deferred-'));
    writeFileSync(join(dir, '1-payments-1.md'), questionFile('payments'));
    writeFileSync(join(dir, '2-payments-1.md'), questionFile('payments'));
    expect(await recordDeferredDecisions(dir, 'payments', final, 1)).toEqual(['1-payments-1.md', '2-payments-1.md']);
    const text = readFileSync(join(dir, '1-payments-1.md'), 'utf8');
    expect(text).toContain("## Decision (attempt 1: the agent's decision)");
    expect(text).not.toContain('TASK_COMPLETE');
    expect(text).not.toContain('Learnings');
    expect(parseDeferredQuestion('2-payments-1.md', readFileSync(join(dir, '2-payments-1.md'), 'utf8')).decision).toBe('Adyen, it has a public sandbox.');
  });
});
