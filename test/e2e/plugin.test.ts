/**
 * The plugin as Claude Code sees it: the manifest validates strictly, and the repository works as a
 * marketplace (`claude plugin marketplace add <path>` + `claude plugin install overnight@...`), after
 * which `/overnight` resolves without --plugin-dir.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { startStandinModel } from '../../src/standin/server.js';
import { NO_SESSION_MESSAGE } from '../../src/report/session-data.js';
import { makeRepo } from '../support/repo.js';
import { claudeBin, claudeEnv, makeClaudeHome, PROJECT_ROOT, runClaude } from '../support/claude.js';

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, '.claude-plugin/plugin.json'), 'utf8'));
const marketplace = JSON.parse(readFileSync(join(PROJECT_ROOT, '.claude-plugin/marketplace.json'), 'utf8'));

/** Runs `claude <args>` (not -p) with a private HOME; the model URL is unused by plugin commands. */
async function claude(args: string[], home: string, extraEnv: Record<string, string> = {}) {
  return execa(claudeBin(), args, {
    cwd: PROJECT_ROOT,
    env: { ...claudeEnv({ modelUrl: 'http://127.0.0.1:9', home }), ...extraEnv },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: 120_000,
  });
}

describe('the overnight plugin in Claude Code', { timeout: 240_000 }, () => {
  const homes: string[] = [];
  afterAll(() => {
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  it('has a manifest that matches package.json', () => {
    expect(manifest.name).toBe('overnight');
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.license).toBe('MIT');
    expect(manifest.author?.name).toBeTruthy();
    expect(marketplace.plugins).toEqual([expect.objectContaining({ name: 'overnight', source: './', version: pkg.version })]);
  });

  it('passes `claude plugin validate . --strict` with no warnings or errors', async () => {
    const home = makeClaudeHome();
    homes.push(home);
    const run = await claude(['plugin', 'validate', '.', '--strict', '--json'], home);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const report = JSON.parse(String(run.stdout));
    expect(report.success).toBe(true);
    expect(report.manifest.errors).toEqual([]);
    expect(report.manifest.warnings).toEqual([]);
    expect(report.directory.findings).toEqual([]);
    expect(report.provides.skills).toContain('overnight:overnight');
    expect(report.provides.commands).toContain('overnight:status');
    expect(report.provides.bin).toContain('overnight');
    // The plugin manifest itself, too (validate . checks the marketplace when both exist).
    const plugin = await claude(['plugin', 'validate', '.claude-plugin/plugin.json', '--strict', '--json'], home);
    expect(plugin.exitCode, `${plugin.stdout}\n${plugin.stderr}`).toBe(0);
    const pluginReport = JSON.parse(String(plugin.stdout));
    expect(pluginReport.manifest).toMatchObject({ type: 'plugin', errors: [], warnings: [] });
  });

  it('installs from the repository as a marketplace, shows in `claude plugin list`, and /overnight then resolves without --plugin-dir', async () => {
    const home = makeClaudeHome();
    homes.push(home);
    // Claude Code runs `npm ci --ignore-scripts` in its copy of the plugin; keep that offline and quick
    // (an unreachable registry makes it fail fast, which Claude Code tolerates: the copy already holds dist/).
    const offline = { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', npm_config_fetch_timeout: '2000' };
    const add = await claude(['plugin', 'marketplace', 'add', PROJECT_ROOT], home, offline);
    expect(add.exitCode, `${add.stdout}\n${add.stderr}`).toBe(0);
    expect(String(add.stdout)).toContain(marketplace.name);
    const install = await claude(['plugin', 'install', `overnight@${marketplace.name}`], home, offline);
    expect(install.exitCode, `${install.stdout}\n${install.stderr}`).toBe(0);
    const list = await claude(['plugin', 'list', '--json'], home, offline);
    expect(list.exitCode).toBe(0);
    const installed = JSON.parse(String(list.stdout));
    expect(installed).toEqual([expect.objectContaining({ id: `overnight@${marketplace.name}`, version: pkg.version, enabled: true })]);

    // The installed plugin answers /overnight status in a repository, with no --plugin-dir.
    const model = await startStandinModel({
      scripts: [
        {
          marker: '# Overnight session planning',
          turns: [(req) => ({ text: /<session-status>\n([\s\S]*?)\n<\/session-status>/.exec(req.firstUserText)?.[1] ?? 'NO STATUS' })],
        },
      ],
    });
    const repo = makeRepo({ 'backlog/.keep': '' });
    try {
      const run = await runClaude({ cwd: repo.root, prompt: '/overnight status', modelUrl: model.url, home, env: offline });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.result?.result).toBe(NO_SESSION_MESSAGE);
    } finally {
      await model.close();
      repo.remove();
    }
  }, 240_000);
});
