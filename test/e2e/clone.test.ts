/**
 * A plain `git clone` of this repository's HEAD is a working plugin, with no npm at all (issue 11):
 * no node_modules, no build. The real Claude Code CLI loads the clone with `--plugin-dir <clone>`
 * and the scripted stand-in model drives it:
 * - `/overnight 6h` shows the session plan (the skill runs the clone's bin/overnight);
 * - the clone's hooks gate Bash and file tools, and the denials carry the gate's own decisions
 *   (the same rule and reason `overnight gate` of the clone prints);
 * - the clone's CLI runs a whole night, whose agent runs under the clone's hooks.
 * It runs the committed dist/, so it also proves that what is committed works.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import type { ModelRequest, Turn } from '../../src/standin/script.js';
import { demoMarker, type SampleItem } from '../../src/demo/sample.js';
import { integrationBranch } from '../../src/session/paths.js';
import { PROJECT_ROOT, runClaude } from '../support/claude.js';
import { backlogItem, GIT_ENV, makeRepo, type TestRepo } from '../support/repo.js';
import { makeNightRepo, nightEnv, nightFixture, readSession } from '../support/night.js';

const SKILL_MARKER = '# Overnight session planning';
const TOOLS = 'Bash,Read,Write,Edit,MultiEdit,Glob,Grep,NotebookEdit';

let clone: string;
let cloneBin: string;

/** Runs the clone's `bin/overnight <args>` in `cwd` with `env` (nothing inherited when env is given). */
async function cloneCli(cwd: string, args: string[], env?: Record<string, string>) {
  const r = await execa(process.execPath, [cloneBin, ...args], { cwd, env: env ?? { ...process.env, NO_COLOR: '1' }, extendEnv: env === undefined, reject: false, stdin: 'ignore', timeout: 180_000 });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** What `overnight gate --format json` of the clone decides for a call. */
async function gateDecision(cwd: string, args: string[]): Promise<{ decision: string; ruleId?: string; reason?: string }> {
  const r = await cloneCli(cwd, ['gate', '--format', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!).data.decision;
}

/** Files the clone's hook loader wrote next to its cores (V8 code caches): proof that its hooks ran. */
function hookCaches(): string[] {
  const dir = join(clone, 'dist/hooks/core');
  return readdirSync(dir).filter((f) => f.endsWith('.v8cache'));
}

beforeAll(() => {
  clone = join(mkdtempSync(join(tmpdir(), 'overnight-clone-')), 'overnight');
  execFileSync('git', ['clone', '-q', PROJECT_ROOT, clone], { env: { ...process.env, ...GIT_ENV } });
  cloneBin = join(clone, 'bin/overnight');
}, 60_000);

afterAll(() => {
  if (clone && process.env.OVERNIGHT_KEEP_E2E !== '1') rmSync(join(clone, '..'), { recursive: true, force: true });
});

describe('a plain git clone as the plugin (no npm)', { timeout: 300_000 }, () => {
  it('is the committed tree with its bundles and nothing installed', () => {
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    for (const f of ['dist/cli.js', 'dist/hooks/bash-gate.js', 'dist/hooks/core/bash-gate.js', 'plugin/dist/cli.js']) expect(existsSync(join(clone, f)), f).toBe(true);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim()).toBe(head);
    expect(hookCaches()).toEqual([]);
  });

  describe('interactive Claude Code with --plugin-dir <clone>', () => {
    let model: StandinModel;
    let repo: TestRepo;
    beforeAll(async () => {
      model = await startStandinModel({ scripts: [] });
      repo = makeRepo({
        'backlog/001-csv-export.md': backlogItem({ title: 'Add CSV export', status: 'ready', type: 'feature', priority: 'high', verify: 'true' }),
        'backlog/002-dark-mode.md': backlogItem({ title: 'Dark mode', status: 'draft', type: 'feature', priority: 'low', verify: 'true' }),
      });
    });
    afterAll(async () => {
      await model?.close();
      repo?.remove();
    });

    it('/overnight 6h shows the plan made by the clone\'s CLI', async () => {
      const echoPlan: Turn = (req) => {
        const m = /<session-plan>\n([\s\S]*?)\n<\/session-plan>/.exec(req.firstUserText);
        return { text: m?.[1] ?? `NO PLAN IN:\n${req.firstUserText}` };
      };
      model.addScript({ marker: SKILL_MARKER, turns: [echoPlan] });
      const run = await runClaude({ cwd: repo.root, prompt: '/overnight 6h', modelUrl: model.url, pluginDir: clone });
      expect(run.exitCode, run.stderr).toBe(0);
      const [req] = model.requestsFor(SKILL_MARKER);
      expect(req?.firstUserText).toContain('FLOW: plan');
      expect(req?.firstUserText).toContain('RUNNABLE ITEMS: 1');
      // The plan the model showed is the one the clone's CLI prints for the same repository.
      const prepared = await cloneCli(repo.root, ['prepare', '--time-limit', '6h']);
      expect(prepared.code, prepared.stderr).toBe(0);
      const timeless = (plan: string) => plan.replace(/^- Prepared: .*$/m, '').trimEnd();
      expect(timeless(run.result.result)).toBe(timeless(prepared.stdout));
      expect(run.result.result).toContain('csv-export');
      expect(run.result.result).toMatch(/dark-mode.*draft/);
    });

    it("gates Bash and file tools with the gate's own decisions", async () => {
      const marker = 'CLONE-HOOKS-7f3a';
      const turns: Turn[] = [
        () => ({ tool: 'Bash', input: { command: 'echo allowed-by-the-gate', description: 'An ordinary command' } }),
        () => ({ tool: 'Bash', input: { command: 'git push --force origin main', description: 'Force-push' } }),
        () => ({ tool: 'Write', input: { file_path: join(repo.root, '.git/config'), content: '[core]\n' } }),
        () => ({ text: 'done' }),
      ];
      model.addScript({ marker, turns });
      const configBefore = readFileSync(join(repo.root, '.git/config'), 'utf8');
      const run = await runClaude({ cwd: repo.root, prompt: `Do it. ${marker}`, modelUrl: model.url, pluginDir: clone, args: ['--allowedTools', TOOLS], env: GIT_ENV });
      expect(run.exitCode, run.stderr).toBe(0);
      const results = (turn: number): string => model.requestsFor(marker).find((r: ModelRequest) => r.turnIndex === turn)?.lastToolResults[0]?.content ?? '';
      expect(results(1)).toContain('allowed-by-the-gate');
      const push = await gateDecision(repo.root, ['--interactive', 'git', 'push', '--force', 'origin', 'main']);
      const write = await gateDecision(repo.root, ['--interactive', '--tool', 'Write', '--path', join(repo.root, '.git/config')]);
      expect(push).toMatchObject({ decision: 'deny', ruleId: 'git.force-push' });
      expect(write).toMatchObject({ decision: 'deny', ruleId: 'file.git-dir' });
      expect(results(2)).toContain(push.reason);
      expect(results(3)).toContain(write.reason);
      expect(readFileSync(join(repo.root, '.git/config'), 'utf8')).toBe(configBefore);
      // The hooks that ran are the clone's: its loader cached their compiled cores next to them.
      expect(hookCaches().length).toBeGreaterThan(0);
    });
  });

  describe('a whole night run by the clone', () => {
    const fixture = nightFixture();
    const ITEM: SampleItem = { id: 1, slug: 'greeting', title: 'Add a greeting file', verify: 'test -f greeting.txt', goal: 'Write greeting.txt.', criteria: ['greeting.txt exists'] };

    it("launches, runs and merges an item; the agent's Bash and Write calls outside its worktree are denied by the clone's gates", async () => {
      const outside = join(tmpdir(), `overnight-clone-outside-${process.pid}.txt`);
      const seen: string[] = [];
      const turns: Turn[] = [
        () => ({ tool: 'Bash', input: { description: 'Do the work', command: 'echo hello > greeting.txt && git add greeting.txt && git commit -q -m "greeting"' } }),
        (req) => {
          seen.push(req.lastToolResults[0]?.content ?? '');
          return { tool: 'Bash', input: { description: 'Write outside', command: `echo x > ${outside}` } };
        },
        (req) => {
          seen.push(req.lastToolResults[0]?.content ?? '');
          return { tool: 'Write', input: { file_path: outside, content: 'x\n' } };
        },
        (req) => {
          seen.push(req.lastToolResults[0]?.content ?? '');
          return { text: 'Done.\n\nTASK_COMPLETE' };
        },
      ];
      const model = (fixture.model = await startStandinModel({ scripts: [{ marker: demoMarker(ITEM.slug), turns }] }));
      const repo = (fixture.repo = await makeNightRepo({ items: [ITEM], concurrency: 1, idleTimeout: '30s', retries: 0 }));
      const env = nightEnv(model.url);
      // The item is a feature, an approval.ask type: the explicit yes is part of the launch.
      const launched = await cloneCli(repo.root, ['launch', '--format', 'json', '--approve', String(ITEM.id)], env);
      expect(launched.code, launched.stderr).toBe(0);
      const id: string = JSON.parse(launched.stdout.trim().split('\n').pop()!).data.sessionId;
      const run = await cloneCli(repo.root, ['start', '--session', id], env);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);

      const s = readSession(repo.root, id);
      expect(s.state.items[ITEM.slug]!.status).toBe('merged');
      expect(repo.git('ls-tree', '-r', '--name-only', integrationBranch(id)).split('\n')).toContain('greeting.txt');
      expect(seen[1]).toContain('fs.write-outside-worktree');
      expect(seen[2]).toContain('overnight safety gate');
      expect(existsSync(outside)).toBe(false);
      // Every call, allowed and denied, is in the session's audit log written by the clone's audit hook.
      const audit = readFileSync(join(repo.root, '.overnight/sessions', id, 'audit.jsonl'), 'utf8');
      expect(audit).toContain('greeting.txt');
      expect(audit).toContain(outside);
      const report = await cloneCli(repo.root, ['status'], { ...env, NO_COLOR: '1' });
      expect(report.code, report.stderr).toBe(0);
      expect(report.stdout).toContain(ITEM.slug);
    });
  });

  it("fails closed when the clone's dist/ is broken, and the message's advice (git checkout -- dist) repairs it", () => {
    const hooksJson = JSON.parse(readFileSync(join(clone, 'hooks/hooks.json'), 'utf8'));
    const command: string = hooksJson.hooks.PreToolUse.find((h: { matcher: string }) => h.matcher === 'Bash').hooks[0].command;
    const input = JSON.stringify({ session_id: 's', transcript_path: '/dev/null', cwd: clone, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git push --force origin main' }, tool_use_id: 't' });
    // Claude Code runs hook commands through a shell with CLAUDE_PLUGIN_ROOT set.
    const runHook = () => spawnSync('sh', ['-c', command], { input, encoding: 'utf8', env: { ...process.env, CLAUDE_PLUGIN_ROOT: clone } });
    rmSync(join(clone, 'dist/hooks/bash-gate.js'));
    const broken = runHook();
    expect(broken.status).toBe(2);
    const advice = /in a clone: (git checkout -- dist)/.exec(broken.stderr)?.[1];
    expect(advice, broken.stderr).toBe('git checkout -- dist');
    execFileSync('sh', ['-c', advice!], { cwd: clone });
    const repaired = runHook();
    expect(repaired.status, repaired.stderr).toBe(0);
    expect(JSON.parse(repaired.stdout).hookSpecificOutput).toMatchObject({ permissionDecision: 'deny' });
  });

  it("says how to repair a clone whose CLI bundle is missing, and the advice works", () => {
    rmSync(join(clone, 'dist/cli.js'));
    const broken = spawnSync(process.execPath, [cloneBin, '--version'], { encoding: 'utf8' });
    expect(broken.status).toBe(1);
    const advice = /in a clone: (git checkout -- dist)/.exec(broken.stderr)?.[1];
    expect(advice, broken.stderr).toBe('git checkout -- dist');
    execFileSync('sh', ['-c', advice!], { cwd: clone });
    const repaired = spawnSync(process.execPath, [cloneBin, '--version'], { encoding: 'utf8' });
    expect(repaired.status, repaired.stderr).toBe(0);
  });
});
