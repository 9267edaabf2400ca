/**
 * `overnight schedule` hands the start to the OS scheduler (issue 12, item 6). This machine has no
 * systemd user manager, at or cron, so fake `systemd-run`/`systemctl` and `at`/`atrm` binaries on
 * PATH record the exact invocations (and the at job's script, which is then run for real); the last
 * resort, a sleeping runner process, runs for real. `status` names the mechanism, `abandon` removes it.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockFile } from '../../src/session/paths.js';
import { readLock } from '../../src/session/lock.js';
import { readEvents, readState } from '../../src/session/store.js';
import { systemdCalendar, atTime } from '../../src/wake/units.js';
import { parseStartTime } from '../../src/cli/commands/schedule.js';
import { GIT_ENV, removedAfterEach } from '../support/repo.js';
import { PROJECT_ROOT } from '../support/claude.js';
import { commitIn, fakeAgent, item, launch, ok, repoWith, testDeps } from './runner-support.js';
import { runSession } from '../../src/runner/process.js';
import { PAUSE_WAKE_GRACE_MS } from '../../src/runner/night.js';

const repo = removedAfterEach(repoWith);
const CLI = join(PROJECT_ROOT, 'bin/overnight');
const DIST = join(PROJECT_ROOT, 'dist/cli.js');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder of fake scheduler binaries: each appends `name args...` (one line) to calls.log; `at` also saves its stdin. */
function fakeBin(scripts: Record<string, string>): { dir: string; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'overnight-fakebin-'));
  dirs.push(dir);
  for (const [name, body] of Object.entries(scripts)) {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> "${dir}/calls.log"\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return { dir, calls: () => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : []) };
}

function cli(root: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { cwd: root, env, encoding: 'utf8' });
}

describe('overnight schedule: who wakes the night', () => {
  it('a systemd user timer when a user manager answers: the exact systemd-run call, no waiting process; status names it; abandon stops it', async () => {
    const r = repo(item(1, 'alpha'));
    const id = await launch(r);
    const fake = fakeBin({ systemctl: 'exit 0', 'systemd-run': 'echo "Running timer as unit: overnight-x.timer" >&2; exit 0' });
    const env = { ...process.env, ...GIT_ENV, PATH: `${fake.dir}:${process.env.PATH}`, ANTHROPIC_API_KEY: 'sk-not-copied' };
    const out = cli(r.root, env, 'schedule', '23:59');
    const at = parseStartTime('23:59');
    expect(out).toContain(`woken by the systemd user timer overnight-${id}.timer; it survives a reboot`);
    const calls = fake.calls();
    expect(calls[0]).toBe('systemctl --user show-environment');
    expect(calls[1]).toMatch(new RegExp(`^systemd-run --user --unit=overnight-${id} --description=overnight: wake session ${id} --on-calendar=${systemdCalendar(at)} --timer-property=Persistent=true --timer-property=AccuracySec=1s --working-directory=${r.root} `));
    expect(calls[1]).toContain(`--setenv=PATH=${env.PATH}`);
    expect(calls[1]).not.toContain('sk-not-copied');
    expect(calls[1]!.endsWith(` -- ${process.execPath} ${DIST} start --session ${id}`)).toBe(true);
    expect(existsSync(lockFile(r.root))).toBe(false);
    expect(readState(r.root, id)).toMatchObject({ phase: 'scheduled', wakeUp: { mechanism: 'systemd', command: 'start', handle: `overnight-${id}.timer`, at: at.toISOString() } });

    const status = cli(r.root, env, 'status');
    expect(status).toContain(`Scheduled for ${at.toISOString()}: the systemd user timer overnight-${id}.timer starts it, even after a reboot`);
    expect(status).toContain(`Wake-up: \`overnight start\` at ${at.toISOString()}, by the systemd user timer overnight-${id}.timer.`);

    // Scheduling again replaces the timer: the old one is stopped first.
    cli(r.root, env, 'schedule', '23:58');
    expect(fake.calls().slice(2, 4)).toEqual([`systemctl --user stop overnight-${id}.timer`, 'systemctl --user show-environment']);
    expect(readState(r.root, id).wakeUp?.at).toBe(parseStartTime('23:58').toISOString());

    const abandoned = cli(r.root, env, 'abandon');
    expect(abandoned).toContain(`removed its wake-up: the systemd user timer overnight-${id}.timer`);
    expect(fake.calls().at(-1)).toBe(`systemctl --user stop overnight-${id}.timer`);
    expect(readState(r.root, id).wakeUp).toBeUndefined();
  });

  it('at when there is no systemd user manager: the job script, run for real, starts the session', async () => {
    const r = repo(item(1, 'alpha'));
    const id = await launch(r);
    const fake = fakeBin({
      systemctl: 'echo "Failed to connect to bus: No medium found" >&2; exit 1',
      'systemd-run': 'exit 1',
      at: `cat > "$(dirname "$0")/job.sh"; echo "warning: commands will be executed using /bin/sh" >&2; echo "job 7 at Wed Dec  2 23:59:00 2026" >&2`,
      atrm: 'exit 0',
    });
    const env = { ...process.env, ...GIT_ENV, PATH: `${fake.dir}:${process.env.PATH}` };
    // A start a little ahead, so the woken runner waits only briefly before its night.
    const at = new Date(Date.now() + 1500);
    const out = cli(r.root, env, 'schedule', at.toISOString());
    expect(out).toContain('woken by the at job 7; it survives a reboot');
    expect(fake.calls().filter((c) => c.startsWith('at '))).toEqual([`at -t ${atTime(at)}`]);
    expect(readState(r.root, id).wakeUp).toMatchObject({ mechanism: 'at', handle: '7', command: 'start' });
    const script = readFileSync(join(fake.dir, 'job.sh'), 'utf8');
    expect(script).toContain(`${process.execPath} ${DIST} start --session ${id} >> `);

    // What atd would do at that time: run the script with sh. The runner wakes, removes its at job
    // (atrm 7), waits for the start time, and runs the night (no claude here: the agent fails, which is fine).
    const woke = spawnSync('sh', [join(fake.dir, 'job.sh')], { env: { PATH: env.PATH, HOME: process.env.HOME ?? '/root' }, encoding: 'utf8', timeout: 120_000 });
    expect(woke.status, woke.stderr).not.toBeNull();
    expect(fake.calls()).toContain('atrm 7');
    const events = readEvents(r.root, id).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['session_scheduled', 'wake_up_installed', 'wake_up_removed', 'session_started']));
    expect(readState(r.root, id).wakeUp).toBeUndefined();
    expect(['complete', 'stopped']).toContain(readState(r.root, id).phase);
  }, 150_000);

  it('the last resort, for real on this machine: a sleeping runner process, which status says does not survive a reboot', async () => {
    const r = repo(item(1, 'alpha'));
    const id = await launch(r);
    // Only what exists here: no at, no crontab; systemctl finds no user manager.
    const env = { ...process.env, ...GIT_ENV };
    const out = cli(r.root, env, 'schedule', '23:59');
    const pid = Number(/pid (\d+)/.exec(out)![1]);
    expect(out).toContain('closing the terminal does not stop it, but a reboot or logout does');
    expect(readLock(r.root)?.pid).toBe(pid);
    expect(readState(r.root, id).wakeUp).toMatchObject({ mechanism: 'process', handle: String(pid), command: 'start' });
    const status = cli(r.root, env, 'status');
    expect(status).toContain(`by the sleeping runner process (pid ${pid}), which does not survive a reboot or logout`);
    cli(r.root, env, 'abandon');
    expect(readState(r.root, id).phase).toBe('abandoned');
  });
});

describe('a usage-limit pause survives a reboot', () => {
  it('the pause hands `overnight resume` to the OS timer just after the reset time; the live runner removes it when it goes on', async () => {
    const r = repo(item(1, 'limited'));
    const id = await launch(r);
    const fake = fakeBin({ systemctl: 'exit 0', 'systemd-run': 'exit 0' });
    const retryAt = new Date(Date.now() + 1500).toISOString();
    const agent = fakeAgent({
      limited: (opts, n) => {
        if (n === 1) return ok({ result: { subtype: 'success', is_error: true }, completion: { kind: 'none' }, failure: { kind: 'transient', message: 'usage limit reached', retryAt } });
        commitIn(opts.cwd, { 'x.txt': 'x' });
        return ok();
      },
    });
    const { deps } = testDeps(agent.run);
    const path = process.env.PATH;
    process.env.PATH = `${fake.dir}:${path}`;
    try {
      await runSession({ repoRoot: r.root, sessionId: id, mode: 'start', deps });
    } finally {
      process.env.PATH = path;
    }
    const wakeAt = new Date(Date.parse(retryAt) + PAUSE_WAKE_GRACE_MS);
    const installed = readEvents(r.root, id).find((e) => e.type === 'wake_up_installed');
    expect(installed).toMatchObject({ mechanism: 'systemd', command: 'resume', at: wakeAt.toISOString(), handle: `overnight-${id}.timer` });
    const calls = fake.calls();
    expect(calls.find((c) => c.startsWith('systemd-run'))).toContain(`--on-calendar=${systemdCalendar(wakeAt)}`);
    expect(calls.find((c) => c.startsWith('systemd-run'))!.endsWith(` resume --session ${id}`)).toBe(true);
    expect(calls).toContain(`systemctl --user stop overnight-${id}.timer`);
    const s = readState(r.root, id);
    expect(s.items.limited!.status).toBe('merged');
    expect(s.wakeUp).toBeUndefined();
    const removed = readEvents(r.root, id).find((e) => e.type === 'wake_up_removed');
    expect(removed).toMatchObject({ mechanism: 'systemd', why: 'the pause is over and the runner is awake' });
  });
});
