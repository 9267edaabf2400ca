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
