import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheckSet, withoutCwd } from '../../../src/ratchet/run.js';
import { pidAlive } from '../../../src/agent/process-group.js';

const dir = mkdtempSync(join(tmpdir(), 'overnight-ratchet-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const JUNIT = '<testsuites><testsuite name="s"><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite></testsuites>';

describe('runCheckSet (real shell commands)', () => {
  it('runs every check even after a failure, reading TAP output, a JUnit XML file, or the exit code', async () => {
    const logFile = join(dir, 'log', 'checks.log');
    const r = await runCheckSet({
      cwd: dir,
      logFile,
      timeoutMs: 20_000,
      checks: [
        { run: "printf 'ok 1 - a\\nnot ok 2 - b\\n1..2\\n'; exit 1" },
        { run: `mkdir -p reports && printf '%s' '${JUNIT}' > reports/junit.xml; exit 3`, junit: 'reports/junit.xml' },
        { run: 'echo plain words; exit 2' },
        { run: 'true' },
      ],
    });
    expect(r.aborted).toBe(false);
    expect(r.runs.map((x) => [x.command.slice(0, 6), x.exitCode, x.format, x.failing, x.passing])).toEqual([
      ["printf", 1, 'tap', ['b'], ['a']],
      ['mkdir ', 3, 'junit', ['s > b'], ['s > a']],
      ['echo p', 2, 'exit', [], []],
      ['true', 0, 'exit', [], []],
    ]);
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('[exit 2]');
    expect(log).toContain('[compared by junit test names: 1 failing, 1 passing]');
  });

  it('does not trust a JUnit file the check did not write during this run', async () => {
    mkdirSync(join(dir, 'old'), { recursive: true });
    writeFileSync(join(dir, 'old/junit.xml'), JUNIT);
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, 'old/junit.xml'), past, past);
    const r = await runCheckSet({ cwd: dir, logFile: join(dir, 'l2.log'), timeoutMs: 20_000, checks: [{ run: 'exit 1', junit: 'old/junit.xml' }, { run: 'exit 1', junit: 'missing.xml' }] });
    expect(r.runs.map((x) => [x.format, x.note])).toEqual([
      ['exit', 'the check did not write its JUnit XML report old/junit.xml'],
      ['exit', 'the check did not write its JUnit XML report missing.xml'],
    ]);
  });

  it('a timeout is recorded as such', async () => {
    const r = await runCheckSet({ cwd: dir, logFile: join(dir, 'l3.log'), timeoutMs: 300, checks: [{ run: 'exec sleep 5' }] });
    expect(r.runs[0]).toMatchObject({ timedOut: true, format: 'exit' });
  });

  it('a timeout stops what the check started too (its whole process group), not only its shell', async () => {
    const pidFile = join(dir, 'bg.pid');
    const r = await runCheckSet({ cwd: dir, logFile: join(dir, 'l5.log'), timeoutMs: 500, checks: [{ run: `sleep 120 & echo $! > ${pidFile}; wait` }] });
    expect(r.runs[0]).toMatchObject({ timedOut: true });
    const bg = Number(readFileSync(pidFile, 'utf8').trim());
    expect(bg).toBeGreaterThan(0);
    expect(pidAlive(bg)).toBe(false);
  });

  it('stops at the signal and says the set is incomplete', async () => {
    const c = new AbortController();
    setTimeout(() => c.abort(), 200);
    const r = await runCheckSet({ cwd: dir, logFile: join(dir, 'l4.log'), timeoutMs: 20_000, signal: c.signal, checks: [{ run: 'exec sleep 5' }, { run: 'true' }] });
    expect(r.aborted).toBe(true);
    expect(r.runs).toEqual([]);
  });
});

describe('withoutCwd', () => {
  it('takes the worktree path out of test names, so runs in different worktrees compare', () => {
    expect(withoutCwd({ failing: ['/w/_baseline/test/a.test.js', 'b'], passing: ['/w/_baseline/test/c.test.js > c'] }, '/w/_baseline')).toEqual({
      failing: ['b', 'test/a.test.js'],
      passing: ['test/c.test.js > c'],
    });
  });
});
