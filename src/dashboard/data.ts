/**
 * What the dashboard shows, read from the session folder and never written (issue 10): the status
 * envelope (`overnight status --format json`, byte for byte the same data), and the night's
 * details: each item's span on the timeline, gate denials, deferred questions, the dependency graph
 * and, once the night is over, the morning report.
 */
import { readSessionView } from '../session/added.js';
import { readFile } from 'node:fs/promises';
import { loadStatus } from '../report/load-status.js';
import { sessionFiles } from '../session/paths.js';
import { readState } from '../session/store.js';
import { summarizeAudit } from '../report/audit.js';
import { readDeferredQuestions } from '../report/deferred.js';
import { NO_SESSION_MESSAGE, readSavedReport, resolveSessionId } from '../report/session-data.js';
import type { StatusView } from '../report/status.js';
import type { AuditSummary, DeferredQuestion, MorningReport } from '../report/types.js';
import { computeMorningReport } from '../report/write.js';
import { OvernightError } from '../util/errors.js';

/** The envelope `overnight status --format json` prints (src/cli/output.ts, src/cli/commands/status.ts). */
export type StatusEnvelope =
  | { ok: true; command: 'status'; data: { session: StatusView } | { session: null; message: string } }
  | { ok: false; command: 'status'; error: Record<string, unknown> };

/** One item's span on the night's timeline, ms since the night started (end undefined while it runs). */
export interface TimelineSpan {
  slug: string;
  startMs?: number;
  endMs?: number;
}

/** The dependency graph of the session's items: nodes by planning round, an edge per `dependsOn`. */
export interface DependencyGraph {
  nodes: Array<{ slug: string; id: number; title: string; round: number }>;
  /** `from` depends on `to`. */
  edges: Array<{ from: string; to: string }>;
}

/** Everything the page renders. */
export interface DashboardView {
  status: StatusEnvelope;
  sessionId?: string;
  timeline: TimelineSpan[];
  gate?: AuditSummary;
  questions: DeferredQuestion[];
  graph?: DependencyGraph;
  /** The morning report, once the night is over (report.json, or computed when there is none). */
  report?: MorningReport;
}

function errorEnvelope(error: unknown): StatusEnvelope {
  const body = error instanceof OvernightError ? error.toJSON() : { code: 'internal', message: String((error as Error)?.message ?? error) };
  return { ok: false, command: 'status', error: body };
}

/**
 * The `overnight status --format json` envelope of session `requested` (default: the latest).
 * Never throws: an unreadable session is `{ ok: false, error }` as the CLI prints it.
 */
export async function statusEnvelope(repoRoot: string, requested?: string): Promise<StatusEnvelope> {
  try {
    const view = await loadStatus(repoRoot, requested);
    return { ok: true, command: 'status', data: view ? { session: view } : { session: null, message: NO_SESSION_MESSAGE } };
  } catch (error) {
    return errorEnvelope(error);
  }
}

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const v = Date.parse(iso);
  return Number.isNaN(v) ? undefined : v;
}

/** Items' spans relative to the night's start (state.startedAt, else the session's creation). */
function timelineOf(repoRoot: string, sessionId: string): TimelineSpan[] {
  const manifest = readSessionView(repoRoot, sessionId);
  const state = readState(repoRoot, sessionId);
  const origin = ms(state.startedAt) ?? ms(manifest.created) ?? 0;
  return manifest.items.map((m) => {
    const st = state.items[m.slug];
    const start = ms(st?.startedAt) ?? ms(st?.attempts[0]?.startedAt);
    const end = ms(st?.endedAt);
    return { slug: m.slug, startMs: start === undefined ? undefined : start - origin, endMs: end === undefined || start === undefined ? undefined : end - origin };
  });
}

function graphOf(repoRoot: string, sessionId: string): DependencyGraph {
  const manifest = readSessionView(repoRoot, sessionId);
  return {
    nodes: manifest.items.map((m) => ({ slug: m.slug, id: m.id, title: m.title, round: m.round })),
    edges: manifest.items.flatMap((m) => m.dependsOn.map((to) => ({ from: m.slug, to }))),
  };
}

async function readTextOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Everything the page shows for session `requested` (default: the latest). Reads only. The morning
 * report is included once the status says the night is over. Never throws: a session that cannot be
 * read is shown as the status error envelope and empty details.
 */
export async function loadDashboard(repoRoot: string, requested?: string): Promise<DashboardView> {
  const status = await statusEnvelope(repoRoot, requested);
  const empty: DashboardView = { status, timeline: [], questions: [] };
  if (!status.ok || status.data.session === null) return empty;
  const view = status.data.session;
  const sessionId = view.sessionId;
  try {
    const files = sessionFiles(repoRoot, sessionId);
    const [auditText, questions] = await Promise.all([readTextOrEmpty(files.audit), readDeferredQuestions(files.deferred)]);
    const report = view.active ? undefined : ((await readSavedReport(repoRoot, sessionId)) ?? (await computeMorningReport(repoRoot, sessionId)));
    return { status, sessionId, timeline: timelineOf(repoRoot, sessionId), gate: summarizeAudit(auditText), questions, graph: graphOf(repoRoot, sessionId), report };
  } catch (error) {
    return { ...empty, sessionId, status: errorEnvelope(error) };
  }
}

/** The session the dashboard follows now: the one asked for, else the latest (a new night is picked up). */
export async function currentSessionId(repoRoot: string, requested?: string): Promise<string | undefined> {
  try {
    return await resolveSessionId(repoRoot, requested);
  } catch {
    return undefined;
  }
}
