/**
 * The plugin as Claude Code sees it: the manifest validates strictly, and the repository works as a
 * marketplace (`claude plugin marketplace add <path>` + `claude plugin install overnight@...`): the
 * install copies the plugin/ folder alone, runs no npm, and `/overnight` then resolves without
 * --plugin-dir.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { startStandinModel } from '../../src/standin/server.js';
import { NO_SESSION_MESSAGE } from '../../src/report/session-data.js';
import { makeRepo } from '../support/repo.js';
import { claudeBin, claudeEnv, makeClaudeHome, PROJECT_ROOT, runClaude } from '../support/claude.js';

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

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
    expect(marketplace.plugins).toEqual([expect.objectContaining({ name: 'overnight', source: './plugin', version: pkg.version })]);
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
    // The folder the marketplace entry installs, with the plugin-directory checks.
    const folder = await claude(['plugin', 'validate', 'plugin', '--strict', '--json'], home);
    expect(folder.exitCode, `${folder.stdout}\n${folder.stderr}`).toBe(0);
    const folderReport = JSON.parse(String(folder.stdout));
    expect(folderReport.success).toBe(true);
    expect(folderReport.provides.skills).toContain('overnight:overnight');
    expect(folderReport.provides.bin).toContain('overnight');
  });

  it('installs from the repository as a marketplace, shows in `claude plugin list`, and /overnight then resolves without --plugin-dir', async () => {
    const home = makeClaudeHome();
    homes.push(home);
    // Claude Code runs `npm ci --ignore-scripts` in its copy of a plugin that has a package.json and
    // a lockfile (docs/architecture.md); plugin/ has neither. An npm, npx, yarn, pnpm and bun on PATH
    // that only record their calls prove that none runs.
    const fakeBin = mkdtempSync(join(tmpdir(), 'overnight-fake-npm-'));
    homes.push(fakeBin);
    const calls = join(fakeBin, 'calls.log');
    for (const tool of ['npm', 'npx', 'yarn', 'pnpm', 'bun']) {
      writeFileSync(join(fakeBin, tool), `#!/bin/sh\necho "${tool} $*" >> '${calls}'\nexit 1\n`);
      chmodSync(join(fakeBin, tool), 0o755);
    }
    const offline = { PATH: `${fakeBin}:${process.env.PATH ?? ''}` };
    const add = await claude(['plugin', 'marketplace', 'add', PROJECT_ROOT], home, offline);
    expect(add.exitCode, `${add.stdout}\n${add.stderr}`).toBe(0);
    expect(String(add.stdout)).toContain(marketplace.name);
    const install = await claude(['plugin', 'install', `overnight@${marketplace.name}`], home, offline);
    expect(install.exitCode, `${install.stdout}\n${install.stderr}`).toBe(0);
    const list = await claude(['plugin', 'list', '--json'], home, offline);
    expect(list.exitCode).toBe(0);
    const installed = JSON.parse(String(list.stdout));
    expect(installed).toEqual([expect.objectContaining({ id: `overnight@${marketplace.name}`, version: pkg.version, enabled: true })]);
    expect(existsSync(calls) ? readFileSync(calls, 'utf8') : '').toBe('');
    // The copy is plugin/ and nothing else: no sources, tests, package.json or node_modules.
    const record = JSON.parse(readFileSync(join(home, '.claude/plugins/installed_plugins.json'), 'utf8'));
    const installPath: string = record.plugins[`overnight@${marketplace.name}`][0].installPath;
    const copied = filesUnder(installPath).filter((f) => !f.endsWith('.v8cache'));
    const pluginFolder = filesUnder(join(PROJECT_ROOT, 'plugin')).filter((f) => !f.endsWith('.v8cache'));
    expect(copied).toEqual(pluginFolder);
    const bytes = copied.reduce((n, f) => n + statSync(join(installPath, f)).size, 0);
    expect(bytes).toBeLessThan(4 * 1024 * 1024);

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
