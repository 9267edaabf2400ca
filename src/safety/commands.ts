/**
 * Tables of command names the analyzer and the rules recognise: shells, interpreters, programs
 * that fetch from the network, and database clients.
 */

/** Shells that run a script from `-c`, a file operand, or standard input. */
export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'yash', 'fish', 'csh', 'tcsh', 'rbash', 'busybox']);

/** The interpreter family of a command name (`python3.12` -> `python`), or undefined. */
export function interpreterOf(name: string): 'python' | 'node' | 'perl' | 'ruby' | 'php' | 'deno' | 'bun' | 'lua' | undefined {
  if (/^(python|pypy)[0-9.]*$/.test(name)) return 'python';
  if (name === 'node' || name === 'nodejs') return 'node';
  if (/^perl[0-9.]*$/.test(name)) return 'perl';
  if (/^ruby[0-9.]*$/.test(name) || name === 'irb') return 'ruby';
  if (/^php[0-9.]*$/.test(name)) return 'php';
  if (name === 'deno') return 'deno';
  if (name === 'bun') return 'bun';
  if (/^(lua|luajit)[0-9.]*$/.test(name)) return 'lua';
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

/**
 * Configuration keys whose values git runs as shell commands (git-config(1): core.pager,
 * core.editor, core.sshCommand, diff.external, diff.<driver>.textconv, filter.<driver>.clean/smudge,
 * credential.helper, sequence.editor, gpg.program, difftool/mergetool.<tool>.cmd, trailer.<t>.cmd,
 * submodule.<name>.update `!cmd`...). Keys are lower-cased before matching (git compares section
 * and key names case-insensitively).
 */
export const GIT_COMMAND_KEYS = /^(core\.(sshcommand|pager|editor|fsmonitor|askpass|hookspath|alternaterefscommand)|sequence\.editor|diff\.external|diff\..*\.(textconv|command)|merge\..*\.driver|filter\..*\.(clean|smudge|process)|gpg\.(program|.*\.program|ssh\.defaultkeycommand)|credential\.helper|credential\..*\.helper|uploadpack\.packobjectshook|pager\..*|remote\..*\.(receivepack|uploadpack|vcs)|protocol\..*\.allow|ssh\.variant|core\.gitproxy|(difftool|mergetool)\..*\.cmd|trailer\..*\.(cmd|command)|sendemail\.(tocmd|cccmd|sendmailcmd|smtpserver)|submodule\..*\.update|browser\..*\.cmd|man\..*\.cmd|web\.browser|include\.path|includeif\..*\.path)$/;
/** Of GIT_COMMAND_KEYS, those whose value is a command only when it starts with `!` (otherwise a helper or mode name). */
export const GIT_BANG_KEYS = /^(credential\.helper|credential\..*\.helper|submodule\..*\.update)$/;
/** Of GIT_COMMAND_KEYS, those whose value is a path to files git reads or runs (hooks, included configuration), not a command line. */
export const GIT_PATH_KEYS = /^(core\.hookspath|include\.path|includeif\..*\.path)$/;
/** Options of git subcommands whose value git runs as a shell command (git-rebase(1) --exec, git-difftool(1) --extcmd, git-filter-branch(1), git-send-email(1), --upload-pack...). */
export const GIT_SUB_COMMAND_OPTIONS: Record<string, string[]> = {
  rebase: ['-x', '--exec'],
  difftool: ['-x', '--extcmd'],
  'filter-branch': ['--setup', '--env-filter', '--tree-filter', '--index-filter', '--parent-filter', '--msg-filter', '--commit-filter', '--tag-name-filter'],
  'send-email': ['--to-cmd', '--cc-cmd', '--header-cmd', '--sendmail-cmd', '--smtp-server'],
  fetch: ['--upload-pack'],
  pull: ['--upload-pack'],
  clone: ['-u', '--upload-pack'],
  'ls-remote': ['--upload-pack'],
  push: ['--receive-pack', '--exec'],
  archive: ['--exec'],
  'fetch-pack': ['--upload-pack', '--exec'],
  'send-pack': ['--receive-pack', '--exec'],
};
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
};

/**
 * An installed program printing its own shell completion script (`kubectl completion bash`,
 * `npm completion`, `gh completion -s zsh`, `rustup completions bash`): the text is fixed by the
 * program, not by anything on the command line, so `source <(kubectl completion bash)` runs no
 * code the agent chose. Programs named by a path (possibly written by the agent), shells,
 * interpreters and wrappers do not count.
 */
export function printsOwnCompletion(inv: { argv: Array<{ value: string | null }>; name: string; wrappers: string[]; via: string[] }): boolean {
  const a0 = inv.argv[0]?.value;
  if (a0 == null || a0.includes('/') || SHELLS.has(inv.name) || interpreterOf(inv.name) || inv.wrappers.length > 0) return false;
  const rest = inv.argv.slice(1).map((a) => a.value);
  if (rest.some((v) => v === null)) return false;
  const words = rest as string[];
  const at = words.findIndex((w) => w === 'completion' || w === 'completions' || w === '--completion' || w === '--completions');
  if (at < 0 || at > 1) return false;
  const after = words.slice(at + 1);
  return after.length <= 2 && after.every((w) => /^(-s|--shell|bash|zsh|fish|powershell|pwsh|elvish)$/.test(w)) && words.slice(0, at).every((w) => /^[a-z][a-z-]*$/.test(w));
}
