/**
 * `overnight gate <command...>`: what the safety gate decides for a command, which rule decides it,
 * and how the gate parsed it, for people who want to know why (DESIGN.md, "The CLI").
 *
 *   overnight gate git push --force origin main
 *   overnight gate --cwd src --worktree . -- 'rm -rf ../build'
 *   overnight gate --tool Write --path ../outside.txt
 *   overnight gate --rules [--format json]
 *
 * The context is the one an overnight agent gets: the repository's overnight.config.yaml `safety`
 * section (loaded and validated), the worktree (`--worktree`, default the repository root), the
 * agent's own branch (`--branch`). `--interactive` shows what the hook decides in interactive use.
 * Read-only; exit code 0 whatever the decision (the decision is in the output).
 */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { loadConfig } from '../../config/load.js';
import { defaultConfig, type OvernightConfig } from '../../config/schema.js';
import { decideFileCall, PATH_FIELDS } from '../../hooks/file-policy.js';
import { policyContext, policyFileFromConfig } from '../../hooks/policy-context.js';
import { explain, type Explained } from '../../safety/explain.js';
import { RULES, type RuleInfo } from '../../safety/rules/index.js';
import type { Decision, PolicyContext, ToolCall } from '../../safety/types.js';
import { OvernightError } from '../../util/errors.js';
import { findRepoRoot } from '../../util/repo.js';
import { parseFormat, printEnvelope, runAction } from '../output.js';

interface GateFlags {
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

/** Registers `overnight gate` on the commander program. */
export function register(program: Command): void {
  // `overnight gate git push --force`: options after the first word belong to the command being
  // checked, not to overnight (commander passThroughOptions needs positional options on the parent;
  // overnight has no program-level options besides --version and --help, which still work).
  program.enablePositionalOptions();
  program
    .command('gate')
    .passThroughOptions()
    .description('Explain what the safety gate decides for a command (or file tool call), which rule decides it, and how it was parsed')
    .argument('[command...]', 'the shell command to check (quote it to keep pipes and && together)')
    .option('--cwd <dir>', 'working directory of the call (default: the current directory)')
    .option('--worktree <dir>', "the agent's worktree, its boundary (default: the repository root)")
    .option('--branch <name>', "the agent's own branch (the only one it may push)")
    .option('--scratch <dir>', "the agent's scratch folder (writable, outside the worktree; OVERNIGHT_SCRATCH in a session)")
    .option('--tool <name>', 'Bash (default), Write, Edit, MultiEdit, NotebookEdit, Read, Grep, AskUserQuestion')
    .option('--path <file>', 'the file path, with --tool')
    .option('--interactive', 'decide as the hooks do in interactive Claude Code (a person is there)')
    .option('--rules', 'list every rule: id, domain, description')
    .option('--format <format>', 'text or json', 'text')
    .action(async (words: string[], flags: GateFlags) => {
      const format = parseFormat(flags.format);
      await runAction('gate', format, async () => {
        if (flags.rules) {
          if (format === 'json') printEnvelope('gate', { rules: RULES });
          else process.stdout.write(renderRules(RULES));
          return;
        }
        const cwd = resolve(flags.cwd ?? process.cwd());
        const call = callFromFlags(words, flags, cwd);
        const report = explainCall(call, await gateContext(flags, cwd));
        if (format === 'json') printEnvelope('gate', report);
        else process.stdout.write(renderGateReport(report));
      });
    });
}
