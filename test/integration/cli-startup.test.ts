/**
 * Lazy command loading (issue 11, docs/architecture.md "Start-up"): the built CLI is code-split, and
 * `--version`, `--help`, `status`, `gate` and the skill's `skill-context status` must not load the
 * runner, the agent, git libraries or the plan code. Each command runs under a Node module hook
 * that records every file it loads; esbuild's metafile says which sources each loaded chunk holds.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles } from '../../scripts/build.mjs';
import { PROJECT_ROOT } from '../support/claude.js';
import { backlogItem, tempRepos } from '../support/repo.js';
import { finishedState, manifest } from '../unit/report/fixtures.js';
import { sessionFiles } from '../../src/session/paths.js';

/** Writes a running session (the night in progress, its runner this test process) into `root`. */
function writeRunningSession(root: string): void {
  const m = manifest();
  m.repoRoot = root;
  const st = finishedState();
  st.phase = 'running';
  st.runnerPid = process.pid;
  delete st.endedAt;
  const f = sessionFiles(root, m.id);
  mkdirSync(f.deferred, { recursive: true });
  writeFileSync(f.manifest, JSON.stringify(m));
  writeFileSync(f.state, JSON.stringify(st));
  writeFileSync(f.events, `${JSON.stringify({ ts: st.startedAt, type: 'agent_activity', slug: 'alpha', attempt: 1, turns: 3, costUsd: 0.1 })}\n`);
  symlinkSync(`sessions/${m.id}`, join(root, '.overnight/latest'));
}

/** Sources that only the commands that plan or run a night may load. */
const HEAVY = [/^src\/runner\//, /^src\/plan\//, /^src\/agent\//, /^src\/report\/git-facts\.ts$/, /^node_modules\/simple-git\//, /^node_modules\/execa\//];

const tempRepo = tempRepos();
let dir: string;
let hook: string;
let chunkInputs: Map<string, string[]>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'overnight-startup-'));
  hook = join(dir, 'record-loads.mjs');
  // module.register (Node >= 20.6): a load hook, in the hooks thread, that appends each file URL.
  const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { if (url.startsWith('file:')) appendFileSync(process.env.OVERNIGHT_LOADED_LOG, url + '\\n'); return next(url, context); }`;
  writeFileSync(hook, `import { register } from 'node:module';\nregister(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});\n`);
  const { cliMetafile } = await buildBundles();
  chunkInputs = new Map(Object.entries(cliMetafile.outputs).map(([out, info]) => [out, Object.keys(info.inputs)]));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `node dist/cli.js <args>` in `cwd`; returns its exit code and the sources it loaded. */
function loadedSources(cwd: string, args: string[]): { code: number | null; stdout: string; files: string[]; sources: string[] } {
  const log = join(dir, `loaded-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', hook, join(PROJECT_ROOT, 'dist/cli.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, OVERNIGHT_LOADED_LOG: log, NO_COLOR: '1' },
  });
  const files = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((u) => relative(PROJECT_ROOT, fileURLToPath(u)));
  const sources = files.flatMap((f) => chunkInputs.get(f) ?? [`(not in the metafile) ${f}`]);
  return { code: r.status, stdout: r.stdout, files, sources };
}

const heavy = (sources: string[]) => sources.filter((s) => HEAVY.some((re) => re.test(s)));

describe('CLI start-up loads only what the command needs', () => {
  it('--version loads the entry file alone (no commander, no command)', () => {
    const r = loadedSources(PROJECT_ROOT, ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).version);
    expect(r.sources.filter((s) => s.startsWith('node_modules/'))).toEqual([]);
    expect(r.files[0]).toBe('dist/cli.js');
  });

  it('--help, status, gate and skill-context status load no runner, agent, plan or git library code', () => {
    const repo = tempRepo({ 'backlog/001-a.md': backlogItem({ title: 'A', status: 'ready', verify: 'true' }) });
    writeRunningSession(repo.root);
    expect(loadedSources(repo.root, ['status']).stdout).toContain('alpha');
    for (const args of [['--help'], ['status'], ['status', '--format', 'json'], ['gate', 'git', 'push', '--force'], ['gate', '--tool', 'Write', '--path', 'x'], ['skill-context', 'status']]) {
      const r = loadedSources(repo.root, args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(heavy(r.sources), args.join(' ')).toEqual([]);
    }
  });

  it('the recording sees heavy code where a command needs it (the plan flow of skill-context loads the plan code)', () => {
    const repo = tempRepo({ 'backlog/001-a.md': backlogItem({ title: 'A', status: 'ready', verify: 'true' }) });
    const r = loadedSources(repo.root, ['skill-context', '6h']);
    expect(r.stdout).toContain('FLOW: plan');
    expect(heavy(r.sources).some((s) => s.startsWith('src/plan/'))).toBe(true);
  });
});
