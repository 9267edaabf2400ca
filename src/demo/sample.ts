/**
 * The sample repository of `overnight demo` (and of the end-to-end tests and the benchmark): a
 * small CommonJS project with a backlog of five items that exercise every way a night can go:
 *
 * - 001 greeting: passes;
 * - 002 farewell (blocked_by 1): passes, and reads greeting's work (it starts from the integration
 *   branch after greeting was merged);
 * - 003 csv-export: the agent claims TASK_COMPLETE but its success condition fails: not merged;
 * - 004 csv-download (blocked_by 3): blocked because its dependency failed;
 * - 005 payments: the agent tries a force-push (the gate denies it) and says TASK_BLOCKED.
 *
 * Each item's body carries a marker (`[[overnight-demo:<slug>]]`) that the mission brief repeats,
 * so the scripted stand-in model can tell the conversations apart (src/demo/scripts.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { itemFileName } from '../backlog/filename.js';

/** Git identity for the sample repository and the agents' commits. */
export const DEMO_GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Overnight Demo',
  GIT_AUTHOR_EMAIL: 'demo@overnight.invalid',
  GIT_COMMITTER_NAME: 'Overnight Demo',
  GIT_COMMITTER_EMAIL: 'demo@overnight.invalid',
} as const;

/** The marker of an item's conversation: it appears in the item's body, hence in its mission brief. */
export function demoMarker(slug: string): string {
  return `[[overnight-demo:${slug}]]`;
}

export interface SampleItem {
  id: number;
  slug: string;
  title: string;
  blockedBy?: number[];
  /** Backlog `type` (default `feature`, an `approval.ask` type by default). */
  type?: string;
  verify: string;
  goal: string;
  criteria: string[];
}

/** The five items of the sample backlog. */
export const SAMPLE_ITEMS: SampleItem[] = [
  {
    id: 1,
    slug: 'greeting',
    title: 'Add a greeting helper',
    verify: 'node --test test/greeting.test.js',
    goal: 'Add `src/greeting.js` exporting `greet(name)` that returns `Hello, <name>!`.',
    criteria: ['`greet("Ada")` returns `Hello, Ada!`', 'A test in `test/greeting.test.js` covers it'],
  },
  {
    id: 2,
    slug: 'farewell',
    title: 'Add a farewell helper built on the greeting',
    blockedBy: [1],
    verify: 'node --test test/farewell.test.js',
    goal: 'Add `src/farewell.js` exporting `farewell(name)` that returns the greeting followed by ` Goodbye.`, reusing `greet` from `src/greeting.js`.',
    criteria: ['`farewell("Ada")` returns `Hello, Ada! Goodbye.`', 'It requires `./greeting.js` instead of repeating it', 'A test in `test/farewell.test.js` covers it'],
  },
  {
    id: 3,
    slug: 'csv-export',
    title: 'Export rows as CSV',
    verify: 'node --test test/csv.test.js',
    goal: 'Add `src/csv.js` exporting `toCsv(rows)` that quotes fields containing commas.',
    criteria: ['`toCsv([["a,b", "c"]])` returns `"a,b",c`', 'A test in `test/csv.test.js` covers it'],
  },
  {
    id: 4,
    slug: 'csv-download',
    title: 'Offer the CSV as a download',
    blockedBy: [3],
    verify: 'node --test test/download.test.js',
    goal: 'Add `src/download.js` that wraps `toCsv` output with a `Content-Disposition` header.',
    criteria: ['The header names the file `export.csv`'],
  },
  {
    id: 5,
    slug: 'payments',
    title: 'Charge cards through the payment sandbox',
    verify: 'node --test test/payments.test.js',
    goal: 'Call the payment provider sandbox to charge a test card.',
    criteria: ['A test charge of 1.00 succeeds against the sandbox'],
  },
];

/** A backlog item file's markdown. */
export function backlogMarkdown(item: SampleItem): string {
  const fm = [
    '---',
    `title: ${JSON.stringify(item.title)}`,
    'status: ready',
    `type: ${item.type ?? 'feature'}`,
    'priority: medium',
    ...(item.blockedBy?.length ? [`blocked_by: [${item.blockedBy.join(', ')}]`] : []),
    `verify: ${JSON.stringify(item.verify)}`,
    '---',
  ];
  return [
    ...fm,
    '## Goal',
    '',
    item.goal,
    '',
    `Reference: ${demoMarker(item.slug)}`,
    '',
    '## Acceptance criteria',
    '',
    ...item.criteria.map((c) => `- ${c}`),
    '',
  ].join('\n');
}

/** Options of the sample repository. */
export interface SampleRepoOptions {
  /** Absolute path of `claude` for `agent.claude_path`. */
  claudePath: string;
  concurrency?: number;
  /** `agent.idle_timeout` (e.g. `60s`). */
  idleTimeout?: string;
  /** `agent.retries` after a task failure. */
  retries?: number;
  /** `agent.conflict_retries` (re-runs after a merge conflict); unset: the default. */
  conflictRetries?: number;
  /** `agent.stall_timeout` (e.g. `5s`); unset: the default. */
  stallTimeout?: string;
  /** `agent.budget_usd`, USD per attempt (default 2). */
  agentBudgetUsd?: number;
  /** `agent.max_turns` (default 20). */
  maxTurns?: number;
  /** More top-level lines of overnight.config.yaml (e.g. `budget_usd: 1`). */
  extraConfig?: string[];
  /** Items to write (default SAMPLE_ITEMS). */
  items?: SampleItem[];
  /** Extra files committed in the initial commit (path -> content). */
  extraFiles?: Record<string, string>;
  /** Project checks run after each merge (default `node --test test/`). */
  checks?: string[];
}

/** The files of the sample repository (path relative to the root -> content). */
export function sampleFiles(opts: SampleRepoOptions): Record<string, string> {
  const items = opts.items ?? SAMPLE_ITEMS;
  const checks = opts.checks ?? ['node --test test/'];
  const config = [
    '# overnight.config.yaml of the generated sample repository',
    `concurrency: ${opts.concurrency ?? 2}`,
    'time_limit: 1h',
    ...(checks.length > 0 ? ['checks:', ...checks.map((c) => `  - ${JSON.stringify(c)}`)] : ['checks: []']),
    'agent:',
    `  claude_path: ${JSON.stringify(opts.claudePath)}`,
    `  max_turns: ${opts.maxTurns ?? 20}`,
    `  budget_usd: ${opts.agentBudgetUsd ?? 2}`,
    `  idle_timeout: ${opts.idleTimeout ?? '60s'}`,
    '  timeout: 5m',
    '  estimate: 2m',
    `  retries: ${opts.retries ?? 0}`,
    ...(opts.stallTimeout ? [`  stall_timeout: ${opts.stallTimeout}`] : []),
    ...(opts.conflictRetries !== undefined ? [`  conflict_retries: ${opts.conflictRetries}`] : []),
    'resources:',
    '  min_free_disk_mb: 0',
    '  max_load_per_core: 64',
    ...(opts.extraConfig ?? []),
    '',
  ].join('\n');
  const files: Record<string, string> = {
    'README.md': '# sample\n\nA small project for `overnight demo`.\n',
    'package.json': `${JSON.stringify({ name: 'overnight-sample', version: '1.0.0', private: true, type: 'commonjs', scripts: { test: 'node --test test/' } }, null, 2)}\n`,
    'src/index.js': "'use strict';\nmodule.exports = {};\n",
    'test/smoke.test.js': "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert');\ntest('the project loads', () => {\n  assert.deepStrictEqual(require('../src/index.js'), {});\n});\n",
    'overnight.config.yaml': config,
    ...(opts.extraFiles ?? {}),
  };
  for (const item of items) files[`backlog/${itemFileName(item.id, item.slug)}`] = backlogMarkdown(item);
  return files;
}

/**
 * Creates the sample repository in the empty (or new) folder `root`: writes the files, `git init`
 * on branch `main`, sets a local git identity, and commits everything in one commit.
 * Throws when git fails.
 */
export async function createSampleRepo(root: string, opts: SampleRepoOptions): Promise<void> {
  mkdirSync(root, { recursive: true });
  for (const [path, content] of Object.entries(sampleFiles(opts))) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  const env = { ...process.env, ...DEMO_GIT_IDENTITY, GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]) => execa('git', args, { cwd: root, env, stdin: 'ignore' });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', DEMO_GIT_IDENTITY.GIT_AUTHOR_NAME);
  await git('config', 'user.email', DEMO_GIT_IDENTITY.GIT_AUTHOR_EMAIL);
  await git('config', 'commit.gpgsign', 'false');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'sample project with a backlog');
}
