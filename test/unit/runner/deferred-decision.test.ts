import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deferredMarkdown } from '../../../src/hooks/deferred.js';
import { parseDeferredQuestion } from '../../../src/report/deferred.js';
import { appendDecision, recordDeferredDecisions } from '../../../src/runner/deferred-decision.js';

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
    expect(read('1-payments-1.md').decision).toBe(FINAL);
    expect(read('2-payments-1.md').decision).toBe('Earlier decision');
    expect(read('3-search-1.md').decision).toBeUndefined();
    // A second attempt's end leaves the first decision alone.
    expect(await recordDeferredDecisions(dir, 'payments', 'Another', 3)).toEqual([]);
    expect(await recordDeferredDecisions(join(dir, 'missing'), 'payments', FINAL, 1)).toEqual([]);
  });
});
