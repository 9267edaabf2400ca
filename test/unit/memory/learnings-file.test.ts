import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PREAMBLE,
  groupHeading,
  learningsForBrief,
  mergeLearnings,
  normaliseLearning,
  parseLearningsFile,
  renderLearningsFile,
  splitEntries,
  type NightLearning,
} from '../../../src/memory/learnings-file.js';
import { nightLearnings, memoryCommitMessage } from '../../../src/memory/night-end.js';
import type { ManifestItem, SessionState } from '../../../src/session/state.js';

const FILE = `# Overnight learnings

Our own words about this file.

## 2026-11-30 · 001-greeting · Add a greeting helper
- Tests use node:test; run \`node --test test/\`.
- Modules are CommonJS,
  never ESM.

## Hand-written notes
A paragraph a person wrote.

* a star bullet
`;

const night = (ref: string, text: string, over: Partial<NightLearning> = {}): NightLearning => ({ date: '2026-12-02', ref, title: `Title of ${ref}`, text, ...over });

describe('splitEntries', () => {
  it('makes one entry per bullet, joins continuation lines, and one per plain paragraph', () => {
    expect(splitEntries('- one\n  more of one\n* two\n+ three\n1. four\n2) five\n\nA paragraph\nof two lines.\n\n')).toEqual([
      { text: 'one\nmore of one' },
      { text: 'two' },
      { text: 'three' },
      { text: 'four' },
      { text: 'five' },
      { text: 'A paragraph\nof two lines.' },
    ]);
    expect(splitEntries('\r\n- crlf\r\n')).toEqual([{ text: 'crlf' }]);
    expect(splitEntries('  \n\n')).toEqual([]);
  });
});

describe('parseLearningsFile / renderLearningsFile', () => {
  it('keeps the preamble verbatim and reads every ## group and its entries, oldest first', () => {
    const f = parseLearningsFile(FILE);
    expect(f.preamble).toBe('# Overnight learnings\n\nOur own words about this file.\n');
    expect(f.groups.map((g) => g.heading)).toEqual(['2026-11-30 · 001-greeting · Add a greeting helper', 'Hand-written notes']);
    expect(f.groups[0]!.entries.map((e) => e.text)).toEqual(['Tests use node:test; run `node --test test/`.', 'Modules are CommonJS,\nnever ESM.']);
    expect(f.groups[1]!.entries.map((e) => e.text)).toEqual(['A paragraph a person wrote.', 'a star bullet']);
  });

  it('a file without a ## heading is all preamble (nothing is refused or lost)', () => {
    const f = parseLearningsFile('just some notes\n- not a group\n');
    expect(f).toEqual({ preamble: 'just some notes\n- not a group\n', groups: [] });
    expect(renderLearningsFile(f)).toBe('just some notes\n- not a group\n');
  });

  it('renders groups as ## headings and bullets (continuations indented), and round-trips its own output', () => {
    const text = renderLearningsFile(parseLearningsFile(FILE));
    expect(text).toBe(`# Overnight learnings

Our own words about this file.

## 2026-11-30 · 001-greeting · Add a greeting helper
- Tests use node:test; run \`node --test test/\`.
- Modules are CommonJS,
  never ESM.

## Hand-written notes
- A paragraph a person wrote.
- a star bullet
`);
    expect(renderLearningsFile(parseLearningsFile(text))).toBe(text);
  });

  it('a new file gets the default preamble', () => {
    const text = renderLearningsFile({ preamble: '', groups: [{ heading: 'h', entries: [{ text: 'x' }] }] });
    expect(text).toBe(`${DEFAULT_PREAMBLE}\n## h\n- x\n`);
    expect(text.startsWith('# Overnight learnings\n')).toBe(true);
  });
});

describe('normaliseLearning', () => {
  it('ignores case, code and emphasis marks, spacing and trailing punctuation', () => {
    expect(normaliseLearning('  Run `npm test`  before **committing**.  ')).toBe('run npm test before committing');
    expect(normaliseLearning('run npm test\nbefore committing')).toBe(normaliseLearning('Run npm test before committing!'));
    expect(normaliseLearning('use pnpm')).not.toBe(normaliseLearning('use npm'));
  });
});

describe('mergeLearnings', () => {
  it("appends tonight's learnings as one dated group per item, with its item ref", () => {
    const out = mergeLearnings(parseLearningsFile(''), [night('001-greeting', '- Tests use node:test.\n- Modules are CommonJS.'), night('003-csv', '- CSV lives in src/csv.js.', { notShipped: true })], 8192);
    expect(out).toMatchObject({ added: 3, duplicates: 0, dropped: 0, kept: 3 });
    const text = renderLearningsFile(out.file);
    expect(text).toContain('## 2026-12-02 · 001-greeting · Title of 001-greeting\n- Tests use node:test.\n- Modules are CommonJS.\n');
    expect(text).toContain('## 2026-12-02 · 003-csv · Title of 003-csv (did not ship)\n- CSV lives in src/csv.js.\n');
    expect(text.indexOf('001-greeting')).toBeLessThan(text.indexOf('003-csv'));
  });

  it('skips learnings the file already has, or an earlier item tonight had, by normalised text', () => {
    const out = mergeLearnings(
      parseLearningsFile(FILE),
      [night('004-a', '- tests use NODE:TEST; run `node --test test/`\n- A new fact.'), night('005-b', '- a new fact!\n- a star bullet')],
      8192,
    );
    expect(out).toMatchObject({ added: 1, duplicates: 3, dropped: 0, kept: 5 });
    const groups = out.file.groups.map((g) => g.heading);
    expect(groups).toEqual(['2026-11-30 · 001-greeting · Add a greeting helper', 'Hand-written notes', '2026-12-02 · 004-a · Title of 004-a']);
  });

  it('an item whose learnings are all known adds no group; the input file is not changed', () => {
    const file = parseLearningsFile(FILE);
    const before = JSON.stringify(file);
    const out = mergeLearnings(file, [night('006-c', '- Modules are CommonJS, never ESM.')], 8192);
    expect(out).toMatchObject({ added: 0, duplicates: 1, kept: 4 });
    expect(out.file.groups).toHaveLength(2);
    expect(JSON.stringify(file)).toBe(before);
  });

  it('keeps the file within the size bound by dropping the oldest entries first (empty groups go too)', () => {
    const old = parseLearningsFile(FILE);
    const fresh = [night('007-d', Array.from({ length: 6 }, (_, i) => `- Fresh learning number ${i} with some words to take up room.`).join('\n'))];
    const full = renderLearningsFile(mergeLearnings(old, fresh, 1 << 20).file);
    const bound = Buffer.byteLength(full) - 60; // room for all but about one old entry
    const out = mergeLearnings(old, fresh, bound);
    const text = renderLearningsFile(out.file);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(bound);
    expect(out.dropped).toBeGreaterThan(0);
    expect(out.added).toBe(6);
    // The oldest entry went first; tonight's are all there; the preamble stays.
    expect(text).not.toContain('Tests use node:test; run');
    for (let i = 0; i < 6; i++) expect(text).toContain(`Fresh learning number ${i}`);
    expect(text.startsWith('# Overnight learnings\n\nOur own words about this file.\n')).toBe(true);
    expect(out.kept).toBe(4 + 6 - out.dropped);

    // A tight bound, room for tonight's newest two: every old group goes (headings too), then tonight's oldest.
    const newest = splitEntries(fresh[0]!.text).slice(-2);
    const tightBound = Buffer.byteLength(renderLearningsFile({ preamble: old.preamble, groups: [{ heading: groupHeading(fresh[0]!), entries: newest }] }));
    const tight = mergeLearnings(old, fresh, tightBound);
    const tightText = renderLearningsFile(tight.file);
    expect(Buffer.byteLength(tightText)).toBe(tightBound);
    expect(tightText).not.toContain('001-greeting');
    expect(tightText).not.toContain('Hand-written notes');
    expect(tightText).toContain('Fresh learning number 5');
    expect(tightText).toContain('Fresh learning number 4');
    expect(tightText).not.toContain('Fresh learning number 3');
    expect(tight).toMatchObject({ added: 2, dropped: 8, kept: 2 });
  });
});

describe('groupHeading', () => {
  it('is date · ref · title, marked when the item did not ship', () => {
    expect(groupHeading({ date: '2026-12-02', ref: '012-csv-export', title: 'Add  CSV\nexport' })).toBe('2026-12-02 · 012-csv-export · Add CSV export');
    expect(groupHeading({ date: '2026-12-02', ref: '012-csv-export', title: 'x', notShipped: true })).toBe('2026-12-02 · 012-csv-export · x (did not ship)');
  });
});

describe('learningsForBrief', () => {
  it("gives the groups without the preamble, leaving out tonight's own learnings", () => {
    const text = learningsForBrief(FILE, ['- Modules are CommonJS, never ESM.'], 8000);
    expect(text).not.toContain('Our own words');
    expect(text).toContain('### 2026-11-30 · 001-greeting · Add a greeting helper\n- Tests use node:test;');
    expect(text).not.toContain('CommonJS');
    expect(text).toContain('### Hand-written notes\n- A paragraph a person wrote.\n- a star bullet');
  });

  it('keeps the newest groups within maxChars and says how many older ones were left out', () => {
    const text = learningsForBrief(FILE, [], 100);
    expect(text).toContain('(1 older group(s) left out for length.)');
    expect(text).toContain('Hand-written notes');
    expect(text).not.toContain('001-greeting');
    expect(learningsForBrief('# only a preamble\n', [], 8000)).toBe('');
    expect(learningsForBrief(FILE, [], 20).length).toBeLessThanOrEqual(80);
  });
});

describe('nightLearnings', () => {
  const items = [
    { id: 1, slug: 'greeting', title: 'Greeting' },
    { id: 2, slug: 'quiet', title: 'Quiet' },
    { id: 3, slug: 'csv', title: 'CSV' },
  ] as ManifestItem[];
  it('one per item with learnings, in plan order, not-merged items marked', () => {
    const state = { items: { greeting: { status: 'merged', learnings: '- a' }, quiet: { status: 'merged' }, csv: { status: 'failed', learnings: ' - b ' } } } as unknown as Pick<SessionState, 'items'>;
    expect(nightLearnings(items, state, '2026-12-02')).toEqual([
      { date: '2026-12-02', ref: '001-greeting', title: 'Greeting', text: '- a' },
      { date: '2026-12-02', ref: '003-csv', title: 'CSV', text: '- b', notShipped: true },
    ]);
  });
  it('the commit message names the file, the session and the counts', () => {
    expect(memoryCommitMessage('docs/overnight-learnings.md', '20261202-2300-abc', 3, 1)).toBe(
      'overnight: learnings of 20261202-2300-abc in docs/overnight-learnings.md\n\n3 learning(s) added, 1 oldest dropped to stay within memory.max_bytes.',
    );
  });
});
