import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deferredFileName, deferredMarkdown, questionsFromInput, writeDeferredQuestion } from '../../../src/hooks/deferred.js';
import { askGuidance, decideAsk } from '../../../src/hooks/ask.js';
import { parseDeferredQuestion } from '../../../src/report/deferred.js';

const askedAt = new Date('2026-11-21T23:04:05.678Z');
const input = {
  questions: [
    {
      question: 'Which CSV delimiter should the export use?',
      header: 'Delimiter',
      options: [
        { label: 'Comma', description: 'RFC 4180 default' },
        { label: 'Semicolon', description: 'Excel in some locales' },
      ],
      multiSelect: false,
    },
  ],
};

describe('deferred questions', () => {
  it('reads AskUserQuestion input leniently', () => {
    expect(questionsFromInput(input)[0]).toEqual(input.questions[0]);
    expect(questionsFromInput({ questions: [{ question: 'Q?', options: [{ nope: 1 }, { label: 'A' }] }] })[0]!.options).toEqual([{ label: 'A' }]);
    expect(questionsFromInput({ weird: true })[0]!.question).toContain('unreadable');
  });

  it('names files by time, item and a counter', () => {
    expect(deferredFileName(askedAt, 'csv-export', 1)).toBe('20261121T230405Z-csv-export-1.md');
    expect(deferredFileName(askedAt, undefined, 2)).toBe('20261121T230405Z-session-2.md');
    expect(deferredFileName(askedAt, '../evil/slug', 1)).toBe('20261121T230405Z-evil-slug-1.md');
  });

  it('renders question, options, item, session and what the agent was told', () => {
    const md = deferredMarkdown(questionsFromInput(input), { item: 'csv-export', sessionId: 'cs-9', toolUseId: 'toolu_7', askedAt }, 'Decide yourself.');
    expect(md).toContain('Which CSV delimiter should the export use?');
    expect(md).toContain('- **Comma**: RFC 4180 default');
    expect(md).toContain('csv-export');
    expect(md).toContain('cs-9');
    expect(md).toContain('## What the agent was told\n\nDecide yourself.');
    // The morning report reads the same file.
    const parsed = parseDeferredQuestion('x.md', md);
    expect(parsed).toMatchObject({ item: 'csv-export', question: 'Which CSV delimiter should the export use?' });
  });

  it('never overwrites: two questions in the same second get -1 and -2', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'deferred-')), 'deferred');
    const meta = { item: 'csv', sessionId: 's', askedAt };
    const a = writeDeferredQuestion(dir, questionsFromInput(input), meta, (n) => `told ${n}`);
    const b = writeDeferredQuestion(dir, questionsFromInput(input), meta, (n) => `told ${n}`);
    expect(readdirSync(dir).sort()).toEqual(['20261121T230405Z-csv-1.md', '20261121T230405Z-csv-2.md']);
    expect(a.told).toBe('told 20261121T230405Z-csv-1.md');
    expect(readFileSync(b.path, 'utf8')).toContain('told 20261121T230405Z-csv-2.md');
  });
});

describe('decideAsk', () => {
  const ctx = { worktreeRoot: '/w', protectedBranches: [], allowPaths: [], denyPaths: [], allowCommands: [], denyCommands: [], home: '/h' };
  const hookInput = { session_id: 'cs', cwd: '/w', hook_event_name: 'PreToolUse', tool_name: 'AskUserQuestion', tool_input: input, tool_use_id: 'toolu_1' };

  it('in a session: denies with guidance naming the recorded file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sess-'));
    const d = decideAsk(hookInput, { mode: 'session', ctx, sessionDir: dir, auditFile: join(dir, 'audit.jsonl'), deferredDir: join(dir, 'deferred'), item: 'csv' }, askedAt);
    expect(d).toMatchObject({ decision: 'deny', ruleId: 'ask.unattended' });
    expect(d.message).toContain('Decide for yourself');
    expect(d.message).toContain('deferred/20261121T230405Z-csv-1.md');
    expect(readdirSync(join(dir, 'deferred'))).toEqual(['20261121T230405Z-csv-1.md']);
  });

  it('in a session, when the file cannot be written: still denies, saying so', () => {
    // A regular file where the session folder should be: mkdir fails with ENOTDIR.
    const blocker = join(mkdtempSync(join(tmpdir(), 'sess-')), 'not-a-dir');
    writeFileSync(blocker, '');
    const d = decideAsk(hookInput, { mode: 'session', ctx, sessionDir: blocker, auditFile: join(blocker, 'a'), deferredDir: join(blocker, 'deferred'), item: 'csv' }, askedAt);
    expect(d.decision).toBe('deny');
    expect(d.message).toContain('could not be recorded');
    expect(askGuidance(undefined, 'x')).toContain('Decide for yourself');
  });

  it('interactively: allows (a person is there to answer)', () => {
    expect(decideAsk(hookInput, { mode: 'interactive', ctx, repoRoot: '/w' }).decision).toBe('allow');
  });
});
