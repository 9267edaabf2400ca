/** Session fixtures for the report's unit tests: a manifest of five items and a finished state. */
import type { ItemState, ManifestItem, SessionManifest, SessionState } from '../../../src/session/state.js';
import type { AuditSummary, GitFacts } from '../../../src/report/types.js';

export function mItem(id: number, slug: string, extra: Partial<ManifestItem> = {}): ManifestItem {
  return {
    id,
    slug,
    title: `Item ${slug}`,
    file: `backlog/${String(id).padStart(3, '0')}-${slug}.md`,
    type: 'feature',
    priority: 'medium',
    dependsOn: [],
    verify: [`test -f ${slug}.txt`],
    maxTurns: 20,
    budgetUsd: 1,
    timeoutMs: 600_000,
    estimateMs: 600_000,
    round: 1,
    body: '## Goal\nx\n',
    acceptanceCriteria: ['x'],
    ...extra,
  };
}

export function manifest(): SessionManifest {
  return {
    version: 1,
    sandbox: 'on',
    id: '20261121-2300-abcd',
    created: '2026-11-21T23:00:00.000Z',
    repoRoot: '/repo',
    baseBranch: 'main',
    baseCommit: 'b'.repeat(40),
    integrationBranch: 'overnight/20261121-2300-abcd',
    timeLimitMs: 6 * 3_600_000,
    concurrency: 2,
    checks: ['npm test'],
    items: [
      mItem(1, 'alpha'),
      mItem(2, 'beta', { dependsOn: ['alpha'], round: 2 }),
      mItem(3, 'gamma', { verify: [] }),
      mItem(4, 'delta', { dependsOn: ['gamma'], round: 2 }),
      mItem(5, 'epsilon'),
    ],
  };
}

function attempt(n: number, start: string, end: string, extra: Record<string, unknown> = {}) {
  return { n, claudeSessionId: `uuid-${n}`, startedAt: start, endedAt: end, turns: 4, costUsd: 0.25, ...extra };
}

export function finishedState(): SessionState {
  const items: Record<string, ItemState> = {
    alpha: {
      slug: 'alpha', status: 'merged', branch: 'overnight/20261121-2300-abcd--alpha', commits: ['a1'.padEnd(40, '0')], mergeCommit: 'm1'.padEnd(40, '0'),
      attempts: [attempt(1, '2026-11-21T23:00:10.000Z', '2026-11-21T23:10:10.000Z', { outcome: 'complete' })],
      learnings: 'The test runner is `node --test`.',
    },
    beta: {
      slug: 'beta', status: 'merged', branch: 'overnight/20261121-2300-abcd--beta', commits: ['b1'.padEnd(40, '0')], mergeCommit: 'm2'.padEnd(40, '0'),
      attempts: [attempt(1, '2026-11-21T23:10:20.000Z', '2026-11-21T23:15:20.000Z', { outcome: 'complete' })],
    },
    gamma: {
      slug: 'gamma', status: 'failed', failureKind: 'task', reason: 'The success condition failed: npm test exited 1.', evidence: 'line1\nFAIL gamma.test.js\nexpected 2 got 3',
      branch: 'overnight/20261121-2300-abcd--gamma', commits: [],
      attempts: [attempt(1, '2026-11-21T23:00:10.000Z', '2026-11-21T23:05:10.000Z', { outcome: 'failed', failureKind: 'task' }), attempt(2, '2026-11-21T23:05:20.000Z', '2026-11-21T23:09:20.000Z', { outcome: 'failed', failureKind: 'task' })],
    },
    delta: { slug: 'delta', status: 'blocked', failureKind: 'dependency', reason: 'It depends on gamma, which failed.', attempts: [], commits: [] },
    epsilon: {
      slug: 'epsilon', status: 'blocked', reason: 'The API key for the payment sandbox is not available.', commits: [],
      attempts: [attempt(1, '2026-11-21T23:00:10.000Z', '2026-11-21T23:01:10.000Z', { outcome: 'blocked', turns: 2, costUsd: 0.05 })],
    },
  };
  return {
    version: 1, sessionId: '20261121-2300-abcd', phase: 'complete',
    startedAt: '2026-11-21T23:00:00.000Z', endedAt: '2026-11-21T23:20:00.000Z', items, updatedAt: '2026-11-21T23:20:00.000Z',
  };
}

export function gitFacts(): GitFacts {
  return {
    integrationHead: 'm2'.padEnd(40, '0'),
    integrationCommits: [
      { hash: 'm2'.padEnd(40, '0'), subject: "Merge branch 'overnight/20261121-2300-abcd--beta'" },
      { hash: 'b1'.padEnd(40, '0'), subject: 'beta: read alpha' },
      { hash: 'm1'.padEnd(40, '0'), subject: "Merge branch 'overnight/20261121-2300-abcd--alpha'" },
      { hash: 'a1'.padEnd(40, '0'), subject: 'alpha: add alpha.txt' },
    ],
    itemCommits: {
      alpha: [{ hash: 'a1'.padEnd(40, '0'), subject: 'alpha: add alpha.txt' }],
      beta: [{ hash: 'b1'.padEnd(40, '0'), subject: 'beta: read alpha' }],
    },
    remotes: [],
  };
}

export function noAudit(): AuditSummary {
  return { toolCalls: 0, denials: 0, byRule: [] };
}
