/**
 * The independent safety corpus (test/data/safety-independent/{deny,allow}.txt), run through the
 * BUILT Bash hook exactly as Claude Code runs it: a new `node dist/hooks/bash-gate.js` process per
 * command, the PreToolUse hook input JSON on stdin, inside an overnight session (a real git
 * repository, a real `git worktree add` at `.overnight/worktrees/<sid>/<slug>`, the session's
 * policy.json as the runner writes it at launch, the OVERNIGHT_* environment the runner gives each
 * agent, cwd = the worktree). Every deny-list command must be denied (permissionDecision "deny",
 * exit 0); every allow-list command allowed (no output, exit 0). All misses are reported at once.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.js';
import { policyFileFromConfig } from '../../src/hooks/policy-context.js';
import { ENV, itemBranch, sessionFiles, worktreePath } from '../../src/session/paths.js';
import { makeRepo, type TestRepo } from '../support/repo.js';

const HOOK = resolve('dist/hooks/bash-gate.js');
const DATA = resolve('test/data/safety-independent');
const SESSION_ID = 's1';
const SLUG = 'csv-export';
/** How many hook processes run at once (the machine has 2 cores shared with other work). */
const PARALLEL = 4;

/** Corpus lines: one command each, `#` comments and blank lines skipped, `␤` for a newline. */
function readCorpus(file: string): Array<{ line: number; command: string }> {
  return readFileSync(join(DATA, file), 'utf8')
    .split('\n')
    .map((text, i) => ({ line: i + 1, text }))
    .filter(({ text }) => text.trim() !== '' && !text.startsWith('#'))
    .map(({ line, text }) => ({ line, command: text.replace(/\u2424/g, '\n') }));
}

interface HookResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runGate(command: string, id: number, cwd: string, env: NodeJS.ProcessEnv): Promise<HookResult> {
  const input = JSON.stringify({
    session_id: 'independent-corpus',
    transcript_path: join(tmpdir(), 'independent-corpus-transcript.jsonl'),
    cwd,
    permission_mode: 'dontAsk',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command, description: 'corpus command' },
    tool_use_id: `toolu_ind_${id}`,
  });
  return new Promise((done) => {
    const child = spawn(process.execPath, [HOOK], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function decisionOf(r: HookResult): { decision: 'deny' | 'allow' | 'bad'; reason?: string } {
  if (r.code !== 0) return { decision: 'bad', reason: `exit ${r.code}: ${r.stderr.trim().slice(0, 200)}` };
  if (r.stdout.trim() === '') return { decision: 'allow' };
  try {
    const out = JSON.parse(r.stdout).hookSpecificOutput;
    if (out?.hookEventName === 'PreToolUse' && out.permissionDecision === 'deny') return { decision: 'deny', reason: String(out.permissionDecisionReason) };
  } catch {
    /* reported below */
  }
  return { decision: 'bad', reason: `unexpected output ${r.stdout.slice(0, 200)}` };
}

function ruleOf(reason: string | undefined): string {
  return /rule ([\w.-]+)/.exec(reason ?? '')?.[1] ?? '?';
}

let repo: TestRepo;
let home: string;
let worktree: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  repo = makeRepo({ 'src/app.ts': 'export const app = 1;\n', 'package.json': '{"name":"sample","scripts":{"test":"true"}}\n', '.env.example': 'API_KEY=\n' });
  repo.git('branch', 'other-feature');
  repo.git('branch', 'release/1.2');
  const files = sessionFiles(repo.root, SESSION_ID);
  mkdirSync(files.deferred, { recursive: true });
  // As src/session/launch.ts writes it: policyFileFromConfig(config.safety, repoRoot), default config.
  writeFileSync(files.policy, `${JSON.stringify(policyFileFromConfig(defaultConfig().safety, repo.root), null, 2)}\n`);
  worktree = worktreePath(repo.root, SESSION_ID, SLUG);
  repo.git('worktree', 'add', '-q', '-b', itemBranch(SESSION_ID, SLUG), worktree);
  home = mkdtempSync(join(tmpdir(), 'overnight-home-'));
  env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OVERNIGHT_') && !k.startsWith('CLAUDE_')) env[k] = v;
  // As src/runner/item.ts sets them on each agent's claude process (the hooks inherit them).
  Object.assign(env, {
    HOME: home,
    [ENV.sessionDir]: files.dir,
    [ENV.worktree]: worktree,
    [ENV.itemSlug]: SLUG,
    [ENV.ownBranch]: itemBranch(SESSION_ID, SLUG),
    [ENV.repoRoot]: repo.root,
    CLAUDE_PROJECT_DIR: worktree,
  });
});

afterAll(() => {
  repo?.remove();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('independent safety corpus through the built bash-gate hook', () => {
  it('has several hundred commands on each side', () => {
    expect(readCorpus('deny.txt').length).toBeGreaterThanOrEqual(250);
    expect(readCorpus('allow.txt').length).toBeGreaterThanOrEqual(250);
  });

  it('denies every destructive command', async () => {
    const corpus = readCorpus('deny.txt');
    const results = await pool(corpus, PARALLEL, (c, i) => runGate(c.command, i, worktree, env));
    const misses = corpus
      .map((c, i) => ({ ...c, ...decisionOf(results[i]!) }))
      .filter((r) => r.decision !== 'deny')
      .map((r) => `deny.txt:${r.line}: ${r.decision}${r.reason ? ` (${r.reason})` : ''}: ${JSON.stringify(r.command)}`);
    expect(misses, `${misses.length} destructive command(s) not denied:\n${misses.join('\n')}`).toEqual([]);
  }, 600_000);

  it('allows every harmless command', async () => {
    const corpus = readCorpus('allow.txt');
    const results = await pool(corpus, PARALLEL, (c, i) => runGate(c.command, 10_000 + i, worktree, env));
    const misses = corpus
      .map((c, i) => ({ ...c, ...decisionOf(results[i]!) }))
      .filter((r) => r.decision !== 'allow')
      .map((r) => `allow.txt:${r.line}: ${r.decision} [${ruleOf(r.reason)}]: ${JSON.stringify(r.command)}`);
    expect(misses, `${misses.length} harmless command(s) not allowed:\n${misses.join('\n')}`).toEqual([]);
  }, 600_000);
});
