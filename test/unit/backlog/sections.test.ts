import { describe, expect, test } from 'vitest';
import { acceptanceCriteria } from '../../../src/backlog/sections.js';

describe('acceptance criteria section', () => {
  test('bullets of the section, without bullet or task box, until the next heading of the same level', () => {
    const body = [
      '## Goal',
      '- not a criterion',
      '## Acceptance criteria',
      '- First',
      '* Second',
      '+ Third',
      '1. Fourth',
      '- [ ] Fifth',
      '- [x] Sixth',
      '### Details',
      '- Seventh (a sub-heading stays inside)',
      '## Notes',
      '- not a criterion either',
    ].join('\n');
    expect(acceptanceCriteria(body)).toEqual(['First', 'Second', 'Third', 'Fourth', 'Fifth', 'Sixth', 'Seventh (a sub-heading stays inside)']);
  });

  test('heading level and letter case do not matter; a trailing colon is allowed', () => {
    expect(acceptanceCriteria('# ACCEPTANCE CRITERIA:\n- a\n')).toEqual(['a']);
    expect(acceptanceCriteria('### Acceptance Criteria\n\n- b\n')).toEqual(['b']);
  });

  test('no section, an empty section, or only prose gives no criteria', () => {
    expect(acceptanceCriteria('## Goal\nDo it.\n')).toEqual([]);
    expect(acceptanceCriteria('## Acceptance criteria\n\n## Goal\n- x\n')).toEqual([]);
    expect(acceptanceCriteria('## Acceptance criteria\nIt should work well.\n')).toEqual([]);
    expect(acceptanceCriteria('## Acceptance criteria\n-\n- \n')).toEqual([]);
  });

  test('HTML comments and fenced code blocks are not criteria', () => {
    expect(acceptanceCriteria('## Acceptance criteria\n<!-- - placeholder -->\n<!--\n- also placeholder\n-->\n')).toEqual([]);
    expect(acceptanceCriteria('## Acceptance criteria\n```\n- code\n# comment\n```\n- real\n')).toEqual(['real']);
  });
});
