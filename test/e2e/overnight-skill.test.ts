/**
 * The /overnight skill end to end: the real claude CLI loads this plugin (--plugin-dir), expands
 * the skill (running its `!` line, `overnight skill-context`), and sends the result to the scripted
 * stand-in model. The assertions read what the model was sent, so they check exactly what a real
 * model would see.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import type { ModelRequest, Turn } from '../../src/standin/script.js';
import { NO_SESSION_MESSAGE } from '../../src/report/session-data.js';
import { backlogItem, makeRepo, type TestRepo } from '../support/repo.js';
import { PROJECT_ROOT, runClaude } from '../support/claude.js';

/** A heading of skills/overnight/SKILL.md: present in the first user message once the skill is expanded. */
const SKILL_MARKER = '# Overnight session planning';
/** The heading of commands/status.md. */
const STATUS_COMMAND_MARKER = '# Overnight status';
const OVERNIGHT_BIN = join(PROJECT_ROOT, 'bin/overnight');

/** The text between `<tag>` and `</tag>` in the expanded skill, or undefined. */
function block(text: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(text);
  return m?.[1];
}

/** The expanded skill text: the part of the first user message from the skill's heading on. */
function skillText(req: ModelRequest, marker = SKILL_MARKER): string {
  return req.firstUserText.slice(req.firstUserText.indexOf(marker));
}

const backlog = {
  'backlog/001-csv-export.md': backlogItem({ title: 'Add CSV export', status: 'ready', type: 'feature', priority: 'high', verify: 'npm test' }),
  'backlog/002-csv-docs.md': backlogItem({ title: 'Document CSV export', status: 'ready', type: 'docs', priority: 'medium', blocked_by: [1], verify: 'true' }),
  'backlog/003-reporting.md': backlogItem({ title: 'Reporting overhaul', status: 'ready', type: 'epic', priority: 'medium' }),
  'backlog/004-dark-mode.md': backlogItem({ title: 'Dark mode', status: 'draft', type: 'feature', priority: 'low', verify: 'true' }),
  'backlog/005-pdf-export.md': backlogItem({ title: 'PDF export', status: 'ready', type: 'feature', priority: 'high', blocked_by: ['pdf-library'], verify: 'true' }),
  'backlog/006-pdf-library.md': backlogItem({ title: 'Choose a PDF library', status: 'in-progress', type: 'chore', priority: 'high', verify: 'true' }),
  'backlog/007-fix-typo.md': backlogItem({ title: 'Fix header typo', status: 'ready', type: 'bug', priority: 'low', verify: 'true' }),
  'backlog/008-old-thing.md': backlogItem({ title: 'Old thing', status: 'done', type: 'chore', priority: 'low' }),
};

describe('/overnight skill with the real claude CLI', { timeout: 120_000 }, () => {
  let repo: TestRepo;
  const models: StandinModel[] = [];

  beforeAll(() => {
    repo = makeRepo(backlog);
  });
  afterAll(async () => {
    await Promise.all(models.map((m) => m.close()));
    repo.remove();
  });

  /**
   * Runs `claude -p <prompt>` with this plugin in `cwd` against a fresh stand-in model answering
   * `turns` for the conversation whose first user message holds `marker`. Returns the run and the
   * requests of that conversation.
   */
  async function runSkill(prompt: string, turns: Turn[], opts: { cwd?: string; marker?: string } = {}) {
    const marker = opts.marker ?? SKILL_MARKER;
    const model = await startStandinModel({ scripts: [{ marker, turns }] });
    models.push(model);
    const run = await runClaude({ cwd: opts.cwd ?? repo.root, prompt, modelUrl: model.url, pluginDir: PROJECT_ROOT });
    return { run, requests: model.requestsFor(marker), all: model.requests };
  }

  /** A turn that answers with one tagged block of the expanded skill (what SKILL.md asks the model to show). */
  const echo = (tag: string, marker = SKILL_MARKER): Turn => (req) => ({ text: block(skillText(req, marker), tag) ?? `NO <${tag}> IN:\n${skillText(req, marker)}` });
  /** A turn that answers with the MESSAGE line of an error flow. */
  const echoMessage: Turn = (req) => ({ text: /^MESSAGE: (.*)$/m.exec(skillText(req))?.[1] ?? `NO MESSAGE IN:\n${skillText(req)}` });

  it('/overnight 6h inlines the rendered plan: the right items in rounds, every ineligible item with its reason', async () => {
    const { run, requests } = await runSkill('/overnight 6h', [echo('session-plan')]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(requests).toHaveLength(1);
    const text = skillText(requests[0]!);
    expect(text).toContain('FLOW: plan');
    expect(text).toContain('PRECONDITIONS: ok');
    expect(text).toContain('TIME LIMIT: 6h');
    expect(text).toContain('RUNNABLE ITEMS: 3');
    expect(text).toContain('ROUNDS: 2');
    const plan = block(text, 'session-plan');
    expect(plan).toBeDefined();
    const [rounds, notTonight] = plan!.split('## Not in this night') as [string, string];
    expect(notTonight).toBeDefined();
    // Runnable: 001 and 007 first; 002 (depends on 001, inside the night) in the next round.
    const round1 = rounds.slice(rounds.indexOf('## Round 1'), rounds.indexOf('## Round 2'));
    const round2 = rounds.slice(rounds.indexOf('## Round 2'));
    expect(round1).toContain('csv-export');
    expect(round1).toContain('fix-typo');
    expect(round1).not.toContain('csv-docs');
    expect(round2).toContain('csv-docs');
    for (const slug of ['reporting', 'dark-mode', 'pdf-export', 'pdf-library', 'old-thing']) expect(rounds).not.toContain(slug);
    // Every ineligible item, with its reason.
    const reasonOf = (name: string) => notTonight.split('\n').find((l) => l.includes(name)) ?? '';
    expect(reasonOf('003-reporting')).toMatch(/epic/);
    expect(reasonOf('004-dark-mode')).toMatch(/draft/);
    expect(reasonOf('005-pdf-export')).toMatch(/blocked by 006-pdf-library/);
    expect(reasonOf('005-pdf-export')).toMatch(/in-progress/);
    expect(reasonOf('006-pdf-library')).toMatch(/in-progress/);
    expect(notTonight).not.toContain('old-thing'); // done items are not candidates
    // The model showed the plan verbatim; nothing was written to the repository.
    expect(run.result).toMatchObject({ subtype: 'success', is_error: false });
    expect(run.result.result).toBe(plan);
    expect(existsSync(join(repo.root, '.overnight'))).toBe(false);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it("lets the model run the overnight CLI under the skill's allowed-tools (Remove an item re-runs prepare)", async () => {
    const command = `"${OVERNIGHT_BIN}" prepare --format json --exclude 7 --time-limit 6h`;
    const { run, requests } = await runSkill('/overnight 6h', [
      { text: 'Removing 007 and planning again.', tool: 'Bash', input: { command, description: 'Plan again without item 007' } },
      (req) => {
        const out = req.lastToolResults[0]?.content ?? '';
        const line = out.split('\n').find((l) => l.startsWith('{'));
        const envelope = line ? JSON.parse(line) : undefined;
        return { text: envelope?.ok ? envelope.data.markdown : `FAILED: ${out}` };
      },
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.result.permission_denials).toEqual([]);
    expect(requests.map((r) => r.turnIndex)).toEqual([0, 1]);
    const toolResult = requests[1]!.lastToolResults[0]!;
    expect(toolResult.is_error).toBeUndefined();
    const envelope = JSON.parse(toolResult.content.split('\n').find((l) => l.startsWith('{'))!);
    expect(envelope).toMatchObject({ ok: true, command: 'prepare' });
    const markdown: string = envelope.data.markdown;
    const rounds = markdown.split('## Not in this night')[0]!;
    expect(rounds).toContain('csv-export');
    expect(rounds).not.toContain('fix-typo');
    expect(markdown).toContain('fix-typo'); // listed as left out by request
    expect(run.result.result).toBe(markdown);
    expect(existsSync(join(repo.root, '.overnight'))).toBe(false);
  });

  it('Approve: the model launches the session through the CLI, and the next /overnight offers that active session', async () => {
    const night = makeRepo(backlog);
    try {
      const launch = `"${OVERNIGHT_BIN}" launch --format json --time-limit 6h --exclude 7`;
      const { run, requests } = await runSkill(
        '/overnight 6h',
        [
          { text: 'Approved. Launching.', tool: 'Bash', input: { command: launch, description: 'Launch the approved session' } },
          (req) => {
            const line = (req.lastToolResults[0]?.content ?? '').split('\n').find((l) => l.startsWith('{'));
            const envelope = line ? JSON.parse(line) : undefined;
            return { text: envelope?.ok ? `LAUNCHED ${envelope.data.sessionId} ${envelope.data.integrationBranch}` : `FAILED ${req.lastToolResults[0]?.content}` };
          },
        ],
        { cwd: night.root },
      );
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.result.permission_denials).toEqual([]);
      expect(requests).toHaveLength(2);
      const [, sessionId, branch] = /^LAUNCHED (\S+) (\S+)$/.exec(run.result.result) ?? [];
      expect(sessionId, run.result.result).toBeDefined();
      expect(branch).toBe(`overnight/${sessionId}`);
      // The session exists with its frozen plan and integration branch; the user's checkout is untouched.
      const plan = readFileSync(join(night.root, '.overnight/sessions', sessionId!, 'plan.md'), 'utf8');
      expect(plan).toContain('csv-export');
      expect(plan.split('## Not in this night')[0]).not.toContain('fix-typo');
      expect(night.git('branch', '--list', branch!)).toContain(branch);
      expect(night.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
      expect(night.git('status', '--porcelain')).toBe('');

      // /overnight again: one session at a time, so it offers the active one instead of a plan.
      const again = await runSkill('/overnight', [echo('session-status')], { cwd: night.root });
      const text = skillText(again.requests[0]!);
      expect(text).toContain('FLOW: active-session');
      expect(text).toContain(`SESSION: ${sessionId}`);
      expect(text).toContain('PHASE: launched');
      expect(block(text, 'session-plan')).toBeUndefined();
      expect(again.run.result.result).toContain(sessionId);
    } finally {
      night.remove();
    }
  });

  it('/overnight status with no session says so helpfully', async () => {
    const { run, requests } = await runSkill('/overnight status', [echo('session-status')]);
    expect(run.exitCode, run.stderr).toBe(0);
    const text = skillText(requests[0]!);
    expect(text).toContain('FLOW: status');
    expect(block(text, 'session-status')).toBe(NO_SESSION_MESSAGE);
    expect(run.result.result).toBe(NO_SESSION_MESSAGE);
  });

  it('/overnight:status (the command shortcut) shows the same', async () => {
    const { run, requests } = await runSkill('/overnight:status', [echo('session-status', STATUS_COMMAND_MARKER)], { marker: STATUS_COMMAND_MARKER });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(requests).toHaveLength(1);
    expect(run.result.result).toBe(NO_SESSION_MESSAGE);
  });

  it('/overnight foobar gets the unknown-subcommand message', async () => {
    const { run, requests } = await runSkill('/overnight foobar', [echoMessage]);
    expect(run.exitCode, run.stderr).toBe(0);
    const text = skillText(requests[0]!);
    expect(text).toContain('FLOW: error');
    expect(text).toContain("MESSAGE: Unknown subcommand 'foobar'. Use /overnight [time-limit], /overnight resume, /overnight retry [items] or /overnight status.");
    expect(run.result.result).toBe("Unknown subcommand 'foobar'. Use /overnight [time-limit], /overnight resume, /overnight retry [items] or /overnight status.");
  });

  it('/overnight 6x gets the malformed-time-limit message', async () => {
    const { run, requests } = await runSkill('/overnight 6x', [echoMessage]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(skillText(requests[0]!)).toContain(
      "MESSAGE: Invalid time limit '6x'. Expected hours such as '6h' or '1.5h', or minutes such as '90m'.",
    );
  });

  it('/overnight resume with no session says there is nothing to resume', async () => {
    const { run, requests } = await runSkill('/overnight resume', [echoMessage]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(skillText(requests[0]!)).toContain('FLOW: error');
    expect(run.result.result).toBe('No overnight session to resume in this repository. Start one with /overnight.');
  });

  it('/overnight retry with no session says there is nothing to retry', async () => {
    const { run, requests } = await runSkill('/overnight retry csv-export', [echoMessage]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(skillText(requests[0]!)).toContain('FLOW: error');
    expect(run.result.result).toBe('No overnight session in this repository, so nothing to retry. Start one with /overnight.');
  });

  it('/overnight outside the repository root, and without a backlog folder, fails its preconditions', async () => {
    const sub = join(repo.root, 'backlog');
    const inSub = await runSkill('/overnight', [echoMessage], { cwd: sub });
    expect(skillText(inSub.requests[0]!)).toContain(`MESSAGE: Not a git repository root. Run /overnight from the repository root (${repo.root}).`);
    const bare = makeRepo({ 'src/a.txt': 'a\n' });
    try {
      const noBacklog = await runSkill('/overnight', [echoMessage], { cwd: bare.root });
      expect(skillText(noBacklog.requests[0]!)).toMatch(/MESSAGE: No backlog folder 'backlog\/' in /);
      expect(noBacklog.run.result.result).toMatch(/^No backlog folder 'backlog\/' in .*overnight add/);
    } finally {
      bare.remove();
    }
  });
});
