/**
 * `overnight gate` support: the decision for a call together with what the gate understood of it
 * (for Bash: every simple command with its argv, working directory, wrappers and nesting).
 */
import { evaluateDetailed } from './policy.js';
import type { Decision, PolicyContext, ToolCall } from './types.js';

/** One simple command as the gate sees it. */
export interface ExplainedCommand {
  /** Arguments after expansion; an unknown piece shows as `$NAME` or `$(...)`. */
  argv: string[];
  /** Which arguments have values only known at run time. */
  unknown: boolean[];
  cwd: string | null;
  /** Wrappers it runs under, outermost first (`sudo`, `timeout`, `env`...). */
  wrappers: string[];
  /** How it is nested (`$(...)`, `bash -c`, `xargs`, `find -exec`...). */
  via: string[];
  depth: number;
  redirects: Array<{ op: string; fd?: number; target: string | null }>;
  /** This is the command the decision is about. */
  denied: boolean;
}

export interface Explained {
  decision: Decision;
  parsed: {
    tool: string;
    commands?: ExplainedCommand[];
    findings?: Array<{ ruleId: string; detail: string }>;
    path?: string | null;
    error?: string;
  };
}

/** The decision evaluate() makes for `call`, and the parsed structure behind it. Never throws. */
export function explain(call: ToolCall, ctx: PolicyContext): Explained {
  const ev = evaluateDetailed(call, ctx);
  const parsed: Explained['parsed'] = { tool: call.toolName };
  if (ev.analysis) {
    parsed.commands = ev.analysis.invocations.map((inv) => ({
      argv: inv.argv.map((a) => (a.value !== null ? a.value : a.text)),
      unknown: inv.argv.map((a) => a.value === null),
      cwd: inv.cwd,
      wrappers: inv.wrappers,
      via: inv.via,
      depth: inv.depth,
      redirects: inv.redirects.map((r) => ({ op: r.op, fd: r.fd, target: r.target ? (r.target.value ?? r.target.text) : null })),
      denied: inv === ev.denied,
    }));
    parsed.findings = ev.analysis.findings.map((f) => ({ ruleId: f.ruleId, detail: f.detail }));
  }
  if (ev.path !== undefined) parsed.path = ev.path;
  if (ev.error) parsed.error = ev.error;
  return { decision: ev.decision, parsed };
}
