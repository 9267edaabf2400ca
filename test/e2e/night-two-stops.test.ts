/**
 * Night two, the ways a night stops or cannot start, with the real CLI, real claude, real git and
 * the scripted model (issue 12, items 3, 5 and 10):
 * - `launch` refuses, with the fix, when the runner would not find claude; following the fix works;
 * - the runner finds claude wherever `doctor` does (no claude on PATH, no agent.claude_path: the
 *   plugin's own node_modules/.bin/claude), and the night ships;
 * - a night stopped early by a permanent failure (a 401) exits with code 3, notifies a webhook,
 *   still runs the pull-request step for what shipped, and says the 401 reason once.
 */
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStandinModel } from '../../src/standin/server.js';
import { greetingScript, simpleItemScript } from '../../src/demo/scripts.js';
import { demoMarker, SAMPLE_ITEMS, type SampleItem } from '../../src/demo/sample.js';
import { EXIT_STOPPED_PERMANENT } from '../../src/cli/exit-codes.js';
import { PROJECT_ROOT } from '../support/claude.js';
import { launch, makeNightRepo, nightEnv, nightFixture, overnight, readSession } from '../support/night.js';

const NOTES: SampleItem = { id: 3, slug: 'notes', title: 'Write release notes', verify: 'test -f done/notes.txt', goal: 'Write done/notes.txt.', criteria: ['done/notes.txt exists'] };

/** A webhook receiver on 127.0.0.1 that keeps every JSON body POSTed to it. */
async function webhookReceiver(): Promise<{ url: string; bodies: any[]; close: () => Promise<void> }> {
  const bodies: any[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      try {
        bodies.push(JSON.parse(text));
      } catch {
        bodies.push({ unparsed: text });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

/** Rewrites the sample config: drops agent.claude_path (or sets it), appends extra YAML. */
function editConfig(root: string, opts: { claudePath?: string; extra?: string }): void {
  const file = join(root, 'overnight.config.yaml');
  let text = readFileSync(file, 'utf8').replace(/^ {2}claude_path: .*\n/m, '');
  if (opts.claudePath) text = text.replace(/^agent:\n/m, `agent:\n  claude_path: ${JSON.stringify(opts.claudePath)}\n`);
  writeFileSync(file, `${text}${opts.extra ?? ''}`);
}

describe('where claude is found', () => {
  const fixture = nightFixture();

  it('launch refuses when the runner would not find claude; with the fix, doctor and the runner find the same binary and the night ships', async () => {
    fixture.model = await startStandinModel({ scripts: [greetingScript()] });
    const repo = (fixture.repo = await makeNightRepo({ items: [SAMPLE_ITEMS[0]!], concurrency: 1 }));
    // No claude on PATH (vitest's npx puts node_modules/.bin there: take every such folder out).
    const env = nightEnv(fixture.model.url);
    env.PATH = (env.PATH ?? '').split(delimiter).filter((d) => d && !existsSync(join(d, 'claude'))).join(delimiter);

    editConfig(repo.root, { claudePath: '/nonexistent/claude' });
    const refused = await overnight(repo.root, env, ['launch']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The runner would not find the claude binary (tried: /nonexistent/claude (agent.claude_path))');
    expect(refused.stderr).toContain('remove the key to let overnight look for claude');
    expect(refused.stderr).toContain('agent.claude_path');

    // Following the fix: remove the key. No claude on PATH: the plugin's own node_modules/.bin/claude.
    editConfig(repo.root, {});
    const doctor = await overnight(repo.root, env, ['doctor', '--format', 'json']);
    const claudeCheck = JSON.parse(doctor.stdout.trim().split('\n').pop()!).data.checks.find((c: { name: string }) => c.name === 'claude');
    const pluginClaude = join(PROJECT_ROOT, 'node_modules', '.bin', 'claude');
    expect(claudeCheck).toMatchObject({ status: 'ok' });
    expect(claudeCheck.detail).toContain(`at ${pluginClaude}`);

    const id = await launch(repo.root, env);
    const started = await overnight(repo.root, env, ['start', '--session', id]);
    expect(started.code, `${started.stdout}\n${started.stderr}`).toBe(0);
    const s = readSession(repo.root, id);
    expect(s.events.find((e) => e.type === 'claude_resolved')).toMatchObject({ path: pluginClaude, source: 'plugin' });
    expect(s.state.items.greeting!.status).toBe('merged');
  }, 240_000);
});

describe('a night that stops early on a permanent failure', () => {
  const fixture = nightFixture();
  let hook: Awaited<ReturnType<typeof webhookReceiver>> | undefined;
  afterAll(async () => {
    await hook?.close();
  });

  it('exits 3, notifies, runs the pull-request step for what shipped, and says the 401 reason once', async () => {
    hook = await webhookReceiver();
    const unauthorized = { marker: demoMarker('notes'), turns: [{ error: { status: 401, type: 'authentication_error', message: 'Invalid API key · Fix external API key' } }] };
    fixture.model = await startStandinModel({ scripts: [greetingScript(), unauthorized, simpleItemScript('later')] });
    const LATER: SampleItem = { id: 4, slug: 'later', title: 'Later work', verify: 'test -f done/later.txt', goal: 'Write done/later.txt.', criteria: ['done/later.txt exists'] };
    const repo = (fixture.repo = await makeNightRepo({ items: [SAMPLE_ITEMS[0]!, NOTES, LATER], concurrency: 1 }));
    editConfig(repo.root, { extra: `notifications:\n  - type: webhook\n    url: ${JSON.stringify(hook.url)}\n` });
    // A remote to push to (a bare repository): the pull-request step pushes what shipped.
    const remote = mkdtempSync(join(tmpdir(), 'overnight-remote-'));
    execFileSync('git', ['init', '-q', '--bare', remote]);
    repo.git('remote', 'add', 'origin', remote);
    // Claude Code 2.1.330 retries a 401 ten times (minutes of backoff) before it gives up: once is enough here.
    const env = nightEnv(fixture.model.url, { CLAUDE_CODE_MAX_RETRIES: '1' });
    const id = await launch(repo.root, env);

    const run = await overnight(repo.root, env, ['start', '--session', id]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(EXIT_STOPPED_PERMANENT);
    expect(run.stdout).toContain(`The night stopped early on a permanent failure (exit code ${EXIT_STOPPED_PERMANENT}); the reason above says what to fix.`);
    expect(run.stdout).toContain('Run `claude` and /login, or set a valid ANTHROPIC_API_KEY.');

    const s = readSession(repo.root, id);
    expect(s.state.phase).toBe('stopped');
    expect(s.state.items.greeting!.status).toBe('merged');
    expect(s.state.items.notes).toMatchObject({ status: 'failed', failureKind: 'permanent' });
    expect(s.state.items.later!.status).toBe('pending');
    // The reason names the 401 once, not once per place the CLI repeats it.
    expect(s.state.items.notes!.reason!.match(/Invalid API key/g)).toHaveLength(1);

    // The pull-request step ran for what shipped: the integration branch is on the remote, and the
    // report says how the pull request opens (no gh here: the command to run).
    const pr = s.events.find((e) => e.type === 'pull-request');
    expect(pr).toBeDefined();
    expect(s.state.pullRequest?.note).toContain(`Pushed overnight/${id} to origin`);
    expect(execFileSync('git', ['--git-dir', remote, 'rev-parse', `refs/heads/overnight/${id}`], { encoding: 'utf8' }).trim()).toBe(repo.git('rev-parse', `overnight/${id}`));
    expect(s.report?.pullRequest?.commands?.join('\n')).toContain('gh pr create');
    rmSync(remote, { recursive: true, force: true });

    // The webhook got the morning report of the stopped night.
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toMatchObject({ sessionId: id, phase: 'stopped', summary: { shipped: 1 } });
    expect(s.events.some((e) => e.type === 'notify-sent')).toBe(true);

    // The advice: fix it, then resume. With the model answering again, resume ships the rest.
    const fixed = await startStandinModel({ scripts: [simpleItemScript('notes'), simpleItemScript('later')] });
    try {
      const resumed = await overnight(repo.root, nightEnv(fixed.url), ['resume', '--session', id]);
      expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    } finally {
      await fixed.close();
    }
    const after = readSession(repo.root, id);
    expect(Object.values(after.state.items).map((i) => i.status)).toEqual(['merged', 'merged', 'merged']);
  }, 300_000);
});
