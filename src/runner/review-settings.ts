/**
 * The review pass as a night runs it, frozen at launch (session.json `review`): like the sandbox
 * and the budget, the approved plan decides, not a later edit of overnight.config.yaml.
 */
import type { OvernightConfig } from '../config/schema.js';
import type { SessionManifest } from '../session/state.js';
import { parseDuration } from '../util/duration.js';

/** The manifest's `review` for a config: undefined when `review.enabled` is false. Pure. */
export function reviewSettings(config: Pick<OvernightConfig, 'review' | 'agent'>): SessionManifest['review'] {
  const r = config.review;
  if (!r.enabled) return undefined;
  const model = r.model ?? config.agent.model;
  return { ...(model ? { model } : {}), maxTurns: r.max_turns, budgetUsd: r.budget_usd, timeoutMs: parseDuration(r.timeout) ?? 15 * 60_000 };
}
