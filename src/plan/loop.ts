/**
 * Loop mode's planning (issue 9, mechanism 6; seed 004 `--loop`): which backlog items that became
 * ready on the base branch after launch join tonight's session. The same rules as the plan
 * (src/backlog/eligibility.ts ownIneligibility, src/plan/approval.ts needsApproval), with one
 * difference in what counts as a candidate: only items that were NOT ready in the launch commit's
 * backlog (new files, or drafts made ready), so a choice made at launch (--only, --exclude, an
 * unanswered approval) is never overturned by the loop. Pure: no I/O.
 */
import { ownIneligibility } from '../backlog/eligibility.js';
import { itemRef } from '../backlog/filename.js';
import { dependencyOrder, findReferenced } from '../backlog/graph.js';
import type { BacklogItem } from '../backlog/types.js';
import { checkCommands, type OvernightConfig } from '../config/schema.js';
import type { ManifestItem } from '../session/state.js';
import { parseDuration } from '../util/duration.js';
import { needsApproval } from './approval.js';

export interface LoopPlanInput {
  /** The backlog committed at the base branch's tip (valid items, `dependsOn` resolved). */
  tip: readonly BacklogItem[];
  /** The backlog committed at the launch commit (session.json `baseCommit`). */
  atLaunch: readonly BacklogItem[];
  /** The session's items so far: the approved plan's and those added before (id, slug, round). */
  session: ReadonlyArray<Pick<ManifestItem, 'id' | 'slug' | 'round'>>;
  /** `--approve` references recorded when loop mode was turned on (ids, slugs, `NNN-slug`). */
  approve: readonly string[];
  /** Items shipped on an integration branch awaiting review (src/plan/shipped.ts), by id. */
  shipped?: ReadonlyMap<number, string>;
  config: Pick<OvernightConfig, 'checks' | 'approval' | 'agent'>;
}

export interface LoopPlan {
  /** Items to add, in dependency order, as the runner runs them. */
  add: ManifestItem[];
  /** Items that became ready after launch but are not added, each with one reason. */
  skip: Array<{ item: BacklogItem; reason: string }>;
}

/** True when `item` is `ready` now and was not a ready item of the launch commit's backlog. */
function becameReady(item: BacklogItem, atLaunch: ReadonlyMap<number, BacklogItem>): boolean {
  if (item.status !== 'ready') return false;
  const before = atLaunch.get(item.id);
  return !before || before.slug !== item.slug || before.status !== 'ready';
}

/**
 * Plans one poll of loop mode. An item is added when it became ready after launch, is not in the
 * session already (by id or slug), is eligible on its own (ready, not an epic, acceptance criteria,
 * a success condition, not shipped awaiting review), every dependency is done or in the session
 * (or added in this same poll), and it is of an `approval.auto` type or named by `approve`. Every
 * other item that became ready is in `skip` with its reason (an item depending on a skipped one
 * names it).
 */
export function planLoopItems(input: LoopPlanInput): LoopPlan {
  const atLaunch = new Map(input.atLaunch.map((i) => [i.id, i]));
  const byId = new Map(input.tip.map((i) => [i.id, i]));
  const inSession = new Map<number, Pick<ManifestItem, 'slug' | 'round'>>(input.session.map((i) => [i.id, i]));
  const sessionSlugs = new Set(input.session.map((i) => i.slug));
  const approved = new Set(input.approve.map((r) => findReferenced(r, input.tip)?.id).filter((id): id is number => id !== undefined));
  const estimate = parseDuration(input.config.agent.estimate) ?? 30 * 60_000;
  const timeout = parseDuration(input.config.agent.timeout) ?? 45 * 60_000;
  const plan: LoopPlan = { add: [], skip: [] };
  const skipped = new Map<number, BacklogItem>();

  for (const item of dependencyOrder(input.tip)) {
    if (inSession.has(item.id) || sessionSlugs.has(item.slug) || !becameReady(item, atLaunch)) continue;
    const reason = loopReason(item, input, { byId, inSession, skipped, approved });
    if (reason) {
      skipped.set(item.id, item);
      plan.skip.push({ item, reason });
      continue;
    }
    const deps = item.dependsOn.map((d) => inSession.get(d)).filter((d): d is Pick<ManifestItem, 'slug' | 'round'> => d !== undefined);
    const round = 1 + Math.max(0, ...deps.map((d) => d.round));
    const added: ManifestItem = {
      id: item.id,
      slug: item.slug,
      title: item.title,
      file: item.file,
      type: item.type,
      priority: item.priority,
      dependsOn: deps.map((d) => d.slug),
      verify: item.verify,
      maxTurns: item.maxTurns ?? input.config.agent.max_turns,
      budgetUsd: item.budgetUsd ?? input.config.agent.budget_usd,
      timeoutMs: item.timeoutMs ?? timeout,
      estimateMs: Math.max(1, Math.round(item.timeoutMs ?? estimate)),
      round,
      body: item.body,
      acceptanceCriteria: item.acceptanceCriteria,
    };
    plan.add.push(added);
    inSession.set(item.id, added);
  }
  return plan;
}

/** Why a candidate is not added, or undefined when it is. */
function loopReason(
  item: BacklogItem,
  input: LoopPlanInput,
  known: { byId: ReadonlyMap<number, BacklogItem>; inSession: ReadonlyMap<number, unknown>; skipped: ReadonlyMap<number, BacklogItem>; approved: ReadonlySet<number> },
): string | undefined {
  const own = ownIneligibility(item, checkCommands(input.config.checks), input.shipped?.get(item.id));
  if (own) return own.text;
  for (const depId of item.dependsOn) {
    if (known.inSession.has(depId)) continue;
    const dep = known.byId.get(depId);
    if (!dep) return `blocked by item ${depId}, which is not in the base branch's backlog`;
    if (dep.status === 'done') continue;
    if (known.skipped.has(depId)) return `waits for ${itemRef(dep)}, which loop mode did not add`;
    return `blocked by ${itemRef(dep)} (status: ${dep.status}), which is not done and not in this night`;
  }
  if (needsApproval(item.type, input.config.approval) && !known.approved.has(item.id)) {
    return `not approved: a ${item.type} item needs an explicit yes (approval.ask); loop mode runs it only when named by \`overnight start --loop --approve ${item.id}\``;
  }
  return undefined;
}
