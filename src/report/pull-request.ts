/**
 * The night's one pull request (DESIGN.md, "Git model": at the end, push the integration branch if
 * there is a remote, and open one pull request with `gh` when it is installed and authenticated,
 * draft when anything failed; otherwise say exactly what command would do it).
 *
 * Only the integration branch is ever pushed, with an explicit refspec
 * (`git push <remote> refs/heads/B:refs/heads/B`; git-push(1): an explicit refspec overrides
 * push.default, so nothing else goes), never with force.
 */
import { execa } from 'execa';
import type { OvernightConfig } from '../config/schema.js';
import type { SessionManifest } from '../session/state.js';
import { sessionFiles } from '../session/paths.js';
import { writeTextAtomic } from '../util/atomic-write.js';
import { renderReportMarkdown } from './render.js';
import type { MorningReport } from './types.js';

/** GitHub's limit on a pull request body is 65,536 characters; keep well inside it. */
export const MAX_BODY_CHARS = 60_000;

export interface PullRequestResult {
  url?: string;
  /** The exact commands that push the branch and open the pull request (run or to run). */
  commands: string[];
  /** One sentence: what happened, or why it was not done. */
  note: string;
}

/** Quotes one argument for a POSIX shell (single quotes), leaving plain words as they are. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_\-./:=@%+,]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line from an argument vector, each argument quoted for a POSIX shell. */
export function commandLine(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * The report as a pull request body, cut at a line boundary below `max` characters with a note
 * saying where the full report is. Never cuts inside a fenced code block without closing it.
 */
export function truncateBody(markdown: string, reportPath: string, max = MAX_BODY_CHARS): string {
  if (markdown.length <= max) return markdown;
  const note = `\n\n…(truncated: the full morning report is ${reportPath})\n`;
  let cut = markdown.slice(0, max - note.length - 20);
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf('\n')));
  const fences = cut.split('\n').filter((l) => /^`{3,}/.test(l)).length;
  if (fences % 2 === 1) cut += '\n```';
  return `${cut}${note}`;
}

/** What the pull request would be: title, draft flag and the argument vectors. Pure. */
export interface PullRequestPlan {
  title: string;
  draft: boolean;
  remote: string;
  pushArgs: string[];
  ghArgs: string[];
}

/**
 * Plans the push and the `gh pr create` call.
 * - title: `overnight <id>: N shipped, M failed`;
 * - base: manifest.baseBranch, head: the integration branch;
 * - `--draft` when anything failed or was blocked and `pull_request.draft_on_failure` is on;
 * - `--label` for each configured label; the body is read from `bodyFile`.
 */
export function planPullRequest(
  manifest: Pick<SessionManifest, 'id' | 'baseBranch' | 'integrationBranch'>,
  report: Pick<MorningReport, 'summary'>,
  config: Pick<OvernightConfig, 'pull_request'>,
  bodyFile: string,
): PullRequestPlan {
  const s = report.summary;
  const title = `overnight ${manifest.id}: ${s.shipped} shipped, ${s.failed} failed`;
  const draft = config.pull_request.draft_on_failure && (s.failed > 0 || s.blocked > 0);
  const remote = config.pull_request.remote;
  const branch = manifest.integrationBranch;
  const pushArgs = ['git', 'push', remote, `refs/heads/${branch}:refs/heads/${branch}`];
  const ghArgs = ['gh', 'pr', 'create', '--base', manifest.baseBranch, '--head', branch, '--title', title, '--body-file', bodyFile];
  if (draft) ghArgs.push('--draft');
  for (const label of config.pull_request.labels) ghArgs.push('--label', label);
  return { title, draft, remote, pushArgs, ghArgs };
}

/**
 * The pull request section of a report whose night has not opened one (still running, stopped,
 * or made before the runner's pull request step): the exact commands, with the morning report as
 * the body file, or why there is nothing to open. Pure.
 */
export function pendingPullRequest(
  manifest: Pick<SessionManifest, 'id' | 'baseBranch' | 'integrationBranch'>,
  report: Pick<MorningReport, 'summary' | 'phase'>,
  config: Pick<OvernightConfig, 'pull_request'>,
  reportMdPath: string,
): PullRequestResult & { pending: true } {
  if (!config.pull_request.enabled) return { commands: [], note: 'Pull requests are off (pull_request.enabled: false in overnight.config.yaml).', pending: true };
  if (report.summary.shipped === 0) return { commands: [], note: 'Nothing has shipped yet, so there is no pull request to open.', pending: true };
  const plan = planPullRequest(manifest, report, config, reportMdPath);
  const when = report.phase === 'complete' ? 'No pull request was recorded for this night.' : `Not opened yet: the night is ${report.phase}; the runner opens it when the night completes.`;
  return { commands: [commandLine(plan.pushArgs), commandLine(plan.ghArgs)], note: `${when} To open it by hand:`, pending: true };
}

/** How to run a program: injectable for tests. Returns exit code and output; never throws. */
export type Runner = (file: string, args: string[], cwd: string) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

const defaultRunner: Runner = async (file, args, cwd) => {
  const r = await execa(file, args, { cwd, reject: false, stdin: 'ignore', timeout: 120_000 });
  return { exitCode: r.exitCode ?? (r.failed ? 127 : 0), stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? r.message ?? '') };
};

/** The first https URL in a text (gh prints the new pull request's URL on stdout). */
function firstUrl(text: string): string | undefined {
  return /https?:\/\/\S+/.exec(text)?.[0];
}

/**
 * Pushes the integration branch and opens the pull request, or says how.
 * - pull_request.enabled false: nothing, note says so;
 * - nothing shipped (no commit on the integration branch since the base): nothing to review;
 * - the configured remote missing: nothing pushed, commands returned;
 * - push failed: its stderr in the note, commands returned;
 * - `gh` missing or `gh auth status` non-zero: pushed, the gh command returned;
 * - otherwise `gh pr create` runs and its URL is returned.
 * The body is the report markdown, truncated (truncateBody) into `pr-body.md` in the session folder.
 * Never throws for a failed command; throws only if the body file cannot be written.
 */
export async function finishPullRequest(
  repoRoot: string,
  manifest: SessionManifest,
  report: MorningReport,
  config: Pick<OvernightConfig, 'pull_request'>,
  options: { markdown?: string; run?: Runner } = {},
): Promise<PullRequestResult> {
  const run = options.run ?? defaultRunner;
  const files = sessionFiles(repoRoot, manifest.id);
  const bodyFile = `${files.dir}/pr-body.md`;
  const plan = planPullRequest(manifest, report, config, bodyFile);
  const commands = [commandLine(plan.pushArgs), commandLine(plan.ghArgs)];
  if (!config.pull_request.enabled) return { commands: [], note: 'Pull requests are off (pull_request.enabled: false in overnight.config.yaml).' };
  if (report.integrationCommits.length === 0 || report.summary.shipped === 0) {
    return { commands: [], note: `Nothing shipped, so there is no pull request; ${manifest.integrationBranch} is unchanged.` };
  }
  await writeTextAtomic(bodyFile, truncateBody(options.markdown ?? renderReportMarkdown(report), files.reportMd));

  const remotes = await run('git', ['remote'], repoRoot);
  const names = remotes.exitCode === 0 ? remotes.stdout.split('\n').map((r) => r.trim()).filter(Boolean) : [];
  if (!names.includes(plan.remote)) {
    const why = names.length === 0 ? 'The repository has no remote' : `The repository has no remote '${plan.remote}' (it has ${names.join(', ')}; set pull_request.remote)`;
    return { commands, note: `${why}: nothing was pushed. Add one, then run these commands.` };
  }
  const pushed = await run(plan.pushArgs[0]!, plan.pushArgs.slice(1), repoRoot);
  if (pushed.exitCode !== 0) {
    return { commands, note: `Pushing ${manifest.integrationBranch} to ${plan.remote} failed: ${(pushed.stderr || pushed.stdout).trim().split('\n').pop() ?? ''}` };
  }
  const ghVersion = await run('gh', ['--version'], repoRoot);
  if (ghVersion.exitCode !== 0) {
    return { commands: [commands[1]!], note: `Pushed ${manifest.integrationBranch} to ${plan.remote}. The GitHub CLI (gh) is not installed: install it, or open the pull request with this command.` };
  }
  const auth = await run('gh', ['auth', 'status'], repoRoot);
  if (auth.exitCode !== 0) {
    return { commands: [commands[1]!], note: `Pushed ${manifest.integrationBranch} to ${plan.remote}. gh is not logged in (\`gh auth login\`): then run this command.` };
  }
  const created = await run(plan.ghArgs[0]!, plan.ghArgs.slice(1), repoRoot);
  const url = created.exitCode === 0 ? firstUrl(created.stdout) : undefined;
  if (!url) {
    return { commands: [commands[1]!], note: `Pushed ${manifest.integrationBranch}; \`gh pr create\` failed: ${(created.stderr || created.stdout).trim().split('\n').pop() ?? ''}` };
  }
  return { url, commands, note: `Opened ${plan.draft ? 'a draft ' : ''}pull request ${url}.` };
}
