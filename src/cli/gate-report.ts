/**
 * What `overnight gate` reports: a call decided and explained the way the hooks decide it, as text
 * or JSON (src/cli/commands/gate.ts declares the command and imports this module when it runs).
 */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import pc from 'picocolors';
import { loadConfig } from '../config/load.js';
import { defaultConfig, type OvernightConfig } from '../config/schema.js';
import { decideFileCall, PATH_FIELDS } from '../hooks/file-policy.js';
import { policyContext, policyFileFromConfig } from '../hooks/policy-context.js';
import { explain, type Explained } from '../safety/explain.js';
import { RULES, type RuleInfo } from '../safety/rules/index.js';

export { RULES };
import type { Decision, PolicyContext, ToolCall } from '../safety/types.js';
import { OvernightError } from '../util/errors.js';
import { findRepoRoot } from '../util/repo.js';

export interface GateFlags {
  cwd?: string;
  worktree?: string;
  branch?: string;
  scratch?: string;
  tool?: string;
  path?: string;
  rules?: boolean;
  interactive?: boolean;
  format?: string;
}

/** What `overnight gate` reports for one call. */
export interface GateReport {
  call: ToolCall;
  decision: Decision;
  /** The rule that decided, when the decision names one of RULES. */
  rule?: Pick<RuleInfo, 'id' | 'domain' | 'description'>;
  parsed: Explained['parsed'];
  context: PolicyContext;
}

/**
 * Decides and explains one call the way the hooks do: Bash through explain() (the same evaluate()
 * the Bash gate runs), file tools through the file gate's decideFileCall (symbolic links resolved).
 * Pure apart from the file system reads of realpath.
 */
export function explainCall(call: ToolCall, ctx: PolicyContext): GateReport {
  const explained = explain(call, ctx);
  let decision = explained.decision;
  if (PATH_FIELDS[call.toolName] !== undefined) {
    decision = decideFileCall(call, ctx, { realpath: realpathSync.native, mode: ctx.interactive ? 'interactive' : 'unattended' });
  }
  const info = decision.ruleId ? RULES.find((r) => r.id === decision.ruleId) : undefined;
  return {
    call,
    decision,
    rule: info ? { id: info.id, domain: info.domain, description: info.description } : undefined,
    parsed: explained.parsed,
    context: ctx,
  };
}

/** The report as text for a terminal. */
export function renderGateReport(report: GateReport): string {
  const out: string[] = [];
  const d = report.decision;
  const verdict = d.decision === 'deny' ? pc.red(pc.bold('DENY')) : pc.green(pc.bold('ALLOW'));
  out.push(`${verdict}${d.ruleId ? `  ${d.ruleId}` : ''}`);
  if (report.rule) out.push(`  rule:   ${report.rule.id} (${report.rule.domain}): ${report.rule.description}`);
  if (d.reason) out.push(`  reason: ${d.reason}`);
  const p = report.parsed;
  if (p.path !== undefined) out.push(`  path:   ${p.path ?? '(none)'}`);
  if (p.error) out.push(`  error:  ${p.error}`);
  if (p.commands && p.commands.length > 0) {
    out.push('', 'Parsed simple commands:');
    p.commands.forEach((c, i) => {
      const argv = c.argv.map((a, j) => (c.unknown[j] ? pc.yellow(a) : a)).join(' ');
      const marks = [c.cwd ? `cwd ${c.cwd}` : 'cwd unknown'];
      if (c.wrappers.length > 0) marks.push(`wrappers ${c.wrappers.join(', ')}`);
      if (c.via.length > 0) marks.push(`via ${c.via.join(' > ')}`);
      if (c.redirects.length > 0) marks.push(`redirects ${c.redirects.map((r) => `${r.fd ?? ''}${r.op} ${r.target ?? '?'}`).join(', ')}`);
      out.push(`  ${i + 1}. ${'  '.repeat(c.depth)}${argv}${c.denied ? pc.red('   <- denied') : ''}`);
      out.push(`     ${pc.dim(marks.join('; '))}`);
    });
  }
  if (p.findings && p.findings.length > 0) {
    out.push('', 'Findings:');
    for (const f of p.findings) out.push(`  - ${f.ruleId}: ${f.detail}`);
  }
  const c = report.context;
  out.push('', pc.dim(`Context: worktree ${c.worktreeRoot}; ${c.interactive ? 'interactive' : 'unattended agent'}; own branch ${c.ownBranch ?? '(none)'}; protected ${c.protectedBranches.join(', ') || '(none)'}`));
  return `${out.join('\n')}\n`;
}

/** Every rule as text, grouped by domain. */
export function renderRules(rules: RuleInfo[]): string {
  const out: string[] = [];
  const domains = [...new Set(rules.map((r) => r.domain))];
  for (const domain of domains) {
    out.push(pc.bold(domain));
    for (const r of rules.filter((x) => x.domain === domain)) out.push(`  ${r.id.padEnd(28)} ${r.description}`);
    out.push('');
  }
  out.push(`${rules.length} rules. Hook-level denials (fail closed): hook.bad-input, hook.deadline, hook.no-context, hook.internal-error.`);
  return `${out.join('\n')}\n`;
}

/** The policy context `overnight gate` explains against. */
export async function gateContext(flags: GateFlags, cwd: string): Promise<PolicyContext> {
  let repoRoot: string | undefined;
  try {
    repoRoot = await findRepoRoot(cwd);
  } catch {
    repoRoot = undefined;
  }
  const config: OvernightConfig = repoRoot ? await loadConfig(repoRoot) : defaultConfig();
  const base = repoRoot ?? cwd;
  return policyContext(policyFileFromConfig(config.safety, base), {
    worktreeRoot: resolve(flags.worktree ?? base),
    ownBranch: flags.branch,
    home: homedir(),
    interactive: flags.interactive === true,
    scratchDir: flags.scratch ? resolve(flags.scratch) : undefined,
  });
}

/** The ToolCall the flags and words describe. Throws OvernightError on a usage mistake. */
export function callFromFlags(words: string[], flags: GateFlags, cwd: string): ToolCall {
  const tool = flags.tool ?? 'Bash';
  if (tool === 'Bash') {
    const command = words.join(' ').trim();
    if (command === '') {
      throw new OvernightError('gate.no-command', 'No command given.', {
        fix: "Pass the command to check, e.g. overnight gate git push --force (quote it to keep pipes and && together: overnight gate 'a && b'), or use --rules.",
        exitCode: 2,
      });
    }
    return { toolName: 'Bash', toolInput: { command }, cwd };
  }
  const field = PATH_FIELDS[tool];
  if (field === undefined && tool !== 'AskUserQuestion') {
    throw new OvernightError('gate.tool', `Unknown --tool '${tool}'.`, {
      field: '--tool',
      fix: `Use one of Bash, ${Object.keys(PATH_FIELDS).join(', ')}, AskUserQuestion.`,
      exitCode: 2,
    });
  }
  if (tool === 'AskUserQuestion') return { toolName: tool, toolInput: { questions: [{ question: words.join(' ') || '?', options: [] }] }, cwd };
  const path = flags.path ?? words[0];
  if (!path) {
    throw new OvernightError('gate.no-path', `--tool ${tool} needs a path.`, { field: '--path', fix: `Add --path <file>, e.g. overnight gate --tool ${tool} --path src/a.ts`, exitCode: 2 });
  }
  return { toolName: tool, toolInput: { [field!]: path }, cwd };
}

