/**
 * Path resolution and classification for the policy, as pure string functions (POSIX paths;
 * nothing touches the file system, so symlinks are not followed: see docs/safety-policy.md,
 * "Known limits").
 */
import { posix } from 'node:path';
import type { PolicyContext } from './types.js';
import { globMatches } from './shell/expand.js';

/**
 * Resolves `p` against `cwd` (absolute) and `~` against `home`. Returns a normalised absolute
 * path, or null when `p` is relative and the cwd is unknown.
 */
export function resolvePath(p: string, cwd: string | null, home: string): string | null {
  let q = p;
  if (q === '~' || q.startsWith('~/')) q = home + q.slice(1);
  if (q.startsWith('/')) return normalise(q);
  if (cwd === null) return null;
  return normalise(posix.join(cwd, q));
}

function normalise(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** True when `p` equals `dir` or lies inside it. */
export function isWithin(p: string, dir: string): boolean {
  const d = normalise(dir);
  return p === d || p.startsWith(d === '/' ? '/' : d + '/');
}

/**
 * Where a path lies for a deletion or a write:
 * - `inside`: strictly inside the worktree (or inside an allowed path), and not in `.git`;
 * - `root`: the worktree root itself, or one of its ancestors (`/`, the repository...);
 * - `git`: a `.git` directory or file, or anything inside one;
 * - `denied`: inside one of ctx.denyPaths;
 * - `outside`: anywhere else.
 */
export type PathClass = 'inside' | 'root' | 'git' | 'denied' | 'outside';

export function classifyPath(abs: string, ctx: PolicyContext): PathClass {
  const root = normalise(ctx.worktreeRoot);
  for (const d of ctx.denyPaths) if (isWithin(abs, anchor(d, root))) return 'denied';
  // Case-insensitive: on macOS and Windows file systems `.GIT` is `.git`.
  if (abs.split('/').some((c) => c.toLowerCase() === '.git')) return 'git';
  if (isWithin(root, abs)) return 'root';
  if (isWithin(abs, root)) return 'inside';
  for (const a of ctx.allowPaths) {
    const an = anchor(a, root);
    if (abs !== an && isWithin(abs, an)) return 'inside';
  }
  return 'outside';
}

/** A configured path: absolute as is, relative to the worktree root otherwise. */
function anchor(p: string, root: string): string {
  return p.startsWith('/') ? normalise(p) : normalise(posix.join(root, p));
}

/** Device files that are fine to write to (`2>/dev/null`). */
export function isHarmlessDevice(abs: string): boolean {
  return /^\/dev\/(null|zero|stdout|stderr|stdin|tty|fd\/\d+|full|random|urandom)$/.test(abs) || abs.startsWith('/dev/fd/') || abs.startsWith('/proc/self/fd/');
}

const SECRET_NAME_RES: RegExp[] = [
  /^\.env$/,
  /^\.env\..+$/,
  /^.+\.env$/,
  /\.pem$/,
  /\.key$/,
  /^id_(rsa|dsa|ecdsa|ed25519)(?!.*\.pub$)/,
  /^\.npmrc$/,
  /^\.pypirc$/,
  /^[._]netrc$/,
  /^\.git-credentials$/,
  /^\.pgpass$/,
  /^\.my\.cnf$/,
  /^\.htpasswd$/,
  /^credentials(\.[a-z]+)?$/i,
  /credentials\.(json|ya?ml|toml|ini|xml|csv)$/i,
  /\.(p12|pfx|jks|keystore|kdbx|ppk)$/,
  /^secrets?\.(json|ya?ml|toml|env|ini|txt|properties|xml|conf|cfg)$/i,
  /^\.secrets?$/,
  /^service[-_]?account.*\.json$/i,
  /^\.?vault[-_]?pass(word)?(\.txt)?$/i,
  /^\.(bash|zsh|sh|psql|mysql|python|node_repl|sqlite|rediscli|irb|lesshst)_?history$/,
  /^\.envrc$/,
  /^\.vault-token$/,
  /^\.terraformrc$/,
  /^\.s3cfg$/,
  /^\.dockercfg$/,
  /^\.boto$/,
  /\.tfstate(\.backup)?$/,
];
/** Example files that document a secret file's shape and hold no secret. */
const SECRET_EXCEPTIONS = /^\.env\.(example|sample|template)(\.|$)|^\.env\.[a-z]+\.(example|sample|template)$|\.(example|sample|template)$/;
const SECRET_DIR_RES: RegExp[] = [
  /(^|\/)\.ssh\//,
  /(^|\/)\.gnupg\//,
  /(^|\/)\.aws\/(credentials|config|sso\/cache\/)/,
  /(^|\/)\.docker\/config\.json$/,
  /(^|\/)\.kube\/config$/,
  /(^|\/)\.config\/gh\/hosts\.ya?ml$/,
  /(^|\/)\.config\/gcloud\//,
  /(^|\/)\.azure\//,
  /(^|\/)\.terraform\.d\/credentials/,
  /(^|\/)\.password-store\//,
  /^\/proc\/[^/]+\/environ$/,
  /^\/(var\/)?run\/secrets\//,
  /^\/etc\/(shadow|gshadow|sudoers)/,
];

/**
 * True when the path names a secret file: `.env` and `.env.*` (but not `.env.example`,
 * `.env.sample`, `.env.template`), keys and certificates (`*.pem`, `*.key`, `id_rsa*`, `*.p12`),
 * package-registry and login tokens (`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`),
 * `credentials` files, `secrets.{json,yaml,...}`, and anything in `~/.ssh`, `~/.gnupg`,
 * `~/.aws/credentials`, cloud CLI config folders, `/proc/<pid>/environ`, `/etc/shadow`.
 * Works on absolute or relative paths and on globs whose last part could match a secret name.
 */
export function isSecretPath(p: string): boolean {
  // Judged in lower case too: on case-insensitive file systems `.ENV` is `.env`.
  return isSecretPathExact(p) || (p !== p.toLowerCase() && isSecretPathExact(p.toLowerCase()));
}

function isSecretPathExact(p: string): boolean {
  const name = posix.basename(p);
  if (SECRET_DIR_RES.some((re) => re.test(p))) return true;
  if (/(^|\/)(\.ssh|\.gnupg|\.aws|\.password-store)$/.test(p)) return true;
  if (/[*?[]/.test(name)) {
    // A name made only of wildcards (`dist/*`, `*.*`) names every file, not a secret one: `md5sum
    // dist/*` is fine. Secret folders (`~/.ssh/*`) are caught above; `.env*`, `*.pem`, `id_*` below.
    if (/^[*?.]+$/.test(name)) return false;
    return ['.env', '.env.local', '.env.production', 'id_rsa', 'server.pem', 'server.key', 'credentials'].some((s) => globMatches(name, s));
  }
  if (SECRET_EXCEPTIONS.test(name)) return false;
  return SECRET_NAME_RES.some((re) => re.test(name));
}
