/**
 * Tables of command names the analyzer and the rules recognise: shells, interpreters, programs
 * that fetch from the network, and database clients.
 */

/** Shells that run a script from `-c`, a file operand, or standard input. */
export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'yash', 'fish', 'csh', 'tcsh', 'rbash', 'busybox']);

/** The interpreter family of a command name (`python3.12` -> `python`), or undefined. */
export function interpreterOf(name: string): 'python' | 'node' | 'perl' | 'ruby' | 'php' | 'deno' | 'bun' | undefined {
  if (/^(python|pypy)[0-9.]*$/.test(name)) return 'python';
  if (name === 'node' || name === 'nodejs') return 'node';
  if (/^perl[0-9.]*$/.test(name)) return 'perl';
  if (/^ruby[0-9.]*$/.test(name) || name === 'irb') return 'ruby';
  if (/^php[0-9.]*$/.test(name)) return 'php';
  if (name === 'deno') return 'deno';
  if (name === 'bun') return 'bun';
  return undefined;
}

/** Programs whose output is data fetched from the network. */
export const FETCHERS = new Set(['curl', 'wget', 'fetch', 'http', 'https', 'xh', 'xhs', 'httpie', 'aria2c', 'lynx', 'links', 'w3m', 'nc', 'ncat', 'netcat', 'socat', 'invoke-webrequest', 'iwr', 'lwp-request', 'GET', 'POST']);

/** Database command-line clients and the options that carry SQL (or a query language) text. */
export const DB_CLIENTS: Record<string, string[]> = {
  psql: ['-c', '--command'],
  mysql: ['-e', '--execute'],
  mariadb: ['-e', '--execute'],
  sqlite3: [],
  sqlite: [],
  sqlcmd: ['-Q', '-q', '--query'],
  'clickhouse-client': ['-q', '--query'],
  clickhouse: ['-q', '--query'],
  duckdb: ['-c'],
  cockroach: ['-e', '--execute'],
  cqlsh: ['-e', '--execute'],
  mongo: ['--eval'],
  mongosh: ['--eval'],
  'redis-cli': [],
  pgcli: ['-c'],
  mycli: ['-e', '--execute'],
  usql: ['-c', '--command'],
  snowsql: ['-q', '--query'],
  bq: [],
  spanner: [],
};

/** Commands that only print or name their arguments: a secret-looking word among them is a mention. */
export const MENTION_ONLY = new Set([
  'echo', 'printf', 'print', 'true', 'false', ':', 'test', '[', 'ls', 'stat', 'file', 'touch', 'rm', 'rmdir', 'unlink',
  'chmod', 'chown', 'realpath', 'readlink', 'basename', 'dirname', 'mkdir', 'which', 'type', 'du', 'wc', 'find', 'fd',
  'git-check-ignore', 'export', 'declare', 'local', 'readonly', 'set', 'unset', 'cd', 'pushd', 'popd', 'exit', 'return', 'shift',
  'sleep', 'date', 'pwd', 'whoami', 'id', 'uname', 'hostname', 'seq', 'yes', 'tput', 'clear',
]);

/** `git -c` keys whose values git runs as shell commands (git-config(1)). */
export const GIT_COMMAND_KEYS = /^(core\.(sshcommand|pager|editor|fsmonitor|askpass|hookspath)|sequence\.editor|diff\.external|diff\..*\.(textconv|command)|merge\..*\.driver|filter\..*\.(clean|smudge|process)|gpg\.(program|.*\.program)|credential\.helper|uploadpack\.packobjectshook|pager\..*|remote\..*\.(receivepack|uploadpack|vcs)|protocol\..*\.allow|ssh\.variant|core\.gitproxy)$/;
/** Environment variables whose value a program runs as a command. */
export const COMMAND_VARS = new Set(['GIT_SSH_COMMAND', 'GIT_SSH', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'GIT_PAGER', 'GIT_EXTERNAL_DIFF', 'GIT_ASKPASS', 'SSH_ASKPASS', 'PAGER', 'EDITOR', 'VISUAL', 'LESSOPEN', 'LESSCLOSE', 'PROMPT_COMMAND', 'BASH_ENV', 'ENV', 'GIT_PROXY_COMMAND', 'MANPAGER', 'SYSTEMD_PAGER']);
/** Options whose values programs run as shell commands (GTFOBins-style escapes). */
export const SHELL_OPTIONS: Record<string, string[]> = {
  tar: ['--to-command', '-I', '--use-compress-program', '--info-script', '-F', '--new-volume-script', '--checkpoint-action', '--rsh-command'],
  rsync: ['-e', '--rsh', '--rsync-path'],
  zip: ['-TT', '--unzip-command'],
  script: ['-c', '--command'],
  ssh: ['-o'],
  scp: ['-S', '-o'],
  sftp: ['-S', '-o'],
  git: ['--upload-pack', '--receive-pack', '--exec'],
};
