/**
 * What git says about a night: the integration branch's commits and each merged item's commits.
 * Read-only git commands (`rev-parse`, `log`, `remote`); the user's checkout is never touched.
 */
import { execa } from 'execa';
import type { SessionManifest, SessionState } from '../session/state.js';
import type { CommitFact, GitFacts } from './types.js';

async function git(repoRoot: string, args: string[]): Promise<string | undefined> {
  const r = await execa('git', args, { cwd: repoRoot, reject: false, stdin: 'ignore' });
  return r.exitCode === 0 ? String(r.stdout) : undefined;
}

/** Parses `git log --format=%H%x09%s` output. */
export function parseLog(text: string | undefined): CommitFact[] {
  if (!text) return [];
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const tab = l.indexOf('\t');
      return tab < 0 ? { hash: l.trim(), subject: '' } : { hash: l.slice(0, tab), subject: l.slice(tab + 1) };
    });
}

/**
 * Collects GitFacts for a session:
 * - integrationHead: `git rev-parse --verify <integration branch>`;
 * - integrationCommits: `git log --format=%H%x09%s <baseCommit>..<integration branch>` (newest first);
 * - itemCommits: for every item with a merge commit, `git log --reverse <merge>^1..<merge>^2`
 *   (the commits the merge brought in, oldest first); else the state's recorded commits' subjects;
 * - remotes: `git remote`;
 * - goneBranches: item branches of items not merged that `git rev-parse --verify` no longer finds;
 * - lostMerges: merged items whose merge commit is not an ancestor of the integration tip
 *   (`git merge-base --is-ancestor`), or every merged item when the branch is gone.
 * Never throws for a missing branch or commit (the facts are left empty).
 */
export async function collectGitFacts(repoRoot: string, manifest: SessionManifest, state: SessionState): Promise<GitFacts> {
  const head = (await git(repoRoot, ['rev-parse', '--verify', '--quiet', `refs/heads/${manifest.integrationBranch}`]))?.trim();
  const integrationCommits = head
    ? parseLog(await git(repoRoot, ['log', '--format=%H%x09%s', `${manifest.baseCommit}..${head}`]))
    : [];
  const itemCommits: Record<string, CommitFact[]> = {};
  const lostMerges: Record<string, string> = {};
  for (const [slug, st] of Object.entries(state.items)) {
    if (st.status !== 'merged') continue;
    // Shipped means held by the integration branch: a merge the tip no longer reaches is lost.
    const mergedAs = st.mergeCommit || st.commits.at(-1);
    if (mergedAs && !(head && (await git(repoRoot, ['merge-base', '--is-ancestor', mergedAs, head])) !== undefined)) lostMerges[slug] = mergedAs;
    if (st.mergeCommit) {
      const commits = parseLog(await git(repoRoot, ['log', '--reverse', '--format=%H%x09%s', `${st.mergeCommit}^1..${st.mergeCommit}^2`]));
      if (commits.length > 0) {
        itemCommits[slug] = commits;
        continue;
      }
    }
    const facts: CommitFact[] = [];
    for (const hash of st.commits) {
      const subject = (await git(repoRoot, ['log', '-1', '--format=%s', hash]))?.trim() ?? '';
      facts.push({ hash, subject });
    }
    itemCommits[slug] = facts;
  }
  const remotes = ((await git(repoRoot, ['remote'])) ?? '')
    .split('\n')
    .map((r) => r.trim())
    .filter(Boolean);
  const goneBranches: string[] = [];
  for (const st of Object.values(state.items)) {
    if (st.status === 'merged' || !st.branch) continue;
    if ((await git(repoRoot, ['rev-parse', '--verify', '--quiet', `refs/heads/${st.branch}`])) === undefined) goneBranches.push(st.branch);
  }
  return { integrationHead: head || undefined, integrationCommits, itemCommits, remotes, goneBranches, ...(Object.keys(lostMerges).length > 0 ? { lostMerges } : {}) };
}
