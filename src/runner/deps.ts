/**
 * The real dependencies of a night: the claude -p adapter (src/agent), the morning report and the
 * pull request step (src/report). Tests build their own NightDeps with a fake agent instead.
 */
import { AGENT_ALLOWED_TOOLS } from '../agent/args.js';
import { buildMissionBrief } from '../agent/brief.js';
import { runAgent } from '../agent/run.js';
import type { OvernightConfig } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { finishSessionPullRequest } from '../report/finish.js';
import { notifyItemFailed, notifyNightEnd } from '../report/notify.js';
import type { SessionState } from '../session/state.js';
import { writeMorningReport } from '../report/write.js';
import { recordAbandonedMemory } from '../memory/night-end.js';
import { updateState } from '../session/store.js';
import { pluginRoot } from '../util/plugin-root.js';
import type { NightDeps } from './context.js';
import type { RunAgentFn } from './types.js';

/** Default retry policy: config agent.retries fresh attempts after task failures; 2 transient retries after 30 s and 2 min. */
export const DEFAULT_TRANSIENT_BACKOFF_MS = [30_000, 120_000];

/** Environment overrides for tests and demos: OVERNIGHT_TRANSIENT_BACKOFF_MS="100,200", OVERNIGHT_CHECK_TIMEOUT_MS. */
function envNumbers(name: string): number[] | undefined {
  const v = process.env[name];
  if (!v) return undefined;
  const list = v.split(',').map((x) => Number(x.trim()));
  return list.every((n) => Number.isFinite(n) && n >= 0) ? list : undefined;
}

/**
 * The pull-request step (src/report/finish.ts: push the integration branch, open the pull request
 * or record the commands, rewrite the report with it, notify), then the result stored as
 * state.pullRequest (state.json is the runner's file).
 */
export async function pullRequestStep(repoRoot: string, sessionId: string, config: OvernightConfig): Promise<void> {
  const pr = await finishSessionPullRequest(repoRoot, sessionId, config);
  await updateState(repoRoot, sessionId, (s) => {
    s.pullRequest = { url: pr.url, commands: pr.commands ?? [], note: pr.note };
  });
}

/**
 * The end of a night that did not end by itself (`overnight abandon`): the learnings file written
 * when the night had not written it (src/memory/night-end.ts), the morning report written again
 * (phase abandoned); then, unless the night had already finished (phase complete: its pull
 * request and notification went out then), the pull-request step for what shipped when none ran
 * yet (it notifies too), else the notification alone. `before`: the state before the abandon.
 * Errors of the push, gh or a notification are recorded as events (finish.ts), not thrown.
 */
export async function stoppedNightStep(repoRoot: string, sessionId: string, before: Pick<SessionState, 'phase' | 'pullRequest'>): Promise<void> {
  const config = await loadConfig(repoRoot);
  // The learnings of what shipped, as a night's end keeps them (once: a night that ended by
  // itself wrote them already), before the report that says so and the pull request that carries them.
  if (before.phase !== 'complete' && before.phase !== 'abandoned') await recordAbandonedMemory(repoRoot, sessionId, config);
  await writeMorningReport(repoRoot, sessionId);
  if (before.phase === 'complete' || before.phase === 'abandoned') return;
  if (!before.pullRequest) await pullRequestStep(repoRoot, sessionId, config);
  else await notifyNightEnd(repoRoot, sessionId, { kind: 'abandoned' }, { config });
}

/** The NightDeps of a real night. `log` writes to stdout (runner.log when detached). */
export async function realNightDeps(repoRoot: string, overrides: Partial<NightDeps> = {}): Promise<NightDeps> {
  const config = await loadConfig(repoRoot);
  const allowed = [...AGENT_ALLOWED_TOOLS, ...config.agent.extra_allowed_tools.filter((t) => !AGENT_ALLOWED_TOOLS.includes(t))];
  return {
    runAgent: runAgent satisfies RunAgentFn,
    buildBrief: (input) => buildMissionBrief(input),
    allowedTools: allowed,
    pluginDir: pluginRoot(),
    now: () => Date.now(),
    retry: {
      taskRetries: config.agent.retries,
      transientRetries: 2,
      transientBackoffMs: envNumbers('OVERNIGHT_TRANSIENT_BACKOFF_MS') ?? DEFAULT_TRANSIENT_BACKOFF_MS,
    },
    checkTimeoutMs: envNumbers('OVERNIGHT_CHECK_TIMEOUT_MS')?.[0] ?? 15 * 60_000,
    activityThrottleMs: 2000,
    writeReport: async (root, id) => writeMorningReport(root, id),
    finishPullRequest: async (root, id) => pullRequestStep(root, id, config),
    notifyItemFailed: async (root, id, slug) => notifyItemFailed(root, id, slug, { config }),
    notifyStopped: async (root, id, reason) => notifyNightEnd(root, id, { kind: 'stopped', reason: reason || undefined }, { config }),
    notifyPaused: async (root, id, until, reason) => notifyNightEnd(root, id, { kind: 'paused', resumeAt: until || undefined, reason: reason || undefined }, { config }),
    log: (line) => {
      process.stdout.write(`[${new Date().toISOString()}] ${line}\n`);
    },
    ...overrides,
  };
}
