/**
 * Deleting and writing files from the shell: inside the worktree is fine; the worktree root,
 * `.git`, `safety.deny_paths` and anything outside the worktree (except `safety.allow_paths`)
 * are not. Paths are resolved against the command's working directory (after any `cd` earlier in
 * the same command line) and `~` against the home directory; a path that is only known when the
 * command runs counts as unsafe for deletion.
 */
import { posix } from 'node:path';
import type { Invocation } from '../analyze.js';
import type { Arg } from '../shell/expand.js';
import { globMatches } from '../shell/expand.js';
import { classifyPath, isHarmlessDevice, isSecretPath, resolvePath } from '../paths.js';
import type { PolicyContext } from '../types.js';
import { operands, options, type Hit, type RuleInfo } from './types.js';

export const INFO: RuleInfo[] = [
  {
    id: 'fs.rm-outside-worktree',
    domain: 'files',
    description: 'Deleting or moving away files outside the worktree (including `/`, the home directory and the repository itself).',
    reason: 'This deletes files outside your worktree, which belong to the user or to other work. Instead, delete only files inside your worktree; if something outside is in the way, note it in your commit message and go on.',
    examples: ['rm -rf /', 'rm -rf ~', 'rm -rf ../other-item', 'cd / && rm -rf tmp', 'find / -name "*.log" -delete', 'mv ~/.bashrc ./x'],
    settingsPatterns: ['Bash(rm -rf /:*)', 'Bash(rm -rf /*:*)', 'Bash(rm -rf ~:*)', 'Bash(rm -rf ~/:*)', 'Bash(rm -rf ..:*)', 'Bash(rm -rf ../:*)', 'Bash(sudo rm:*)'],
  },
  {
    id: 'fs.rm-worktree-root',
    domain: 'files',
    description: 'Deleting the worktree root itself.',
    reason: 'This deletes your whole worktree, including its .git link, and loses all work in it. Instead, delete the specific files or folders you mean (e.g. `rm -rf ./dist`).',
    examples: ['rm -rf .', 'rm -rf "$(pwd)"', 'rm -rf /work/repo/.overnight/worktrees/s1/item'],
    settingsPatterns: ['Bash(rm -rf .:*)', 'Bash(rm -rf ./:*)'],
  },
  {
    id: 'fs.rm-git-dir',
    domain: 'files',
    description: 'Deleting, moving or overwriting `.git` or anything inside it.',
    reason: 'This deletes or changes git metadata (.git), which destroys history and breaks the worktree. Instead, use git commands to change history-safe state (commit, branch), and leave .git alone.',
    examples: ['rm -rf .git', 'rm -rf .git/refs', 'rm -rf .*', 'find . -name .git -exec rm -rf {} +', 'mv .git /tmp/'],
    settingsPatterns: ['Bash(rm -rf .git:*)', 'Bash(rm -rf ./.git:*)'],
  },
  {
    id: 'fs.rm-unknown-target',
    domain: 'files',
    description: 'Deleting a path that is only known when the command runs (an unset variable, a command substitution, stdin).',
    reason: 'This deletes a path the gate cannot know in advance (a variable from the environment, a command substitution or input from a pipe), so it could be `/` or the home directory. Instead, write the path literally, or assign the variable in the same command (`d=./build; rm -rf "$d"`).',
    examples: ['rm -rf $DIR', 'rm -rf "$X"/', 'rm -rf $(cat list)', 'cat list | xargs rm -rf', 'python -c "import shutil,sys; shutil.rmtree(sys.argv[1])" x'],
  },
  {
    id: 'fs.write-outside-worktree',
    domain: 'files',
    description: 'Writing files outside the worktree from the shell (redirections, `tee`, `cp`/`mv`/`ln` destinations, `touch`, `mkdir`, `sed -i`...).',
    reason: 'This writes outside your worktree (for example a shell start-up file, a system file or another checkout). Instead, keep every file you create or change inside your worktree.',
    examples: ['echo x > /etc/passwd', 'echo "alias ls=rm" >> ~/.bashrc', 'cp build/app /usr/local/bin/', 'tee ~/.profile', 'sed -i s/a/b/ /etc/hosts'],
  },
  {
    id: 'fs.deny-path',
    domain: 'files',
    description: 'Deleting or writing a path listed in `safety.deny_paths`.',
    reason: 'This path is protected by the repository configuration (safety.deny_paths). Instead, leave it unchanged and mention in your commit message what you would have changed.',
    examples: ['rm -rf <a deny_paths entry>'],
  },
];

const WRITE_OPS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

/** Deletion and write checks for one simple command. */
export function check(inv: Invocation, ctx: PolicyContext): Hit | undefined {
  for (const r of inv.redirects) {
    if (!r.target) continue;
    if (r.op === '>&' && r.target.value !== null && /^(\d+|-)$/.test(r.target.value)) continue;
    if (!WRITE_OPS.has(r.op) && r.op !== '>&') continue;
    const hit = writeTarget(r.target, inv.cwd, ctx);
    if (hit) return hit;
  }
  if (inv.find?.deletes) {
    for (const b of inv.find.bases) {
      if (b === null) return { ruleId: 'fs.rm-unknown-target', detail: 'find -delete from a starting point only known at run time' };
      const c = classifyPath(b, ctx);
      if (c === 'outside') return { ruleId: 'fs.rm-outside-worktree', detail: `find -delete under ${b}` };
      if (c === 'denied') return { ruleId: 'fs.deny-path', detail: b };
      if (c === 'git') return { ruleId: 'fs.rm-git-dir', detail: b };
      if (c === 'root') {
        if (b !== norm(ctx.worktreeRoot)) return { ruleId: 'fs.rm-outside-worktree', detail: `find -delete under ${b}` };
        if (!inv.find.narrowing) return { ruleId: 'fs.rm-worktree-root', detail: `find ${b} -delete deletes everything, .git included` };
        if (inv.find.canHitGit) return { ruleId: 'fs.rm-git-dir', detail: `the find tests can match files in ${b}/.git` };
      }
    }
  }
  const args = inv.argv.slice(1);
  switch (inv.name) {
    case 'rm':
    case 'rmdir':
    case 'unlink':
    case 'srm':
    case 'trash':
    case 'trash-put':
    // Node deletion CLIs, usually run through npx/pnpm dlx/yarn dlx (unwrapped by the analyzer).
    case 'rimraf':
    case 'del-cli':
    case 'trash-cli':
    case 'gio': {
      const targets = inv.name === 'gio' ? (args[0]?.value === 'trash' || args[0]?.value === 'remove' ? operands(args.slice(1)) : []) : operands(args);
      for (const t of targets) {
        const hit = deleteTarget(t, inv.cwd, ctx);
        if (hit) return hit;
      }
      return undefined;
    }
    case 'mv': {
      const ops = operands(args, ['-t', '--target-directory', '-S', '--suffix']);
      const tIdx = args.findIndex((a) => a.value === '-t' || a.value === '--target-directory');
      const dest = tIdx >= 0 ? args[tIdx + 1] : ops[ops.length - 1];
      const sources = tIdx >= 0 ? ops : ops.slice(0, -1);
      for (const s of sources) {
        const hit = deleteTarget(s, inv.cwd, ctx);
        if (hit) return hit;
      }
      if (dest) return writeTarget(dest, inv.cwd, ctx);
      return undefined;
    }
    case 'cp':
    case 'install':
    case 'ln':
    case 'rsync': {
      const valueOpts = inv.name === 'rsync' ? ['-e', '--rsh', '--exclude', '--include', '--filter', '-f', '--exclude-from', '--include-from', '--files-from', '--chmod', '--chown', '--backup-dir', '--suffix', '--log-file', '--password-file', '--temp-dir', '-T', '--compare-dest', '--link-dest'] : ['-t', '--target-directory', '-S', '--suffix', '-m', '--mode', '-o', '--owner', '-g', '--group'];
      const ops = operands(args, valueOpts);
      const tIdx = args.findIndex((a) => a.value === '-t' || a.value === '--target-directory');
      let dest = tIdx >= 0 ? args[tIdx + 1] : ops.length >= 2 || inv.name !== 'ln' ? ops[ops.length - 1] : undefined;
      if (inv.name === 'ln' && ops.length === 1) dest = undefined;
      if (inv.name === 'rsync' && dest?.value && /^[^/]*:/.test(dest.value)) return undefined; // remote: deploy rules
      if (inv.name === 'rsync' && options(args).some((o) => o.startsWith('--delete')) && dest) {
        const hit = deleteTarget(dest, inv.cwd, ctx);
        if (hit) return hit;
      }
      if (dest) return writeTarget(dest, inv.cwd, ctx);
      return undefined;
    }
    case 'tee':
    case 'touch':
    case 'mkdir':
    case 'truncate':
    case 'mkfifo':
    case 'mktemp': {
      if (inv.name === 'mktemp') return undefined;
      const valueOpts = inv.name === 'truncate' ? ['-s', '--size', '-r', '--reference'] : inv.name === 'mkdir' ? ['-m', '--mode'] : inv.name === 'touch' ? ['-d', '-t', '-r', '--date', '--reference'] : [];
      for (const t of operands(args, valueOpts)) {
        const hit = writeTarget(t, inv.cwd, ctx);
        if (hit) return hit;
      }
      return undefined;
    }
    case 'dd': {
      const of = args.find((a) => a.value?.startsWith('of='));
      if (of?.value) {
        const p = resolvePath(of.value.slice(3), inv.cwd, ctx.home);
        if (p && p.startsWith('/dev/') && !isHarmlessDevice(p)) return undefined; // disk rules
        return writeTarget({ ...of, value: of.value.slice(3), text: of.value.slice(3) }, inv.cwd, ctx);
      }
      return undefined;
    }
    case 'tar':
    case 'bsdtar':
    case 'unzip':
    case '7z':
    case 'curl':
    case 'wget':
    case 'git': {
      const dest = outputDir(inv);
      for (const d of dest) {
        const hit = writeTarget(d, inv.cwd, ctx);
        if (hit) return hit;
      }
      return undefined;
    }
    case 'sed':
    case 'perl': {
      const inPlace = options(args).some((o) => (inv.name === 'sed' ? /^-[^-]*i|^--in-place/.test(o) : /^-[^-]*i/.test(o)));
      if (!inPlace) return undefined;
      const hasScriptOpt = args.some((a) => a.value !== null && /^-[^-]*[ef]$|^--expression|^--file/.test(a.value));
      const ops = operands(args, ['-e', '-f', '--expression', '--file', '-E']);
      const files = hasScriptOpt ? ops : ops.slice(1);
      for (const t of files) {
        const hit = writeTarget(t, inv.cwd, ctx);
        if (hit) return hit;
      }
      return undefined;
    }
  }
  return undefined;
}

function norm(p: string): string {
  return posix.normalize(p).replace(/(.)\/$/, '$1');
}

/** Judges one deletion target (an argument of rm, a source of mv...). */
export function deleteTarget(t: Arg, cwd: string | null, ctx: PolicyContext): Hit | undefined {
  if (t.value === null) return { ruleId: 'fs.rm-unknown-target', detail: `target \`${t.text}\`` };
  if (t.value === '') return undefined;
  const p = resolvePath(t.value, cwd, ctx.home);
  if (p === null) return { ruleId: 'fs.rm-unknown-target', detail: `\`${t.value}\` relative to a directory only known at run time` };
  if (t.glob) return globTarget(p, ctx);
  const c = classifyPath(p, ctx);
  switch (c) {
    case 'inside':
      return undefined;
    case 'root':
      return p === norm(ctx.worktreeRoot) ? { ruleId: 'fs.rm-worktree-root', detail: p } : { ruleId: 'fs.rm-outside-worktree', detail: `${p} contains the worktree` };
    case 'git':
      return { ruleId: 'fs.rm-git-dir', detail: p };
    case 'denied':
      return { ruleId: 'fs.deny-path', detail: p };
    case 'outside':
      return { ruleId: 'fs.rm-outside-worktree', detail: p };
  }
}

/** A glob deletion target: judged by the directory the pattern starts in, and whether it can reach `.git`. */
function globTarget(p: string, ctx: PolicyContext): Hit | undefined {
  const parts = p.split('/');
  const k = parts.findIndex((s) => /[*?[]/.test(s));
  const base = parts.slice(0, k).join('/') || '/';
  const pattern = parts[k] ?? '*';
  const c = classifyPath(base, ctx);
  if (c === 'outside') return { ruleId: 'fs.rm-outside-worktree', detail: p };
  if (c === 'denied') return { ruleId: 'fs.deny-path', detail: p };
  if (c === 'git') return { ruleId: 'fs.rm-git-dir', detail: p };
  if (c === 'root') {
    if (base !== norm(ctx.worktreeRoot)) return { ruleId: 'fs.rm-outside-worktree', detail: `${p} matches outside the worktree` };
    if (globMatches(pattern, '.git')) return { ruleId: 'fs.rm-git-dir', detail: `${p} matches .git` };
  }
  for (const d of ctx.denyPaths) {
    const dn = resolvePath(d, ctx.worktreeRoot, ctx.home);
    if (dn && dn.startsWith(base + '/')) return { ruleId: 'fs.deny-path', detail: `${p} can match ${d}` };
  }
  return undefined;
}

/** Judges one write target (a redirection, a copy destination...). */
export function writeTarget(t: Arg, cwd: string | null, ctx: PolicyContext): Hit | undefined {
  if (t.procsub) return undefined;
  if (t.value === null) return { ruleId: 'fs.write-outside-worktree', detail: `target \`${t.text}\` is only known at run time` };
  const p = resolvePath(t.value, cwd, ctx.home);
  if (p === null) return { ruleId: 'fs.write-outside-worktree', detail: `\`${t.value}\` relative to a directory only known at run time` };
  if (isHarmlessDevice(p)) return undefined;
  if (p.startsWith('/dev/')) return { ruleId: 'sys.write-device', detail: p };
  if (isSecretPath(p)) return { ruleId: 'secrets.write-file', detail: p };
  const c = t.glob ? classifyPath(p.split('/').slice(0, p.split('/').findIndex((s) => /[*?[]/.test(s))).join('/') || '/', ctx) : classifyPath(p, ctx);
  switch (c) {
    case 'inside':
      return undefined;
    case 'root':
      return p === norm(ctx.worktreeRoot) ? undefined : { ruleId: 'fs.write-outside-worktree', detail: p };
    case 'git':
      return { ruleId: 'fs.rm-git-dir', detail: `writes into ${p}` };
    case 'denied':
      return { ruleId: 'fs.deny-path', detail: p };
    case 'outside':
      return { ruleId: 'fs.write-outside-worktree', detail: p };
  }
}

/** Where an extractor, downloader or `git clone` writes: `tar -C`, `unzip -d`, `curl -o`, `wget -O/-P`, the clone directory. */
function outputDir(inv: Invocation): Arg[] {
  const args = inv.argv.slice(1);
  const out: Arg[] = [];
  const valueOf = (flags: string[], longs: string[]): void => {
    args.forEach((a, i) => {
      const v = a.value;
      if (v === null) return;
      if (flags.includes(v) && args[i + 1]) out.push(args[i + 1]!);
      for (const l of longs) if (v.startsWith(l + '=')) out.push({ ...a, value: v.slice(l.length + 1), text: v.slice(l.length + 1) });
      for (const f of flags) if (f.length === 2 && v.startsWith(f) && v.length > 2 && !v.startsWith('--')) out.push({ ...a, value: v.slice(2), text: v.slice(2) });
    });
  };
  switch (inv.name) {
    case 'tar':
    case 'bsdtar':
      valueOf(['-C', '--directory'], ['--directory']);
      break;
    case 'unzip':
      valueOf(['-d'], []);
      break;
    case '7z':
      args.forEach((a) => {
        if (a.value?.startsWith('-o') && a.value.length > 2) out.push({ ...a, value: a.value.slice(2), text: a.value.slice(2) });
      });
      break;
    case 'curl':
      valueOf(['-o', '--output', '--output-dir', '-c', '--cookie-jar', '-D', '--dump-header', '--trace', '--stderr'], ['--output', '--output-dir']);
      break;
    case 'wget':
      valueOf(['-O', '--output-document', '-P', '--directory-prefix', '-o', '--output-file', '-a', '--append-output'], ['--output-document', '--directory-prefix', '--output-file']);
      break;
    case 'git': {
      const i = args.findIndex((a) => a.value === 'clone');
      if (i < 0 || args.slice(0, i).some((a) => a.value !== null && !a.value.startsWith('-') && args[args.indexOf(a) - 1]?.value !== '-C' && args[args.indexOf(a) - 1]?.value !== '-c')) break;
      const ops = operands(args.slice(i + 1), ['-b', '--branch', '-o', '--origin', '--depth', '-c', '--config', '--reference', '--separate-git-dir', '-j', '--jobs', '--filter', '-u', '--upload-pack', '--template', '--shallow-since', '--shallow-exclude']);
      if (ops.length >= 2) out.push(ops[1]!);
      break;
    }
  }
  return out.filter((a) => a.value !== '-');
}
