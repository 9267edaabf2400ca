/**
 * Gate denials for the morning report, from audit.jsonl (DESIGN.md, "Safety gates": every tool
 * call and every gate decision is appended there, one JSON object a line).
 */
import { oneLine } from '../util/text.js';
import type { AuditSummary, GateDenial } from './types.js';

/** Examples kept per rule id. */
export const EXAMPLES_PER_RULE = 3;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The command or path a tool call aimed at, from its tool input. */
function targetOf(rec: Record<string, any>): string | undefined {
  const input = rec.toolInput ?? rec.tool_input ?? rec.input;
  if (input && typeof input === 'object') {
    const t = str(input.command) ?? str(input.file_path) ?? str(input.notebook_path) ?? str(input.path);
    if (t) return oneLine(t);
    const q = input.questions?.[0]?.question ?? input.question;
    if (typeof q === 'string') return oneLine(q);
  }
  const direct = str(rec.command) ?? str(rec.target) ?? str(rec.file_path);
  return direct ? oneLine(direct) : undefined;
}

/** Reads one audit record as a denial, or undefined when it is not one. Tolerates snake_case and camelCase keys. */
export function asDenial(rec: Record<string, any>): GateDenial | undefined {
  const decision = rec.decision ?? rec.permissionDecision ?? rec.gate?.decision;
  if (decision !== 'deny') return undefined;
  const reason = str(rec.reason) ?? str(rec.gate?.reason);
  return {
    ts: str(rec.ts) ?? str(rec.time),
    item: str(rec.item) ?? str(rec.slug),
    tool: str(rec.toolName) ?? str(rec.tool_name) ?? str(rec.tool),
    ruleId: str(rec.ruleId) ?? str(rec.rule_id) ?? str(rec.rule) ?? str(rec.gate?.ruleId) ?? 'unknown',
    reason: reason ? oneLine(reason, 200) : undefined,
    target: targetOf(rec),
  };
}

/**
 * Summarises audit.jsonl's text (src/hooks/audit-log.ts writes it): the number of tool calls
 * (distinct tool_use_id), and the deny decisions
 * grouped by rule id (most frequent first, ties by rule id), with up to EXAMPLES_PER_RULE examples
 * each. Lines that are not JSON are skipped. Pure.
 */
export function summarizeAudit(text: string): AuditSummary {
  const groups = new Map<string, GateDenial[]>();
  const ids = new Set<string>();
  let toolCalls = 0;
  let denials = 0;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    let rec: Record<string, any>;
    try {
      rec = JSON.parse(t);
    } catch {
      continue;
    }
    if (rec.toolName || rec.tool_name || rec.tool) {
      // A call has a gate line and an outcome line; count it once by its tool_use_id.
      const id = str(rec.tool_use_id) ?? str(rec.toolUseId);
      if (id === undefined) toolCalls += 1;
      else if (!ids.has(id)) {
        ids.add(id);
        toolCalls += 1;
      }
    }
    const denial = asDenial(rec);
    if (!denial) continue;
    denials += 1;
    const list = groups.get(denial.ruleId) ?? [];
    list.push(denial);
    groups.set(denial.ruleId, list);
  }
  const byRule = [...groups.entries()]
    .map(([ruleId, list]) => ({ ruleId, count: list.length, examples: list.slice(0, EXAMPLES_PER_RULE) }))
    .sort((a, b) => b.count - a.count || a.ruleId.localeCompare(b.ruleId));
  return { toolCalls, denials, byRule };
}
