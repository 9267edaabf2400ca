import { describe, expect, it } from 'vitest';
import { memorySentence } from '../../../src/memory/summary.js';
import { buildReport } from '../../../src/report/build.js';
import { renderReportMarkdown } from '../../../src/report/render.js';
import { buildStatus, renderStatus } from '../../../src/report/status.js';
import type { MemoryRecord } from '../../../src/session/state.js';
import { finishedState, gitFacts, manifest, noAudit } from '../report/fixtures.js';

const base: MemoryRecord = { file: 'docs/overnight-learnings.md', outcome: 'written', added: 3, duplicates: 1, dropped: 2, kept: 9, commit: 'c0ffee'.padEnd(40, '1'), at: '2026-11-22T06:00:00.000Z' };

describe('memorySentence', () => {
  it('says what was written, with every count and the commit', () => {
    expect(memorySentence(base, 'overnight/x')).toBe(
      'Learnings kept for later nights in `docs/overnight-learnings.md`: 3 added, 1 already there, 2 oldest dropped to stay within memory.max_bytes; it holds 9 (commit c0ffee1111 on overnight/x; merging the night brings it to the base branch).',
    );
  });
  it('says when nothing was new, when memory is off, skipped or failed', () => {
    expect(memorySentence({ ...base, outcome: 'unchanged', added: 0, dropped: 0, commit: undefined }, 'b')).toBe('Learnings file `docs/overnight-learnings.md`: nothing new to add, 1 already there; it holds 9.');
    expect(memorySentence({ ...base, file: 'off', outcome: 'off' }, 'b')).toContain('Memory across nights is off (`memory.file: off`)');
    expect(memorySentence({ ...base, outcome: 'skipped', note: 'nothing shipped, so no pull request would carry the file' }, 'b')).toBe(
      'Learnings file `docs/overnight-learnings.md` not updated: nothing shipped, so no pull request would carry the file.',
    );
    expect(memorySentence({ ...base, outcome: 'failed', note: 'cannot lock ref' }, 'b')).toContain('could not be written: cannot lock ref');
  });
});

describe('the morning report and status show the learnings file', () => {
  it('in "What the night learned", and in status after the night', () => {
    const st = finishedState();
    st.memory = base;
    const m = manifest();
    const report = buildReport(m, st, [], gitFacts(), noAudit(), [], { now: new Date('2026-11-22T07:00:00.000Z') });
    expect(report.memory).toEqual(base);
    const md = renderReportMarkdown(report);
    const section = md.slice(md.indexOf('## What the night learned'), md.indexOf('## Pull request'));
    expect(section).toContain(memorySentence(base, m.integrationBranch));
    const status = renderStatus(buildStatus(m, st, [], { now: Date.parse('2026-11-22T07:00:00.000Z'), runnerAlive: false }), Date.parse('2026-11-22T07:00:00.000Z'));
    expect(status).toContain('Learnings kept for later nights in `docs/overnight-learnings.md`: 3 added');
    const none = finishedState();
    expect(renderReportMarkdown(buildReport(m, none, [], gitFacts(), noAudit(), [], { now: new Date() }))).not.toContain('Learnings kept');
  });
});
