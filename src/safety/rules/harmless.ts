/**
 * Help and dry-run forms of commands: `terraform destroy --help`, `gh repo delete --help`,
 * `rsync -n --delete ...`, `aws s3 rm --dryrun ...` print what they would do and change nothing,
 * so the rules judge only what the shell itself does around them: their redirections (`rm --help >
 * ~/.bashrc` still truncates the file), as for a command line with no command. Everything the
 * analyzer found elsewhere in the line is still judged.
 */
import type { Invocation } from '../invocation.js';

/**
 * Dry-run options per program, from each program's manual: rsync(1) `-n`/`--dry-run`; the AWS
 * CLI `--dryrun` (s3 commands) and `--dry-run` (ec2); rclone `-n`/`--dry-run`; GNU make `-n`/
 * `--just-print`/`--dry-run`/`--recon`; apt-get(8) `-s`/`--simulate`/`--just-print`/`--dry-run`/
 * `--recon`/`--no-act`. `short` letters count inside a cluster of short options (`-avn`).
 */
const DRY_RUN: Record<string, { short: string; long: string[] }> = {
  rsync: { short: 'n', long: ['--dry-run'] },
  aws: { short: '', long: ['--dryrun', '--dry-run'] },
  rclone: { short: 'n', long: ['--dry-run'] },
  make: { short: 'n', long: ['--just-print', '--dry-run', '--recon'] },
  gmake: { short: 'n', long: ['--just-print', '--dry-run', '--recon'] },
  'apt-get': { short: 's', long: ['--simulate', '--just-print', '--dry-run', '--recon', '--no-act'] },
  apt: { short: 's', long: ['--simulate', '--just-print', '--dry-run', '--recon', '--no-act'] },
};

/** Programs whose later words are a command for something else (a remote shell, a server): `--help` there is that command's argument. */
const PASS_THROUGH = new Set(['ssh', 'redis-cli', 'valkey-cli', 'keydb-cli', 'sudo', 'doas', 'su', 'env', 'xargs', 'watch', 'timeout', 'nohup', 'nice', 'time', 'exec', 'command']);
/** Container tools pass the words after these subcommands to a command in the container. */
const CONTAINER_TOOLS = new Set(['docker', 'podman', 'nerdctl', 'kubectl', 'oc']);
const CONTAINER_RUN = new Set(['run', 'exec', 'debug', 'attach', 'create', 'start']);

/** Programs (Go flag / cobra / mitchellh-cli tools) where `-h` and `-help` mean `--help` too. */
const SHORT_HELP = new Set(['terraform', 'tofu', 'kubectl', 'helm', 'gh', 'fly', 'flyctl', 'vercel', 'pulumi', 'packer', 'nomad', 'consul', 'vault']);

/**
 * The form the rules should judge `inv` as, when it is a help or dry-run form: no command, the
 * same redirections; undefined otherwise.
 *
 * `--help` counts when every word before it is an option or a lower-case subcommand word
 * (`gh repo delete --help`), so it cannot be the value of an option (`curl -d --help`) or an
 * argument after an operand that some programs stop parsing at (`rm -rf / --help` is judged as
 * written); never for programs that pass their later words on (PASS_THROUGH).
 */
export function harmlessForm(inv: Invocation): Invocation | undefined {
  const args = inv.argv.slice(1);
  if (args.length === 0 || args.some((a) => a.value === null)) return undefined;
  const vals = args.map((a) => a.value!);
  const end = vals.indexOf('--');
  const own = end < 0 ? vals : vals.slice(0, end);
  const dry = DRY_RUN[inv.name];
  const harmless = isHelp(inv.name, own) || (dry !== undefined && own.some((v) => dry.long.includes(v.split('=')[0]!) || (dry.short !== '' && /^-[A-Za-z]+$/.test(v) && [...dry.short].some((c) => v.includes(c)))));
  return harmless ? { ...inv, argv: [], name: '' } : undefined;
}

function isHelp(name: string, own: string[]): boolean {
  if (PASS_THROUGH.has(name)) return false;
  if (CONTAINER_TOOLS.has(name) && own.some((v) => CONTAINER_RUN.has(v))) return false;
  const helpWords = SHORT_HELP.has(name) ? ['--help', '-help', '-h'] : ['--help'];
  const at = own.findIndex((v) => helpWords.includes(v));
  if (at < 0) return false;
  return own.slice(0, at).every((v, k, before) => (/^--?[A-Za-z][\w-]*$/.test(v) && !optionTakesNext(before, k)) || (/^[a-z][a-z-]*$/.test(v) && !(k > 0 && /^-/.test(before[k - 1]!) && !before[k - 1]!.includes('='))));
}

/** An option word directly followed by the help word could be taking it as its value; options before are fine. */
function optionTakesNext(before: string[], k: number): boolean {
  return k === before.length - 1 && !before[k]!.includes('=');
}
