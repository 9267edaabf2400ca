/**
 * The sandbox preflight of `overnight launch` and `overnight doctor`, judged on a real PATH: with
 * bubblewrap and socat missing (a PATH holding only node, git and claude), launch refuses with the
 * fix and writes nothing; with `safety.sandbox: off` it launches and every surface says so.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UNCONTAINED_NOTICE } from '../../src/safety/sandbox.js';
import { sessionsDir } from '../../src/session/paths.js';
import { claudeBin } from '../support/claude.js';
import { runCli } from '../support/cli.js';
import { removedAfterEach } from '../support/repo.js';
import { git, item, repoWith } from './runner-support.js';

const repo = removedAfterEach(repoWith);

/** A PATH folder with node, git, sh and claude, and no bwrap or socat. */
const bare = mkdtempSync(join(tmpdir(), 'overnight-nobwrap-'));
for (const [name, target] of [
  ['node', process.execPath],
  ['git', '/usr/bin/git'],
  ['sh', '/bin/sh'],
  ['claude', claudeBin()],
] as const) symlinkSync(target, join(bare, name));
afterAll(() => rmSync(bare, { recursive: true, force: true }));

describe('the OS sandbox preflight', () => {
  it('launch refuses a machine where the sandbox cannot start, names the fix, and writes nothing', () => {
    const r = repo(item(1, 'alpha'));
    const branches = git(r.root, 'branch', '--list');
    const res = runCli(r.root, ['launch'], { PATH: bare });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('The OS sandbox that contains every agent cannot start on this machine: bwrap and socat are not installed.');
    expect(res.stderr).toContain('safety.sandbox');
    expect(res.stderr).toContain('apt-get install bubblewrap socat');
    expect(existsSync(sessionsDir(r.root))).toBe(false);
    expect(git(r.root, 'branch', '--list')).toBe(branches);
  });

  it('doctor fails the sandbox check there, with the same fix', () => {
    const r = repo(item(1, 'alpha'));
    const res = runCli(r.root, ['doctor'], { PATH: bare });
    expect(res.code).not.toBe(0);
    expect(res.stdout).toMatch(/fail\s+sandbox\s+bwrap and socat are not installed/);
    expect(res.stdout).toContain('apt-get install bubblewrap socat');
  });

  it('doctor passes where bubblewrap and socat work', () => {
    const r = repo(item(1, 'alpha'));
    const res = runCli(r.root, ['doctor']);
    expect(res.stdout).toMatch(/ok\s+sandbox\s+bubblewrap and socat confine a test command; Claude Code's sandbox is available/);
  });

  it('with safety.sandbox: off the night launches anyway, and the plan, status and report say it runs without OS containment', () => {
    const r = repo(item(1, 'alpha'), 'safety:\n  sandbox: off\n');
    const prepare = runCli(r.root, ['prepare'], { PATH: bare });
    expect(prepare.stdout).toContain(UNCONTAINED_NOTICE);
    const launch = runCli(r.root, ['launch', '--format', 'json'], { PATH: bare });
    expect(launch.code, launch.stderr).toBe(0);
    const id = JSON.parse(launch.stdout).data.sessionId as string;
    expect(readFileSync(join(sessionsDir(r.root), id, 'plan.md'), 'utf8')).toContain(UNCONTAINED_NOTICE);
    expect(JSON.parse(readFileSync(join(sessionsDir(r.root), id, 'session.json'), 'utf8')).sandbox).toBe('off');
    const status = runCli(r.root, ['status']);
    expect(status.stdout.replace(/\s+/g, ' ')).toContain(UNCONTAINED_NOTICE);
    const doctor = runCli(r.root, ['doctor'], { PATH: bare });
    expect(doctor.stdout).toMatch(/warn\s+sandbox\s+off by configuration/);
  });
});
