/**
 * Git history and pushes. An unattended agent may commit, branch, and push only its own branch
 * without force. It must not discard work in bulk or rewrite or delete history and refs.
 * Option spellings follow the git documentation (git-push(1), git-reset(1), git-clean(1),
 * git-checkout(1), git-restore(1), git-stash(1), git-branch(1), git-reflog(1), git-gc(1)).
 */
import type { Invocation } from '../analyze.js';
import { parseGitArgv, hasOpt } from '../git-argv.js';
import type { Arg } from '../shell/expand.js';
import { GIT_COMMAND_KEYS } from '../commands.js';
import { resolvePath, isWithin } from '../paths.js';
import type { PolicyContext } from '../types.js';
import type { Hit, RuleInfo } from './types.js';

const P = (s: string) => `Bash(${s}:*)`;

export const INFO: RuleInfo[] = [
  {
    id: 'git.force-push',
    domain: 'git',
    description: 'Force-pushing in any spelling: `-f`, `--force`, `--force-with-lease`, `--force-if-includes`, `+refspec`.',
    reason: 'git push --force rewrites published history. Instead, push your own branch without force, or just commit: the runner merges your work.',
    examples: ['git push --force', 'git push -f origin x', 'git push --force-with-lease', 'git push origin +HEAD:x', 'X=--force; git push $X'],
    settingsPatterns: [P('git push --force'), P('git push -f'), P('git push --force-with-lease'), P('git push --force-if-includes'), P('git push origin --force'), P('git push origin -f')],
  },
  {
    id: 'git.push-protected',
    domain: 'git',
    description: 'Pushing to a protected branch (`safety.protected_branches`: main, master, release/* ...).',
    reason: 'This pushes to a protected branch, which only a human merges into. Instead, commit on your own branch; the runner merges it into the integration branch and opens one pull request.',
    examples: ['git push origin main', 'git push origin HEAD:main', 'git push origin x:release/1.0', 'git checkout main && git push'],
    settingsPatterns: [P('git push origin main'), P('git push origin master'), P('git push origin HEAD:main'), P('git push origin HEAD:master')],
  },
  {
    id: 'git.push-not-own-branch',
    domain: 'git',
    description: 'In an unattended session, pushing anything but the agent\'s own branch (including a bare `git push` whose destination is unknown).',
    reason: 'An unattended agent may push only its own branch. Instead, push it by name (`git push origin <your branch>`), or do not push at all: committing is enough, the runner collects your branch.',
    examples: ['git push origin other-branch', 'git push origin v1.0', 'git push'],
  },
  {
    id: 'git.push-unknown',
    domain: 'git',
    description: 'Pushing a refspec that is only known when the command runs (`git push origin "$B"`, `git push origin $(...)`): it could force-push, delete or target a protected branch.',
    reason: 'The gate cannot see where this push goes (the refspec is computed when the command runs), so it could force-push or hit a protected branch. Instead, write the branch name literally: `git push origin <your branch>`.',
    examples: ['git push origin "$BRANCH"', "git push origin $(printf '+%s' main)"],
  },
  {
    id: 'git.push-delete',
    domain: 'git',
    description: 'Deleting remote refs: `git push --delete`, `-d`, `--prune`, `:refspec`.',
    reason: 'This deletes a branch or tag on the remote, which other people may rely on. Instead, leave remote refs alone; mention in your commit message what should be cleaned up.',
    examples: ['git push origin --delete feature', 'git push origin :feature', 'git push --prune origin'],
    settingsPatterns: [P('git push --delete'), P('git push origin --delete'), P('git push -d'), P('git push origin -d')],
  },
  {
    id: 'git.push-all',
    domain: 'git',
    description: 'Pushing every ref at once: `--mirror`, `--all`, `--branches`, `--tags`, `--follow-tags`, `-c push.default=matching`.',
    reason: 'This pushes (or with --mirror, overwrites and deletes) every branch or tag on the remote. Instead, push only your own branch by name.',
    examples: ['git push --mirror', 'git push --all origin', 'git push --tags'],
    settingsPatterns: [P('git push --mirror'), P('git push --all'), P('git push origin --mirror')],
  },
  {
    id: 'git.reset-hard',
    domain: 'git',
    description: '`git reset --hard` (discards uncommitted work and moves the branch).',
    reason: 'git reset --hard throws away uncommitted changes for good. Instead, commit or `git stash` your work first, use `git reset --soft`/`--mixed` to move the branch, or `git restore <file>` for one file.',
    examples: ['git reset --hard', 'git reset --hard HEAD~3', 'git -C sub reset --hard origin/main', "git -c alias.nuke='reset --hard' nuke"],
    settingsPatterns: [P('git reset --hard')],
  },
  {
    id: 'git.checkout-discard',
    domain: 'git',
    description: 'Discarding changes in bulk: `git checkout -- .`, `git checkout .`, `git restore .`, `git checkout -f`, `git switch --discard-changes`, `git rm -f .`, `git read-tree -u --reset`, `git checkout-index -a -f`.',
    reason: 'This discards uncommitted changes to every file at once. Instead, restore single files by name (`git restore path/to/file`), or commit first.',
    examples: ['git checkout -- .', 'git checkout .', 'git restore .', 'git restore --staged --worktree .', 'git checkout -f main'],
    settingsPatterns: [P('git checkout -- .'), P('git checkout .'), P('git restore .')],
  },
  {
    id: 'git.clean-force',
    domain: 'git',
    description: '`git clean -f` in any spelling (deletes untracked files in bulk); `-n` dry runs are fine.',
    reason: 'git clean -f deletes every untracked file, including new work that was never committed. Instead, delete the specific files you mean with rm, or preview with `git clean -n`.',
    examples: ['git clean -f', 'git clean -fd', 'git clean -xdf', 'git clean --force -x'],
    settingsPatterns: [P('git clean -f'), P('git clean -fd'), P('git clean -fdx'), P('git clean -xdf'), P('git clean --force')],
  },
  {
    id: 'git.stash-drop',
    domain: 'git',
    description: '`git stash drop` and `git stash clear` (delete stashed work).',
    reason: 'This deletes stashed work permanently. Instead, leave stashes alone (`git stash list` to look, `git stash pop` to bring work back).',
    examples: ['git stash drop', 'git stash clear', 'git stash drop stash@{0}'],
    settingsPatterns: [P('git stash drop'), P('git stash clear')],
  },
  {
    id: 'git.branch-force-delete',
    domain: 'git',
    description: '`git branch -D`, `git branch --delete --force` (deletes a branch even if unmerged).',
    reason: 'This deletes a branch whose commits may exist nowhere else. Instead, use `git branch -d` (refuses unless merged), or leave the branch: the runner cleans up.',
    examples: ['git branch -D feature', 'git branch --delete --force feature', 'git branch -d -f feature'],
    settingsPatterns: [P('git branch -D')],
  },
  {
    id: 'git.protected-ref',
    domain: 'git',
    description: 'Moving, renaming or deleting a protected branch locally (`git branch -f main`, `git update-ref refs/heads/main`, `git fetch . HEAD:main`, `git symbolic-ref HEAD refs/heads/main`). Worktrees share branches with the user\'s checkout.',
    reason: 'This rewrites a protected branch. Instead, work on your own branch; a human decides what reaches protected branches.',
    examples: ['git branch -f main HEAD~1', 'git branch -d main', 'git update-ref refs/heads/main HEAD', 'git fetch . HEAD:main'],
  },
  {
    id: 'git.merge-protected',
    domain: 'git',
    description: 'Merging, rebasing or pulling other work into a protected branch (e.g. `git checkout main && git merge x`); updating it from its own upstream (`git pull` on main, `git merge origin/main`) is fine. In unattended sessions also committing on it.',
    reason: 'This changes a protected branch directly. Instead, stay on your own branch and commit there; the runner merges finished work into the integration branch for review.',
    examples: ['git checkout main && git merge feature', 'git switch master && git pull origin feature', 'git rebase feature main', 'git checkout main && git rebase feature'],
  },
  {
    id: 'git.rewrite-history',
    domain: 'git',
    description: '`git filter-branch`, `git filter-repo` (rewrite every commit).',
    reason: 'This rewrites the whole history of the repository. Instead, make a new commit that changes what you need.',
    examples: ['git filter-branch --tree-filter "rm x" HEAD', 'git filter-repo --path secret --invert-paths'],
    settingsPatterns: [P('git filter-branch'), P('git filter-repo')],
  },
  {
    id: 'git.delete-ref',
    domain: 'git',
    description: '`git update-ref -d`, `git update-ref --stdin`, `git symbolic-ref -d` (delete refs directly).',
    reason: 'This deletes git refs directly, bypassing every safety check of git branch. Instead, leave refs alone; use `git branch -d` for a merged branch of your own.',
    examples: ['git update-ref -d refs/heads/x', 'git symbolic-ref -d HEAD'],
    settingsPatterns: [P('git update-ref -d')],
  },
  {
    id: 'git.reflog-expire',
    domain: 'git',
    description: '`git reflog expire --expire=now|all`, `git reflog delete` (remove the safety net of lost commits).',
    reason: 'This deletes the reflog, the only record of commits that no branch points to any more. Instead, leave the reflog alone.',
    examples: ['git reflog expire --expire=now --all', 'git reflog delete HEAD@{1}'],
    settingsPatterns: [P('git reflog expire'), P('git reflog delete')],
  },
  {
    id: 'git.gc-prune',
    domain: 'git',
    description: '`git gc --prune=now|all` and `git prune` (delete unreachable commits immediately).',
    reason: 'This deletes unreachable commits at once, so lost work cannot be recovered. Instead, run plain `git gc` if you must, or leave maintenance to the user.',
    examples: ['git gc --prune=now', 'git gc --aggressive --prune=all', 'git prune'],
    settingsPatterns: [P('git gc --prune=now'), P('git gc --prune=all')],
  },
  {
    id: 'git.worktree-remove',
    domain: 'git',
    description: '`git worktree remove --force`, or removing a worktree that is not inside your own.',
    reason: 'This removes a git worktree that may hold another item\'s uncommitted work. Instead, leave worktrees alone: the runner creates and removes them.',
    examples: ['git worktree remove --force ../other', 'git worktree remove /work/repo/.overnight/worktrees/s1/other'],
    settingsPatterns: [P('git worktree remove --force'), P('git worktree remove -f')],
  },
  {
    id: 'git.outside-worktree',
    domain: 'git',
    description: 'Git commands that change another checkout (the user\'s main checkout, another item\'s worktree) through the working directory, `-C`, `--work-tree` or `--git-dir`.',
    reason: 'This git command changes a checkout outside your worktree, such as the user\'s own checkout or another item\'s worktree. Instead, run git inside your worktree only (no -C, --work-tree or --git-dir pointing elsewhere).',
    examples: ['git -C /work/repo commit -am x', 'cd /work/repo && git checkout -- src/a.ts', 'git --work-tree=/ checkout HEAD -- etc/passwd', 'git -C ../other-item reset --soft HEAD~1'],
  },
  {
    id: 'git.config-global',
    domain: 'git',
    description: 'Changing the user\'s or the system\'s git configuration (`git config --global/--system`), the shared remotes (`git remote set-url`, `remote.*.url`, `url.*.insteadOf`, `include.path`), or settings that run hidden commands (shell aliases `alias.x=!cmd`, `core.hooksPath`, `core.fsmonitor`, `core.sshCommand`).',
    reason: 'This changes git settings shared with the user and every other checkout. Instead, pass settings for one command (`git -c key=value ...`) or leave configuration to the user.',
    examples: ['git config --global user.email x@y', 'git config --system core.editor vim', 'git remote set-url origin https://evil.example/x.git', "git config alias.x '!rm -rf /'", 'git config core.hooksPath /tmp/hooks'],
    settingsPatterns: [P('git config --global'), P('git config --system')],
  },
];

/** True when a branch name matches one of the protected globs (`*` = any run of characters but `/`, `**` = anything). */
export function isProtectedBranch(branch: string, globs: string[]): boolean {
  const b = branch.replace(/^refs\/heads\//, '');
  return globs.some((g) => branchGlob(g).test(b));
}

const GLOB_CACHE = new Map<string, RegExp>();
function branchGlob(g: string): RegExp {
  let re = GLOB_CACHE.get(g);
  if (!re) {
    re = new RegExp('^' + g.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*') + '$');
    GLOB_CACHE.set(g, re);
  }
  return re;
}

const BULK_PATHSPECS = new Set(['.', './', '*', ':/', ':(top)', ':/*', '-A', '..', '../']);

function isBulkPathspec(a: Arg, cwd: string | null, ctx: PolicyContext): boolean {
  if (a.value === null) return true;
  if (BULK_PATHSPECS.has(a.value) || a.value.startsWith(':(top)') || a.value === ':/') return true;
  const p = resolvePath(a.value, cwd, ctx.home);
  return p !== null && isWithin(ctx.worktreeRoot, p);
}

/**
 * Long options the rules below look for, per subcommand. git's option parser accepts any unique
 * prefix of a long option (gitcli(7), "abbreviated long options": `git reset --har`, `git clean
 * --forc`, `git branch --delet --forc x` all run), so an abbreviation of one of these is read as it.
 */
const WATCHED_LONG: Record<string, string[]> = {
  push: ['--force', '--force-with-lease', '--force-if-includes', '--delete', '--mirror', '--all', '--branches', '--tags', '--follow-tags', '--prune', '--set-upstream', '--repo'],
  reset: ['--hard'],
  clean: ['--force', '--dry-run'],
  rm: ['--force', '--cached'],
  'checkout-index': ['--all', '--force'],
  checkout: ['--force'],
  switch: ['--discard-changes', '--force', '--force-create'],
  restore: ['--worktree', '--staged', '--source'],
  branch: ['--delete', '--force', '--move'],
  gc: ['--prune'],
  prune: ['--expire', '--dry-run'],
  reflog: ['--expire', '--expire-unreachable'],
  worktree: ['--force'],
  'update-ref': ['--stdin'],
  'symbolic-ref': ['--delete'],
  config: ['--global', '--system', '--file'],
};

/** `--har` -> `--hard` (and `--forc=x` -> `--force=x`) for the options in WATCHED_LONG; other words unchanged. */
function expandAbbreviations(sub: string | null, args: Arg[]): Arg[] {
  const watched = sub !== null ? WATCHED_LONG[sub] : undefined;
  if (!watched) return args;
  return args.map((a) => {
    const v = a.value;
    if (v === null || !v.startsWith('--') || v.length < 3) return a;
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    if (watched.includes(name)) return a;
    const full = watched.find((w) => w.startsWith(name));
    if (!full) return a;
    const value = full + (eq < 0 ? '' : v.slice(eq));
    return { ...a, value };
  });
}

/** `git checkout -B main`, `git switch -C main`, `--force-create=main`: resets an existing protected branch to another commit. */
function forceCreate(args: Arg[], ctx: PolicyContext): Hit | undefined {
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === null) continue;
    const name = v === '-B' || v === '-C' || v === '--force-create' ? args[i + 1]?.value : v.startsWith('--force-create=') ? v.slice(15) : undefined;
    if (name != null && isProtectedBranch(name, ctx.protectedBranches)) return { ruleId: 'git.protected-ref', detail: `${v} ${name}` };
  }
  return undefined;
}

/** Checks one git invocation. */
export function check(inv: Invocation, ctx: PolicyContext): Hit | undefined {
  if (inv.name !== 'git') return undefined;
  const g = parseGitArgv(inv.argv);
  let cwd = inv.cwd;
  for (const d of g.chdirs) cwd = d === null ? null : resolvePath(d, cwd, ctx.home);
  const args = expandAbbreviations(g.sub, g.args);
  g.args = args;
  const vals = args.map((a) => a.value ?? '');
  const opts = vals.filter((v) => v.startsWith('-') && v !== '-');
  const dd = vals.indexOf('--');
  const operands = args.filter((a, i) => (dd >= 0 && i > dd) || !(a.value ?? '').startsWith('-') || a.value === '-');
  const current = inv.branch !== undefined ? inv.branch : ctx.currentBranch ?? undefined;
  if (g.sub !== null && MUTATING.has(g.sub) && !(g.sub === 'branch' && operands.length === 0) && !(g.sub === 'tag' && (operands.length === 0 || opts.includes('-l') || opts.includes('--list')))) {
    const hit = otherCheckout(g, cwd, ctx);
    if (hit) return hit;
  }
  const onProtected = current != null && isProtectedBranch(current, ctx.protectedBranches);
  switch (g.sub) {
    case 'push': {
      // `git -c remote.origin.push=+x:main push`, `-c remote.origin.mirror=true`: refspecs from configuration.
      for (const [k, v] of Object.entries(g.config)) {
        if (/^remote\..*\.mirror$/.test(k) && v !== 'false') return { ruleId: 'git.push-all', detail: `-c ${k}` };
        if (/^remote\..*\.push$/.test(k)) {
          const hit = push([args.find((a) => !(a.value ?? '').startsWith('-')) ?? { value: 'origin', text: 'origin', quoted: false, glob: false, unknownVars: [], vars: [], cmdsubs: [] }, { value: v, text: v, quoted: false, glob: false, unknownVars: [], vars: [], cmdsubs: [] }], inv, ctx);
          if (hit) return hit;
        }
      }
      // `-c push.default=matching` makes a bare push send every branch that exists on the remote, main included.
      if (g.config['push.followtags'] !== undefined && g.config['push.followtags'] !== 'false') return { ruleId: 'git.push-all', detail: '-c push.followTags' };
      if (g.config['push.default'] === 'matching' && !args.some((a, i) => i > 0 && !(a.value ?? '').startsWith('-'))) return { ruleId: 'git.push-all', detail: '-c push.default=matching' };
      return push(args, inv, ctx);
    }
    case 'reset':
      if (opts.includes('--hard')) return { ruleId: 'git.reset-hard' };
      return undefined;
    case 'checkout': {
      if (hasOpt(opts.filter((o) => !o.startsWith('--')), 'f') || opts.includes('--force')) return { ruleId: 'git.checkout-discard', detail: 'checkout --force' };
      const fc = forceCreate(args, ctx);
      if (fc) return fc;
      const paths = dd >= 0 ? args.slice(dd + 1) : operands.length >= 2 || (operands.length === 1 && operands[0]!.value === '.') ? operands : [];
      if (paths.some((a) => isBulkPathspec(a, cwd, ctx))) return { ruleId: 'git.checkout-discard' };
      return undefined;
    }
    case 'switch':
      if (opts.some((o) => o === '--discard-changes' || o === '-f' || o === '--force')) return { ruleId: 'git.checkout-discard', detail: 'switch --discard-changes' };
      return forceCreate(args, ctx);
    case 'restore': {
      const staged = opts.some((o) => o === '--staged' || o === '-S' || /^-[^-]*S/.test(o));
      const worktree = opts.some((o) => o === '--worktree' || o === '-W' || /^-[^-]*W/.test(o));
      if (staged && !worktree) return undefined;
      const paths = dd >= 0 ? args.slice(dd + 1) : operands;
      if (paths.some((a) => isBulkPathspec(a, cwd, ctx))) return { ruleId: 'git.checkout-discard', detail: 'restore of everything' };
      return undefined;
    }
    case 'rm': {
      // `git rm -rf .` deletes every tracked file, local changes included; `git rm -r --cached .` only unstages.
      if (opts.includes('--cached') || !hasOpt(opts, 'f', ['--force'])) return undefined;
      const paths = dd >= 0 ? args.slice(dd + 1) : operands;
      if (paths.some((a) => isBulkPathspec(a, cwd, ctx))) return { ruleId: 'git.checkout-discard', detail: 'git rm -f of everything' };
      return undefined;
    }
    case 'read-tree':
      if (opts.includes('--reset') && opts.some((o) => o === '-u' || /^-[^-]*u/.test(o))) return { ruleId: 'git.checkout-discard', detail: 'read-tree -u --reset' };
      return undefined;
    case 'checkout-index':
      if (hasOpt(opts, 'a', ['--all']) && hasOpt(opts, 'f', ['--force'])) return { ruleId: 'git.checkout-discard', detail: 'checkout-index --all --force' };
      return undefined;
    case 'clean':
      if (hasOpt(opts, 'n', ['--dry-run'])) return undefined;
      if (hasOpt(opts, 'f', ['--force'])) return { ruleId: 'git.clean-force' };
      return undefined;
    case 'stash':
      if (vals[0] === 'drop' || vals[0] === 'clear') return { ruleId: 'git.stash-drop' };
      return undefined;
    case 'branch': {
      const del = hasOpt(opts, 'dD', ['--delete']);
      const force = hasOpt(opts, 'fDMC', ['--force']);
      if (opts.some((o) => /^-[^-]*D/.test(o)) || (del && force)) return { ruleId: 'git.branch-force-delete' };
      const moves = del || force || hasOpt(opts, 'mM', ['--move']);
      if (moves && operands.some((a) => a.value !== null && isProtectedBranch(a.value, ctx.protectedBranches))) return { ruleId: 'git.protected-ref' };
      return undefined;
    }
    case 'merge':
    case 'pull': {
      if (opts.some((o) => o === '--abort' || o === '--quit' || o === '--continue')) return undefined;
      if (!onProtected) return undefined;
      // Bringing a protected branch up to date with its own upstream is fine; merging other work into it is not.
      const sources = g.sub === 'pull' ? operands.slice(1) : operands;
      if (sources.every((a) => a.value !== null && isOwnUpstream(a.value, current!))) return undefined;
      return { ruleId: 'git.merge-protected', detail: `${g.sub} ${sources.map((a) => a.text).join(' ')} into ${current}` };
    }
    case 'rebase': {
      if (opts.some((o) => ['--abort', '--quit', '--continue', '--skip', '--edit-todo', '--show-current-patch'].includes(o))) return undefined;
      const ops = operands.filter((a) => args[args.indexOf(a) - 1]?.value !== '--onto');
      const target = ops.length >= 2 ? ops[1]!.value : undefined;
      if (target != null && isProtectedBranch(target, ctx.protectedBranches)) return { ruleId: 'git.merge-protected', detail: `rebase of ${target}` };
      if (target === undefined && onProtected) {
        const upstream = ops[0]?.value;
        if (upstream === undefined || (upstream !== null && isOwnUpstream(upstream, current!))) return undefined;
        return { ruleId: 'git.merge-protected', detail: `rebase of ${current} onto ${upstream ?? ops[0]!.text}` };
      }
      return undefined;
    }
    case 'commit':
    case 'cherry-pick':
    case 'revert':
    case 'am':
      if (ctx.ownBranch && onProtected) return { ruleId: 'git.merge-protected', detail: `${g.sub} on ${current}` };
      return undefined;
    case 'filter-branch':
    case 'filter-repo':
      return { ruleId: 'git.rewrite-history' };
    case 'update-ref':
      if (opts.includes('-d') || opts.includes('--stdin')) return { ruleId: 'git.delete-ref' };
      if (operands[0]?.value && isProtectedBranch(operands[0].value.replace(/^refs\/heads\//, ''), ctx.protectedBranches) && operands[0].value.startsWith('refs/heads/')) return { ruleId: 'git.protected-ref' };
      return undefined;
    case 'symbolic-ref':
      if (opts.includes('-d') || opts.includes('--delete')) return { ruleId: 'git.delete-ref' };
      if (operands.length >= 2 && operands[1]!.value !== null && operands[1]!.value.startsWith('refs/heads/') && isProtectedBranch(operands[1]!.value, ctx.protectedBranches)) return { ruleId: 'git.protected-ref', detail: `HEAD -> ${operands[1]!.value}` };
      return undefined;
    case 'fetch': {
      // `git fetch . HEAD:main` moves a local branch without checking it out.
      for (const r of operands.slice(1)) {
        const v = r.value;
        if (v === null || !v.includes(':')) continue;
        const dst = v.slice(v.indexOf(':') + 1).replace(/^refs\/heads\//, '');
        if (dst !== '' && isProtectedBranch(dst, ctx.protectedBranches)) return { ruleId: 'git.protected-ref', detail: `fetch into ${dst}` };
      }
      return undefined;
    }
    case 'send-pack':
      return push(args, inv, ctx);
    case 'reflog':
      if (vals[0] === 'delete') return { ruleId: 'git.reflog-expire' };
      if (vals[0] === 'expire' && opts.some((o) => /^--expire(-unreachable)?=(now|all|0)/.test(o) || o === '--expire' || o === '--expire-unreachable')) return { ruleId: 'git.reflog-expire' };
      return undefined;
    case 'gc':
      if (opts.some((o) => /^--prune=(now|all)/.test(o))) return { ruleId: 'git.gc-prune' };
      return undefined;
    case 'prune':
      // Without --expire, git prune deletes every unreachable loose object at once (git-prune(1)).
      if (hasOpt(opts, 'n', ['--dry-run'])) return undefined;
      return { ruleId: 'git.gc-prune', detail: 'git prune' };
    case 'worktree': {
      if (vals[0] === 'add' || vals[0] === 'move') {
        const ops = args.slice(1).filter((a, i, arr) => !(a.value ?? '').startsWith('-') && !['-b', '-B', '--reason'].includes(arr[i - 1]?.value ?? ''));
        const target = vals[0] === 'add' ? ops[0] : ops[1];
        const p = target?.value != null ? resolvePath(target.value, cwd, ctx.home) : null;
        if (target && (p === null || !isWithin(p, ctx.worktreeRoot) || p === ctx.worktreeRoot.replace(/\/$/, ''))) return { ruleId: 'fs.write-outside-worktree', detail: `git worktree ${vals[0]} ${target.text}` };
        return undefined;
      }
      if (vals[0] !== 'remove') return undefined;
      const rest = args.slice(1);
      if (rest.some((a) => a.value === '--force' || a.value === '-f' || a.value === '-ff')) return { ruleId: 'git.worktree-remove', detail: 'remove --force' };
      const target = rest.find((a) => !(a.value ?? '').startsWith('-'));
      const p = target?.value != null ? resolvePath(target.value, cwd, ctx.home) : null;
      if (p === null || !isWithin(p, ctx.worktreeRoot) || p === ctx.worktreeRoot.replace(/\/$/, '')) return { ruleId: 'git.worktree-remove' };
      return undefined;
    }
    case 'config': {
      const scope = opts.some((o) => o === '--global' || o === '--system');
      const read = opts.some((o) => /^--(get|get-all|get-regexp|get-urlmatch|list|show-origin|show-scope|name-only|null|type|default|includes|no-includes)/.test(o) || o === '-l') || vals[0] === 'get' || vals[0] === 'list';
      const write = !read && (operands.length >= 2 || opts.some((o) => /^--(unset|unset-all|add|replace-all|rename-section|remove-section|edit)$/.test(o) || o === '-e') || ['set', 'unset', 'rename-section', 'remove-section', 'edit'].includes(vals[0] ?? ''));
      if (scope && write) return { ruleId: 'git.config-global' };
      const key = operands.find((a) => a.value !== null && !['set', 'add'].includes(a.value));
      const value = key ? operands[operands.indexOf(key) + 1] : undefined;
      if (key?.value && /^alias\./i.test(key.value) && value && (value.value === null || value.value.trimStart().startsWith('!'))) return { ruleId: 'git.config-global', detail: 'a shell alias hides its command from the gate' };
      if (key?.value && GIT_COMMAND_KEYS.test(key.value.toLowerCase()) && value) return { ruleId: 'git.config-global', detail: `${key.value} runs commands the gate cannot see` };
      if (key?.value && /^(remote\..*\.(url|pushurl|push|mirror|receivepack|uploadpack)|url\..*\.(insteadof|pushinsteadof)|include\.path|includeif\..*\.path|core\.(worktree|bare|gitproxy)|branch\..*\.(remote|merge|pushremote)|remote\.pushdefault)$/i.test(key.value) && (value || opts.some((o) => /^--(unset|unset-all|replace-all|add)$/.test(o)))) return { ruleId: 'git.config-global', detail: `${key.value} changes where the shared repository fetches from or pushes to` };
      return undefined;
    }
    case 'remote':
      if (['set-url', 'remove', 'rm', 'rename', 'set-head', 'prune'].includes(vals[0] ?? '')) return { ruleId: 'git.config-global', detail: `git remote ${vals[0]}` };
      return undefined;
  }
  return undefined;
}

/** True when `ref` names the branch itself or its remote-tracking upstream (`main`, `origin/main`, `@{u}`). */
function isOwnUpstream(ref: string, branch: string): boolean {
  return ref === branch || ref === '@{u}' || ref === '@{upstream}' || ref === 'FETCH_HEAD' || new RegExp(`^(refs/remotes/)?[^/]+/${branch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).test(ref) || ref === `refs/heads/${branch}`;
}

/** Subcommands that change a work tree, its index or its refs. */
const MUTATING = new Set(['add', 'am', 'apply', 'checkout', 'cherry-pick', 'clean', 'commit', 'merge', 'mv', 'pull', 'rebase', 'reset', 'restore', 'revert', 'rm', 'stash', 'switch', 'branch', 'tag', 'update-ref', 'update-index', 'notes', 'submodule', 'gc', 'prune', 'repack', 'replace', 'read-tree', 'checkout-index']);

/** A mutating git command aimed (by cwd, -C, --work-tree or --git-dir) at a checkout other than the worktree. */
function otherCheckout(g: ReturnType<typeof parseGitArgv>, cwd: string | null, ctx: PolicyContext): Hit | undefined {
  const dirs: Array<[string, string | null | undefined]> = [['directory', cwd], ['--work-tree', g.workTree === undefined ? undefined : g.workTree === null ? null : resolvePath(g.workTree, cwd, ctx.home)]];
  if (g.gitDir !== undefined) dirs.push(['--git-dir', g.gitDir === null ? null : resolvePath(g.gitDir, cwd, ctx.home)]);
  for (const [what, d] of dirs) {
    if (d === undefined) continue;
    if (d === null) return { ruleId: 'git.outside-worktree', detail: `git ${g.sub} in a ${what} only known at run time` };
    if (what === '--git-dir') {
      // The worktree's own git dir lives in the main repository's .git/worktrees/<name>; only that one is fine.
      if (isWithin(d, ctx.worktreeRoot)) continue;
      if (/\/\.git\/worktrees\/[^/]+$/.test(d) && d.endsWith('/' + posixBase(ctx.worktreeRoot))) continue;
      return { ruleId: 'git.outside-worktree', detail: `git ${g.sub} --git-dir=${d}` };
    }
    if (!isWithin(d, ctx.worktreeRoot) && !ctx.allowPaths.some((a) => isWithin(d, a))) return { ruleId: 'git.outside-worktree', detail: `git ${g.sub} in ${d}` };
  }
  return undefined;
}

function posixBase(p: string): string {
  return p.replace(/\/+$/, '').split('/').pop() ?? '';
}

const PUSH_VALUE_OPTS = new Set(['-o', '--push-option', '--repo', '--receive-pack', '--exec', '--recurse-submodules', '--signed']);

function push(args: Arg[], inv: Invocation, ctx: PolicyContext): Hit | undefined {
  const opts: string[] = [];
  const ops: Arg[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = a.value;
    if (v !== null && v.startsWith('-') && v.length > 1 && v !== '--') {
      opts.push(v);
      if (PUSH_VALUE_OPTS.has(v)) i++;
      continue;
    }
    if (v === '--') continue;
    ops.push(a);
  }
  if (opts.some((o) => o === '-n' || o === '--dry-run' || (/^-[^-]+$/.test(o) && o.includes('n')))) return undefined;
  if (opts.some((o) => /^--force(-with-lease|-if-includes)?(=|$)/.test(o) || (/^-[^-]+$/.test(o) && o.includes('f')))) return { ruleId: 'git.force-push' };
  if (opts.some((o) => ['--mirror', '--all', '--branches', '--tags', '--follow-tags'].includes(o))) return { ruleId: 'git.push-all' };
  if (opts.some((o) => o === '--delete' || o === '--prune' || (/^-[^-]+$/.test(o) && o.includes('d')))) return { ruleId: 'git.push-delete' };
  const current = inv.branch !== undefined ? inv.branch : ctx.currentBranch ?? null;
  const refspecs = ops.slice(1);
  const judge = (dst: string | null, how: string): Hit | undefined => {
    if (dst !== null && isProtectedBranch(dst, ctx.protectedBranches)) return { ruleId: 'git.push-protected', detail: `${how} to ${dst}` };
    if (ctx.ownBranch && dst !== ctx.ownBranch.replace(/^refs\/heads\//, '')) {
      return { ruleId: 'git.push-not-own-branch', detail: dst === null ? `${how}: the destination branch is unknown; name it (git push origin ${ctx.ownBranch})` : `${how} to ${dst}` };
    }
    return undefined;
  };
  if (refspecs.length === 0) return judge(current, 'git push');
  for (const r of refspecs) {
    const v = r.value;
    if (v === null) return { ruleId: 'git.push-unknown', detail: `git push ${r.text}` };
    if (v.startsWith('+')) return { ruleId: 'git.force-push', detail: `refspec ${v}` };
    if (v.startsWith(':')) return { ruleId: 'git.push-delete', detail: `refspec ${v}` };
    const colon = v.indexOf(':');
    const src = colon >= 0 ? v.slice(0, colon) : v;
    let dst: string | null = colon >= 0 ? v.slice(colon + 1) : v;
    if (dst === 'HEAD' || dst === '@' || (colon < 0 && (src === 'HEAD' || src === '@'))) dst = current;
    if (dst !== null) dst = dst.replace(/^refs\/heads\//, '');
    const hit = judge(dst, `git push ${v}`);
    if (hit) return hit;
  }
  return undefined;
}
