/**
 * `overnight demo`: a whole night on a generated sample repository, through the real CLI
 * (`overnight launch`, then `overnight start` in the foreground), the real Claude Code CLI, the
 * plugin's real hooks, real git and real checks. Without `--real` the model is the project's
 * scripted stand-in (src/standin/server.ts) with one script per backlog item.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, realpathSync, createWriteStream } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { resolveClaude } from '../agent/find-claude.js';
import { pluginRoot } from '../util/plugin-root.js';
import { OvernightError } from '../util/errors.js';
import { formatDuration } from '../util/duration.js';
import { sessionFiles } from '../session/paths.js';
import { startStandinModel, type StandinModel } from '../standin/server.js';
import { readSavedReport } from '../report/session-data.js';
import { readEventsFile } from '../session/store.js';
import { writeMorningReport } from '../report/write.js';
import { headline, summaryLines } from '../report/render.js';
import type { MorningReport } from '../report/types.js';
import { createSampleRepo, SAMPLE_ITEMS } from './sample.js';
import { sampleScripts } from './scripts.js';
import { realEnv, standinEnv } from './env.js';
import { describeEvent } from './progress.js';

export interface DemoOptions {
  /** Use the real model with the user's credentials. */
  real?: boolean;
  /** Folder for the sample repository (default: a new temporary folder). */
  dir?: string;
  /** Where progress lines go. */
  print: (line: string) => void;
}

export interface DemoResult {
  repoRoot: string;
  sessionId: string;
  integrationBranch: string;
  reportMd: string;
  report: MorningReport;
  durationMs: number;
  usedStandin: boolean;
}

/**
 * The Claude Code CLI to run: found as the runner and `doctor` find it (src/agent/find-claude.ts
 * resolveClaude: PATH, the install locations, then the plugin's own node_modules/.bin/claude).
 * Symlinks resolved (the sample config names the binary itself). Undefined when none is found.
 */
export function findClaude(root: string): string | undefined {
  const found = resolveClaude({ pluginRoot: root }).path;
  return found ? realpathSync(found) : undefined;
}

/** Whether the environment has credentials for the real model (an API key, a token, or a Claude Code login). */
export function hasCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.ANTHROPIC_API_KEY || env.ANTHROPIC_AUTH_TOKEN || env.CLAUDE_CODE_OAUTH_TOKEN) return true;
  const configDir = env.CLAUDE_CONFIG_DIR ?? join(env.HOME ?? homedir(), '.claude');
  return existsSync(join(configDir, '.credentials.json'));
}

/**
 * Runs the demo night. Prints progress through `print` and resolves with where everything is.
 * Throws OvernightError when claude cannot be found, `--real` has no credentials, or launch/start
 * fail (with the runner's last output).
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const print = opts.print;
  const root = pluginRoot();
  const claude = findClaude(root);
  if (!claude) {
    throw new OvernightError('demo.no-claude', 'The Claude Code CLI was not found (tried: claude on PATH, the native and npm install locations, node_modules/.bin/claude in the plugin).', {
      fix: 'Run `npm ci` in the plugin folder, or install Claude Code: npm install -g @anthropic-ai/claude-code',
    });
  }
  if (opts.real && !hasCredentials()) {
    throw new OvernightError('demo.no-credentials', '--real needs credentials for the real model, and none were found.', {
      field: '--real',
      fix: 'Set ANTHROPIC_API_KEY (or log in with `claude`), or leave out --real to use the scripted stand-in model.',
    });
  }
  if (opts.dir && existsSync(opts.dir) && readdirSync(opts.dir).length > 0) {
    throw new OvernightError('demo.dir-not-empty', `The folder ${opts.dir} is not empty.`, { field: '--dir', fix: 'Give an empty or new folder, or leave out --dir to use a temporary folder.' });
  }
  const repoRoot = opts.dir ? resolve(opts.dir) : mkdtempSync(join(tmpdir(), 'overnight-demo-'));
  let model: StandinModel | undefined;
  let home: string | undefined;
  try {
    let env: Record<string, string>;
    if (opts.real) {
      env = realEnv();
      print('Using the real model with your credentials: this night costs real money (a few items, small budgets).');
    } else {
      model = await startStandinModel({ scripts: sampleScripts() });
      home = mkdtempSync(join(tmpdir(), 'overnight-demo-home-'));
      env = standinEnv(model.url, home);
      const why = hasCredentials() ? 'Using' : 'No API credentials: using';
      print(`${why} the scripted stand-in model on 127.0.0.1:${model.port}; everything else is real: Claude Code CLI, hooks, git, checks.${hasCredentials() ? ' (Pass --real to use the real model.)' : ''}`);
    }
    await createSampleRepo(repoRoot, { claudePath: claude, concurrency: 2 });
    print(`Sample repository: ${repoRoot} (${SAMPLE_ITEMS.length} backlog items; Claude Code CLI: ${claude})`);

    // The same CLI that runs this demo (dist/cli.js, or bin/overnight which loads it).
    const self = process.argv[1];
    const cli = self && /(cli\.m?js|overnight)$/.test(self) && existsSync(self) ? self : join(root, 'dist/cli.js');
    // The sample items are features (approval.ask): the demo says yes to each, as a user would.
    const approve = SAMPLE_ITEMS.map((i) => i.id).join(',');
    print(`Approving the sample's feature items (approval.ask): overnight launch --approve ${approve}`);
    const launched = await execa(process.execPath, [cli, 'launch', '--format', 'json', '--approve', approve], { cwd: repoRoot, env, extendEnv: false, reject: false, stdin: 'ignore' });
    let sessionId: string | undefined;
    try {
      const envelope = JSON.parse(String(launched.stdout).trim().split('\n').pop() ?? '');
      sessionId = envelope?.data?.sessionId ?? envelope?.data?.session?.id;
    } catch {
      sessionId = undefined;
    }
    if (launched.exitCode !== 0 || !sessionId) {
      throw new OvernightError('demo.launch-failed', `overnight launch failed in the sample repository (exit ${launched.exitCode}): ${String(launched.stderr).trim() || String(launched.stdout).trim()}`, {
        fix: `Inspect ${repoRoot}; run \`overnight doctor\` there.`,
      });
    }
    const files = sessionFiles(repoRoot, sessionId);
    print(`Launched session ${sessionId}; running the night in the foreground (concurrency 2).`);

    // The runner in the foreground; its own log goes to a file, progress comes from events.jsonl.
    const runnerLog = join(repoRoot, '.overnight', `demo-runner-${sessionId}.log`);
    const logStream = createWriteStream(runnerLog);
    const runner = execa(process.execPath, [cli, 'start', '--session', sessionId], { cwd: repoRoot, env, extendEnv: false, reject: false, stdin: 'ignore', all: true });
    runner.all?.pipe(logStream);
    let seen = 0;
    const t0 = Date.now();
    const poll = (): void => {
      const events = readEventsFile(files.events);
      for (const e of events.slice(seen)) {
        const line = describeEvent(e);
        if (line) print(`  [${formatDuration(Date.now() - t0).padStart(7)}] ${line}`);
      }
      seen = events.length;
    };
    const timer = setInterval(poll, 300);
    const done = await runner;
    clearInterval(timer);
    poll();
    logStream.end();
    if (done.exitCode !== 0) {
      const tail = String(done.all ?? '').trim().split('\n').slice(-15).join('\n');
      throw new OvernightError('demo.night-failed', `The runner exited with code ${done.exitCode}.\n${tail}`, { file: runnerLog, fix: 'Read the runner log above; `overnight status` in the sample repository shows where it stopped.' });
    }

    const report = (await readSavedReport(repoRoot, sessionId)) ?? (await writeMorningReport(repoRoot, sessionId)).report;
    const durationMs = Date.now() - started;
    print('');
    print(`The night is over in ${formatDuration(durationMs)}: ${headline(report)}.`);
    for (const l of summaryLines(report)) print(`  ${l.replace(/\*\*/g, '')}`);
    print(`Morning report: ${files.reportMd}`);
    print(`Integration branch: ${report.integrationBranch} in ${repoRoot}  (git -C ${repoRoot} log --oneline ${report.baseBranch}..${report.integrationBranch})`);
    if (report.pullRequest?.note) print(`Pull request: ${report.pullRequest.note}`);
    print(`Status: cd ${repoRoot} && ${join(root, 'bin/overnight')} status`);
    return { repoRoot, sessionId, integrationBranch: report.integrationBranch, reportMd: files.reportMd, report, durationMs, usedStandin: !opts.real };
  } finally {
    await model?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  }
}
