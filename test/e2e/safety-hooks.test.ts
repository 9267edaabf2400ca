/**
 * The safety hooks end to end: the real Claude Code CLI (`claude -p --plugin-dir <this plugin>`)
 * driven by the scripted stand-in model runs a destructive command, a force-push, a write outside
 * its worktree and a question. Each is denied by the plugin's hooks, nothing outside the worktree
 * changes, the agent reads the reason in its next request, the question waits in `deferred/`, and
 * every call is in audit.jsonl. Then the same for an interactive-style session (no overnight
 * environment), and the second layer (`--settings` deny rules) holding when the hooks crash, and
 * the gates failing closed when the plugin is not built.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.js';
import { policyFileFromConfig } from '../../src/hooks/policy-context.js';
import { buildAgentSettings } from '../../src/safety/settings.js';
import { ENV } from '../../src/session/paths.js';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import type { ModelRequest } from '../../src/standin/script.js';
import { PROJECT_ROOT, runClaude } from '../support/claude.js';
import { GIT_ENV, makeRepo, type TestRepo } from '../support/repo.js';

const TOOLS = 'Bash,Read,Write,Edit,MultiEdit,Glob,Grep,NotebookEdit,AskUserQuestion';
/** Makes `claude -p` offer AskUserQuestion to the model, so the ask gate can answer it. */
const ASK_ENABLING_ARGS = ['--permission-prompt-tool', 'stdio'];

let model: StandinModel;
let repo: TestRepo;
let remote: string;
let outside: string;

/** The tool_result text the model received for the call it made at `turn` (0-based). */
function resultAfter(requests: ModelRequest[], turn: number): { content: string; is_error?: boolean } | undefined {
  const req = requests.find((r) => r.turnIndex === turn + 1);
  return req?.lastToolResults[0];
}

function readAudit(file: string): any[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

/**
 * `claude -p "<prompt> <marker>"` in `cwd` with the plugin at `pluginDir`, the gated tools allowed
 * and git's test identity; checks that it produced a result line and returns it with the model
 * requests of the marker's conversation.
 */
async function runScripted(opts: { cwd: string; prompt: string; marker: string; pluginDir: string; args: string[]; env?: Record<string, string>; timeoutMs?: number }) {
  const run = await runClaude({
    cwd: opts.cwd,
    prompt: `${opts.prompt} ${opts.marker}`,
    modelUrl: model.url,
    pluginDir: opts.pluginDir,
    args: ['--allowedTools', TOOLS, ...opts.args],
    env: { ...opts.env, ...GIT_ENV },
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
  expect(run.result, run.stderr).toBeDefined();
  return { run, requests: model.requestsFor(opts.marker) };
}

beforeAll(async () => {
  model = await startStandinModel({ scripts: [] });
  repo = makeRepo({ 'src/app.ts': 'export const app = 1;\n' });
  remote = mkdtempSync(join(tmpdir(), 'overnight-remote-'));
  execFileSync('git', ['init', '-q', '--bare', remote]);
  repo.git('remote', 'add', 'origin', remote);
  repo.git('push', '-q', 'origin', 'main');
  outside = mkdtempSync(join(tmpdir(), 'overnight-outside-'));
  writeFileSync(join(outside, 'precious.txt'), 'keep me\n');
}, 60_000);

afterAll(async () => {
  await model?.close();
  repo?.remove();
  for (const dir of [remote, outside]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('safety hooks with the real Claude Code CLI', () => {
  it('denies a destructive command, a force-push, a write outside the worktree and a question; records all of it', async () => {
    const sessionId = '20261121-2300-e2e';
    const sessionDir = join(repo.root, '.overnight/sessions', sessionId);
    const worktree = join(repo.root, '.overnight/worktrees', sessionId, 'csv-export');
    const branch = `overnight/${sessionId}--csv-export`;
    mkdirSync(join(sessionDir, 'deferred'), { recursive: true });
    repo.git('worktree', 'add', '-q', '-b', branch, worktree);
    writeFileSync(join(sessionDir, 'policy.json'), JSON.stringify(policyFileFromConfig(defaultConfig().safety, repo.root)));
    const remoteMainBefore = execFileSync('git', ['--git-dir', remote, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    const planted = join(outside, 'planted.txt');

    const marker = `SAFETY-E2E-${Date.now()}`;
    const turns = [
      { tool: 'Bash', input: { command: `rm -rf ${outside}`, description: 'clean up' } },
      { tool: 'Bash', input: { command: 'git push --force origin HEAD:main', description: 'publish' } },
      { tool: 'Write', input: { file_path: planted, content: 'planted by the agent\n' } },
      {
        tool: 'AskUserQuestion',
        input: {
          questions: [
            {
              question: 'Should the CSV export include a header row?',
              header: 'CSV header',
              options: [
                { label: 'Yes', description: 'Column names on the first line' },
                { label: 'No', description: 'Data only' },
              ],
              multiSelect: false,
            },
          ],
        },
      },
      { tool: 'Bash', input: { command: 'git status --short && echo inside > inside.txt', description: 'status' } },
      { tool: 'Write', input: { file_path: join(worktree, 'notes.md'), content: '# Notes\n' } },
    ];
    model.addScript({ marker, turns, final: { text: 'Done.\nTASK_COMPLETE' } });

    const { run, requests } = await runScripted({
      cwd: worktree,
      prompt: 'Work on the CSV export.',
      marker,
      pluginDir: PROJECT_ROOT,
      // In -p mode Claude Code offers AskUserQuestion only with a permission prompt tool
      // (2.1.330: "AskUserQuestion is disabled for this session" otherwise); the runner passes it.
      args: ['--max-turns', '12', ...ASK_ENABLING_ARGS],
      env: {
        [ENV.sessionDir]: sessionDir,
        [ENV.worktree]: worktree,
        [ENV.itemSlug]: 'csv-export',
        [ENV.ownBranch]: branch,
        [ENV.repoRoot]: repo.root,
      },
      timeoutMs: 150_000,
    });
    expect(requests.length).toBeGreaterThanOrEqual(turns.length + 1);
    expect(requests[0]!.body.tools.map((t: { name: string }) => t.name)).toContain('AskUserQuestion');

    // 1. rm -rf outside: denied, nothing deleted, the agent read why.
    expect(existsSync(join(outside, 'precious.txt'))).toBe(true);
    expect(resultAfter(requests, 0)?.content).toContain('Denied by the overnight safety gate [fs.rm-outside-worktree]');
    // 2. force-push: denied, the remote's main did not move.
    expect(execFileSync('git', ['--git-dir', remote, 'rev-parse', 'main'], { encoding: 'utf8' }).trim()).toBe(remoteMainBefore);
    expect(resultAfter(requests, 1)?.content).toContain('[git.force-push]');
    // 3. write outside the worktree: denied, no file.
    expect(existsSync(planted)).toBe(false);
    expect(resultAfter(requests, 2)?.content).toContain('file.outside-worktree');
    // 4. the question: denied with guidance, recorded in deferred/.
    expect(resultAfter(requests, 3)?.content).toContain('Decide for yourself');
    const deferred = readdirSync(join(sessionDir, 'deferred'));
    expect(deferred).toHaveLength(1);
    expect(deferred[0]).toMatch(/^\d{8}T\d{6}Z-csv-export-1\.md$/);
    const question = readFileSync(join(sessionDir, 'deferred', deferred[0]!), 'utf8');
    expect(question).toContain('Should the CSV export include a header row?');
    expect(question).toContain('- **Yes**: Column names on the first line');
    expect(question).toContain(run.result.session_id);
    // 5, 6. ordinary work inside the worktree goes through.
    expect(readFileSync(join(worktree, 'inside.txt'), 'utf8')).toBe('inside\n');
    expect(readFileSync(join(worktree, 'notes.md'), 'utf8')).toBe('# Notes\n');

    // Every call is in audit.jsonl: the four denials as gate lines, the allowed calls with outcomes.
    const audit = readAudit(join(sessionDir, 'audit.jsonl'));
    const toolUses = requests
      .slice(1)
      .map((r) => r.messages.at(-2))
      .flatMap((m: any) => (Array.isArray(m?.content) ? m.content.filter((b: any) => b.type === 'tool_use') : []));
    expect(toolUses).toHaveLength(turns.length);
    for (const use of toolUses) {
      expect(audit.some((l) => l.tool_use_id === use.id), `${use.name} ${use.id} audited`).toBe(true);
    }
    const denials = audit.filter((l) => l.decision === 'deny');
    expect(denials.map((l) => l.rule).sort()).toEqual(['ask.unattended', 'file.outside-worktree', 'fs.rm-outside-worktree', 'git.force-push']);
    expect(denials.every((l) => l.item === 'csv-export' && l.session_id === run.result.session_id)).toBe(true);
    expect(audit.filter((l) => l.event === 'PostToolUse').map((l) => l.tool).sort()).toEqual(['Bash', 'Write']);
  }, 180_000);

  it('protects an interactive-style session too (no overnight environment): the repository root is the boundary', async () => {
    const marker = `SAFETY-INTERACTIVE-${Date.now()}`;
    model.addScript({
      marker,
      turns: [
        { tool: 'Bash', input: { command: `cd src && rm -rf ${outside}`, description: 'x' } },
        { tool: 'Bash', input: { command: 'git reset --hard HEAD', description: 'x' } },
        { tool: 'Bash', input: { command: 'mkdir -p build && rm -rf build && echo cleaned', description: 'x' } },
      ],
      final: { text: 'Done.' },
    });
    const { requests } = await runScripted({ cwd: repo.root, prompt: 'Tidy up.', marker, pluginDir: PROJECT_ROOT, args: ['--max-turns', '8'] });
    expect(existsSync(join(outside, 'precious.txt'))).toBe(true);
    expect(resultAfter(requests, 0)?.content).toContain('[fs.rm-outside-worktree]');
    expect(resultAfter(requests, 1)?.content).toContain('[git.reset-hard]');
    expect(resultAfter(requests, 2)?.content).toContain('cleaned');
    // No session: nothing is written under .overnight.
    expect(existsSync(join(repo.root, '.overnight/sessions/none'))).toBe(false);
  }, 150_000);

  it('keeps denying through the --settings deny rules when the hooks crash (Claude Code fails open on a crashed hook)', async () => {
    // A copy of the plugin whose gates crash (exit 1): Claude Code lets such calls through.
    const broken = mkdtempSync(join(tmpdir(), 'overnight-broken-plugin-'));
    cpSync(join(PROJECT_ROOT, '.claude-plugin'), join(broken, '.claude-plugin'), { recursive: true });
    mkdirSync(join(broken, 'hooks'));
    const crash = { type: 'command', command: 'node -e "process.exit(1)"', timeout: 10 };
    writeFileSync(join(broken, 'hooks/hooks.json'), JSON.stringify({ hooks: { PreToolUse: [{ matcher: '*', hooks: [crash] }] } }));
    const worktree = join(repo.root, '.overnight/worktrees/20261121-2300-e2e/layer2');
    repo.git('worktree', 'add', '-q', '-b', 'overnight/20261121-2300-e2e--layer2', worktree);
    const settingsFile = join(broken, 'settings.json');
    const settings = buildAgentSettings(
      { worktreeRoot: worktree, protectedBranches: ['main'], ownBranch: 'overnight/20261121-2300-e2e--layer2', allowPaths: [], denyPaths: [], allowCommands: [], denyCommands: [], home: '/root' },
      { repoRoot: repo.root },
    );
    writeFileSync(settingsFile, JSON.stringify(settings));
    const remoteMainBefore = execFileSync('git', ['--git-dir', remote, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    const marker = `SAFETY-LAYER2-${Date.now()}`;
    model.addScript({
      marker,
      turns: [
        { tool: 'Bash', input: { command: 'git push --force origin HEAD:main', description: 'x' } },
        { tool: 'Bash', input: { command: 'git push origin HEAD:main', description: 'x' } },
        { tool: 'Write', input: { file_path: join(worktree, '.env'), content: 'TOKEN=x\n' } },
        { tool: 'Bash', input: { command: 'echo still-working', description: 'x' } },
      ],
      final: { text: 'Done.' },
    });
    try {
      const { run, requests } = await runScripted({ cwd: worktree, prompt: 'Ship it.', marker, pluginDir: broken, args: ['--settings', settingsFile, '--max-turns', '8'] });
      expect(execFileSync('git', ['--git-dir', remote, 'rev-parse', 'main'], { encoding: 'utf8' }).trim()).toBe(remoteMainBefore);
      expect(resultAfter(requests, 0)?.content).toMatch(/denied/i);
      expect(resultAfter(requests, 1)?.content).toMatch(/denied/i);
      expect(existsSync(join(worktree, '.env'))).toBe(false);
      expect(resultAfter(requests, 3)?.content).toContain('still-working');
      expect(run.result.permission_denials.length).toBeGreaterThanOrEqual(3);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, 150_000);

  it('fails closed when the plugin is not built: the gates cannot run, so every gated call is denied', async () => {
    // The real hooks.json, in a copy of the plugin with no dist/ (a plugin copy whose dist/ is missing or broken).
    const unbuilt = mkdtempSync(join(tmpdir(), 'overnight-unbuilt-plugin-'));
    cpSync(join(PROJECT_ROOT, '.claude-plugin'), join(unbuilt, '.claude-plugin'), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'hooks'), join(unbuilt, 'hooks'), { recursive: true });
    const marker = `SAFETY-UNBUILT-${Date.now()}`;
    model.addScript({
      marker,
      turns: [
        { tool: 'Bash', input: { command: 'echo hi > gate-missing.txt', description: 'x' } },
        { tool: 'Write', input: { file_path: join(repo.root, 'gate-missing-2.txt'), content: 'x\n' } },
      ],
      final: { text: 'Done.' },
    });
    try {
      const { requests } = await runScripted({ cwd: repo.root, prompt: 'Write a file.', marker, pluginDir: unbuilt, args: ['--max-turns', '6'] });
      for (const turn of [0, 1]) expect(resultAfter(requests, turn)?.content, `turn ${turn}`).toContain('the safety gate did not run');
      expect(existsSync(join(repo.root, 'gate-missing.txt'))).toBe(false);
      expect(existsSync(join(repo.root, 'gate-missing-2.txt'))).toBe(false);
    } finally {
      rmSync(unbuilt, { recursive: true, force: true });
    }
  }, 150_000);
});
