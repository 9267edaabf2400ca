import { describe, expect, test } from 'vitest';
import { atScript, atTime, cronLine, launchdPlist, systemdCalendar, systemdRunArgs, systemdUnits, type WakeSpec } from '../../../src/wake/units.js';
import { wakeEnv } from '../../../src/wake/install.js';

// 2026-12-02 23:00:00 local time (every scheduler reads local wall-clock time).
const AT = new Date(2026, 11, 2, 23, 0, 0);
const SPEC: WakeSpec = {
  sessionId: '20261202-2300-abcd',
  at: AT,
  argv: ['/usr/bin/node', '/opt/overnight/dist/cli.js', 'start', '--session', '20261202-2300-abcd'],
  cwd: '/home/me/my repo',
  env: { HOME: '/home/me', PATH: '/usr/bin:/bin' },
};

describe('systemd user timer', () => {
  test('systemd-run makes a persistent one-shot timer at the local time, running the CLI in the repository', () => {
    expect(systemdCalendar(new Date(2026, 0, 5, 7, 8, 9))).toBe('2026-01-05 07:08:09');
    expect(systemdRunArgs(SPEC)).toEqual([
      'systemd-run',
      '--user',
      '--unit=overnight-20261202-2300-abcd',
      '--description=overnight: wake session 20261202-2300-abcd',
      '--on-calendar=2026-12-02 23:00:00',
      '--timer-property=Persistent=true',
      '--timer-property=AccuracySec=1s',
      '--working-directory=/home/me/my repo',
      '--setenv=HOME=/home/me',
      '--setenv=PATH=/usr/bin:/bin',
      '--',
      '/usr/bin/node',
      '/opt/overnight/dist/cli.js',
      'start',
      '--session',
      '20261202-2300-abcd',
    ]);
  });

  test('the equivalent unit files', () => {
    const { timer, service } = systemdUnits(SPEC);
    expect(timer).toBe(
      '[Unit]\nDescription=overnight: wake session 20261202-2300-abcd\n\n[Timer]\nOnCalendar=2026-12-02 23:00:00\nPersistent=true\nAccuracySec=1s\nUnit=overnight-20261202-2300-abcd.service\n\n[Install]\nWantedBy=timers.target\n',
    );
    expect(service).toBe(
      '[Unit]\nDescription=overnight: run session 20261202-2300-abcd\n\n[Service]\nType=simple\nWorkingDirectory=/home/me/my repo\nEnvironment="HOME=/home/me"\nEnvironment="PATH=/usr/bin:/bin"\nExecStart=/usr/bin/node /opt/overnight/dist/cli.js start --session 20261202-2300-abcd\n',
    );
  });
});

describe('launchd agent', () => {
  test('the plist: label, program, folder, environment, calendar interval and log, XML-escaped', () => {
    const plist = launchdPlist({ ...SPEC, cwd: '/Users/me/a&b' }, '/Users/me/a&b/.overnight/runner.log');
    expect(plist).toContain('<key>Label</key><string>dev.overnight.20261202-2300-abcd</string>');
    expect(plist).toContain('  <key>ProgramArguments</key>\n  <array>\n    <string>/usr/bin/node</string>\n    <string>/opt/overnight/dist/cli.js</string>\n    <string>start</string>\n    <string>--session</string>\n    <string>20261202-2300-abcd</string>\n  </array>\n');
    expect(plist).toContain('<key>WorkingDirectory</key><string>/Users/me/a&amp;b</string>');
    expect(plist).toContain('      <key>HOME</key><string>/home/me</string>\n');
    expect(plist).toContain('<key>Month</key><integer>12</integer>\n    <key>Day</key><integer>2</integer>\n    <key>Hour</key><integer>23</integer>\n    <key>Minute</key><integer>0</integer>');
    expect(plist).toContain('<key>StandardOutPath</key><string>/Users/me/a&amp;b/.overnight/runner.log</string>');
    expect(plist.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist')).toBe(true);
  });
});

describe('at and cron', () => {
  test('at -t time is never early: seconds round up to the next minute', () => {
    expect(atTime(AT)).toBe('202612022300');
    expect(atTime(new Date(2026, 11, 31, 23, 59, 30))).toBe('202701010000');
  });

  test('the at script: cd, environment, the command, output to the log (shell-quoted)', () => {
    expect(atScript(SPEC, '/home/me/my repo/.overnight/runner.log')).toBe(
      "cd '/home/me/my repo' || exit 1\nexport HOME=/home/me\nexport PATH=/usr/bin:/bin\n/usr/bin/node /opt/overnight/dist/cli.js start --session 20261202-2300-abcd >> '/home/me/my repo/.overnight/runner.log' 2>&1\n",
    );
  });

  test('the crontab line fires at that minute, hour, day and month, and ends with its marker', () => {
    expect(cronLine(SPEC, '/tmp/run.log')).toBe(
      "0 23 2 12 * cd '/home/me/my repo' && env HOME=/home/me PATH=/usr/bin:/bin /usr/bin/node /opt/overnight/dist/cli.js start --session 20261202-2300-abcd >> /tmp/run.log 2>&1 # overnight-20261202-2300-abcd",
    );
  });
});

describe('wakeEnv', () => {
  test('keeps what the runner needs and never an API key', () => {
    expect(wakeEnv({ PATH: '/bin', HOME: '/h', ANTHROPIC_API_KEY: 'sk-secret', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', GH_TOKEN: 't', OVERNIGHT_TRANSIENT_BACKOFF_MS: '200' })).toEqual({
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      HOME: '/h',
      OVERNIGHT_TRANSIENT_BACKOFF_MS: '200',
      PATH: '/bin',
    });
  });
});
