/**
 * The text the operating system's schedulers need to wake a night up (issue 12, item 6), as pure
 * functions: a systemd user timer (`systemd-run --user --on-calendar`, systemd.time(7) calendar
 * syntax `YYYY-MM-DD HH:MM:SS`, plus the equivalent unit files for reference), a launchd agent
 * (launchd.plist(5): `StartCalendarInterval` with Month/Day/Hour/Minute), an `at` job (at(1):
 * `-t [[CC]YY]MMDDhhmm`) and a crontab line (crontab(5): minute hour day month weekday). Every
 * time is local wall-clock time, which is what these schedulers read.
 */

/** What to run, when, for which session. `argv` is the whole command (node, the CLI, its args). */
export interface WakeSpec {
  sessionId: string;
  /** When to run it (local time is used for every scheduler). */
  at: Date;
  /** The command line: absolute node binary, absolute dist/cli.js, then `start|resume --session <id>`. */
  argv: string[];
  /** The repository root: the command's working folder. */
  cwd: string;
  /** Environment the command needs (PATH, HOME; the test stand-in's variables in tests). */
  env: Record<string, string>;
}

/** The name the wake-up goes by in every scheduler: `overnight-<session-id>`. */
export function wakeName(sessionId: string): string {
  return `overnight-${sessionId}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** systemd.time(7) calendar event for one moment, local time: `2026-12-02 23:00:00`. */
export function systemdCalendar(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

/** Quotes one word for a shell (POSIX single quotes). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The argv of `systemd-run --user` that makes a transient timer and service named
 * `overnight-<id>`: the timer fires once at `spec.at` (`--on-calendar`), is persistent across a
 * reboot or suspend (`--timer-property=Persistent=true`: a missed time fires at the next boot), and the
 * service runs the command in the repository with the given environment.
 */
export function systemdRunArgs(spec: WakeSpec): string[] {
  return [
    'systemd-run',
    '--user',
    `--unit=${wakeName(spec.sessionId)}`,
    `--description=overnight: wake session ${spec.sessionId}`,
    `--on-calendar=${systemdCalendar(spec.at)}`,
    '--timer-property=Persistent=true',
    '--timer-property=AccuracySec=1s',
    `--working-directory=${spec.cwd}`,
    ...Object.entries(spec.env).map(([k, v]) => `--setenv=${k}=${v}`),
    '--',
    ...spec.argv,
  ];
}

/** The same timer as unit files (`~/.config/systemd/user/overnight-<id>.{timer,service}`), for the docs and for manual install. */
export function systemdUnits(spec: WakeSpec): { timer: string; service: string } {
  const name = wakeName(spec.sessionId);
  const env = Object.entries(spec.env).map(([k, v]) => `Environment=${JSON.stringify(`${k}=${v}`)}\n`).join('');
  return {
    timer: `[Unit]\nDescription=overnight: wake session ${spec.sessionId}\n\n[Timer]\nOnCalendar=${systemdCalendar(spec.at)}\nPersistent=true\nAccuracySec=1s\nUnit=${name}.service\n\n[Install]\nWantedBy=timers.target\n`,
    service: `[Unit]\nDescription=overnight: run session ${spec.sessionId}\n\n[Service]\nType=simple\nWorkingDirectory=${spec.cwd}\n${env}ExecStart=${spec.argv.map(shellQuote).join(' ')}\n`,
  };
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The launchd label: reverse-DNS style, `dev.overnight.<session-id>`. */
export function launchdLabel(sessionId: string): string {
  return `dev.overnight.${sessionId}`;
}

/**
 * A launchd agent plist (`~/Library/LaunchAgents/<label>.plist`, loaded with `launchctl
 * bootstrap gui/<uid>`): ProgramArguments, WorkingDirectory, EnvironmentVariables, and
 * StartCalendarInterval at the month, day, hour and minute of `spec.at` (launchd runs a missed
 * calendar job when the Mac wakes). The started runner removes the agent (it would fire again a year later).
 */
export function launchdPlist(spec: WakeSpec, logFile: string): string {
  const at = spec.at;
  const str = (s: string) => `<string>${xml(s)}</string>`;
  const env = Object.entries(spec.env)
    .map(([k, v]) => `      <key>${xml(k)}</key>${str(v)}\n`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n` +
    `<plist version="1.0">\n<dict>\n` +
    `  <key>Label</key>${str(launchdLabel(spec.sessionId))}\n` +
    `  <key>ProgramArguments</key>\n  <array>\n${spec.argv.map((a) => `    ${str(a)}\n`).join('')}  </array>\n` +
    `  <key>WorkingDirectory</key>${str(spec.cwd)}\n` +
    `  <key>EnvironmentVariables</key>\n  <dict>\n${env}  </dict>\n` +
    `  <key>StartCalendarInterval</key>\n  <dict>\n` +
    `    <key>Month</key><integer>${at.getMonth() + 1}</integer>\n    <key>Day</key><integer>${at.getDate()}</integer>\n` +
    `    <key>Hour</key><integer>${at.getHours()}</integer>\n    <key>Minute</key><integer>${at.getMinutes()}</integer>\n  </dict>\n` +
    `  <key>StandardOutPath</key>${str(logFile)}\n  <key>StandardErrorPath</key>${str(logFile)}\n` +
    `</dict>\n</plist>\n`
  );
}

/** at(1) `-t` time, local: `[CC]YYMMDDhhmm` (seconds dropped, so a job is never early: the minute is rounded up). */
export function atTime(at: Date): string {
  const t = new Date(at);
  if (t.getSeconds() > 0 || t.getMilliseconds() > 0) t.setMinutes(t.getMinutes() + 1, 0, 0);
  return `${t.getFullYear()}${pad(t.getMonth() + 1)}${pad(t.getDate())}${pad(t.getHours())}${pad(t.getMinutes())}`;
}

/** The shell script at(1) reads on stdin: cd to the repository, the environment, the command, output appended to `logFile`. */
export function atScript(spec: WakeSpec, logFile: string): string {
  const env = Object.entries(spec.env).map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join('');
  return `cd ${shellQuote(spec.cwd)} || exit 1\n${env}${spec.argv.map(shellQuote).join(' ')} >> ${shellQuote(logFile)} 2>&1\n`;
}

/** The marker comment that ends the crontab line of a session (how it is found and removed). */
export function cronMarker(sessionId: string): string {
  return `# ${wakeName(sessionId)}`;
}

/**
 * One crontab(5) line firing at the minute, hour, day and month of `spec.at` (rounded up to the
 * minute), ending with cronMarker. Cron has no year: the started runner removes the line.
 */
export function cronLine(spec: WakeSpec, logFile: string): string {
  const t = new Date(spec.at);
  if (t.getSeconds() > 0 || t.getMilliseconds() > 0) t.setMinutes(t.getMinutes() + 1, 0, 0);
  const env = Object.entries(spec.env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
  const command = `cd ${shellQuote(spec.cwd)} && ${env ? `env ${env} ` : ''}${spec.argv.map(shellQuote).join(' ')} >> ${shellQuote(logFile)} 2>&1`;
  return `${t.getMinutes()} ${t.getHours()} ${t.getDate()} ${t.getMonth() + 1} * ${command.replace(/%/g, '\\%')} ${cronMarker(spec.sessionId)}`;
}
