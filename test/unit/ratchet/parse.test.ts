import { describe, expect, it } from 'vitest';
import { parseTapNames, TAP_BAIL_OUT, TAP_PLAN_SHORT } from '../../../src/ratchet/parse-tap.js';
import { parseJunitNames } from '../../../src/ratchet/parse-junit.js';

describe('parseTapNames', () => {
  it('names failing and passing tests; TODO and SKIP are not failures', () => {
    const tap = ['TAP version 13', '1..4', 'ok 1 - alpha', 'not ok 2 - beta', 'not ok 3 - gamma # TODO later', 'ok 4 - delta # SKIP no db'].join('\n');
    expect(parseTapNames(tap)).toEqual({ failing: ['beta'], passing: ['alpha', 'delta', 'gamma'] });
  });

  it('names subtests parent > child (node --test output)', () => {
    const tap = ['TAP version 13', '# Subtest: suite', '    ok 1 - inner a', '    not ok 2 - inner b', '    1..2', 'not ok 1 - suite', '1..1'].join('\n');
    expect(parseTapNames(tap)).toEqual({ failing: ['suite', 'suite > inner b'], passing: ['suite > inner a'] });
  });

  it('a test without a name is named by its number', () => {
    expect(parseTapNames('1..2\nok 1\nnot ok 2\n')).toEqual({ failing: ['test 2'], passing: ['test 1'] });
  });

  it('a bail-out and a short plan are failures, so a run that stopped never looks clean', () => {
    expect(parseTapNames('1..3\nok 1 - a\nBail out! database gone\n')?.failing).toContain(TAP_BAIL_OUT);
    expect(parseTapNames('1..3\nok 1 - a\nok 2 - b\n')?.failing).toEqual([TAP_PLAN_SHORT]);
  });

  it('text that is not TAP gives undefined (compared by exit code)', () => {
    expect(parseTapNames('Tests: 3 passed, 1 failed\nerror: boom\n')).toBeUndefined();
    expect(parseTapNames('')).toBeUndefined();
  });

  it('ignores log lines around the TAP', () => {
    expect(parseTapNames('> npm test\nstarting\nok 1 - a\nnot ok 2 - b\n1..2\ndone\n')).toEqual({ failing: ['b'], passing: ['a'] });
  });
});

describe('parseJunitNames', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="all" tests="5" failures="1" errors="1">
  <testsuite name="math" tests="3">
    <testcase classname="math.add" name="adds"/>
    <testcase classname="math.add" name="overflows"><failure message="expected 1">stack</failure></testcase>
    <testcase classname="math.div" name="by zero"><skipped/></testcase>
  </testsuite>
  <testsuite name="io">
    <testcase name="reads"><error type="ENOENT"/></testcase>
    <testsuite name="nested"><testcase name="inner"/></testsuite>
  </testsuite>
</testsuites>`;

  it('names failing (failure or error) and passing (skipped included) test cases, classname > name', () => {
    expect(parseJunitNames(xml)).toEqual({
      failing: ['io > reads', 'math.add > overflows'],
      passing: ['math.add > adds', 'math.div > by zero', 'nested > inner'],
    });
  });

  it('reads a single <testsuite> root, and an empty <failure/>', () => {
    expect(parseJunitNames('<testsuite name="s"><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>')).toEqual({ failing: ['s > b'], passing: ['s > a'] });
  });

  it('throws on XML that is not well-formed, and on XML that is not a JUnit report', () => {
    expect(() => parseJunitNames('<testsuites><testsuite>')).toThrow(/not well-formed XML/);
    expect(() => parseJunitNames('<html><body/></html>')).toThrow(/not a JUnit XML report/);
  });
});
