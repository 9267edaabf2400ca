/** One resolution of the claude binary: the config, PATH, the install locations, the plugin's node_modules. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeInstallLocations, claudeMissingFix, resolveClaude } from '../../../src/agent/find-claude.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(): { root: string; exe: (rel: string) => string } {
  const root = mkdtempSync(join(tmpdir(), 'overnight-find-claude-'));
  dirs.push(root);
  return {
    root,
    exe: (rel) => {
      const p = join(root, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, '#!/bin/sh\necho 2.1.330\n');
      chmodSync(p, 0o755);
      return p;
    },
  };
}

describe('resolveClaude', () => {
  it('tries PATH, then the native installer, the local install, npm global, Homebrew, the plugin', () => {
    const t = tree();
    const home = join(t.root, 'home');
    const nodePath = join(t.root, 'node', 'bin', 'node');
    const search = { env: { PATH: join(t.root, 'empty') }, home, nodePath, homebrewDirs: [join(t.root, 'brew')], pluginRoot: join(t.root, 'plugin') };
    expect(resolveClaude(search).path).toBeUndefined();
    const plugin = t.exe('plugin/node_modules/.bin/claude');
    expect(resolveClaude(search)).toMatchObject({ path: plugin, source: 'plugin' });
    const brew = t.exe('brew/claude');
    expect(resolveClaude(search)).toMatchObject({ path: brew, source: 'homebrew' });
    const npm = t.exe('node/bin/claude');
    expect(resolveClaude(search)).toMatchObject({ path: npm, source: 'npm-global' });
    const local = t.exe('home/.claude/local/claude');
    expect(resolveClaude(search)).toMatchObject({ path: local, source: 'local' });
    const native = t.exe('home/.local/bin/claude');
    expect(resolveClaude(search)).toMatchObject({ path: native, source: 'native' });
    const onPath = t.exe('bin/claude');
    expect(resolveClaude({ ...search, env: { PATH: join(t.root, 'bin') } })).toMatchObject({ path: onPath, source: 'path', tried: ['claude on PATH'] });
  });

  it('a configured claude_path is the only place tried; the default name means "look for it"', () => {
    const t = tree();
    const mine = t.exe('tools/my-claude');
    const native = t.exe('home/.local/bin/claude');
    const base = { env: { PATH: '' }, home: join(t.root, 'home'), nodePath: join(t.root, 'nonode'), homebrewDirs: [] };
    expect(resolveClaude({ ...base, configured: mine })).toEqual({ path: mine, source: 'config', tried: [`${mine} (agent.claude_path)`] });
    expect(resolveClaude({ ...base, configured: 'tools/my-claude', cwd: t.root }).path).toBe(mine);
    expect(resolveClaude({ ...base, configured: join(t.root, 'missing') })).toEqual({ tried: [`${join(t.root, 'missing')} (agent.claude_path)`] });
    expect(resolveClaude({ ...base, configured: 'claude' })).toMatchObject({ path: native, source: 'native' });
  });

  it('says where it looked and how to fix it', () => {
    const t = tree();
    const search = { env: { PATH: '', npm_config_prefix: join(t.root, 'prefix') }, home: join(t.root, 'h'), nodePath: join(t.root, 'n', 'node'), pluginRoot: join(t.root, 'p'), homebrewDirs: [] };
    const r = resolveClaude(search);
    expect(r.path).toBeUndefined();
    expect(r.tried).toEqual(['claude on PATH', ...claudeInstallLocations(search).map((p) => p.path)]);
    expect(r.tried).toContain(join(t.root, 'prefix', 'bin', 'claude'));
    expect(r.tried).toContain(join(t.root, 'h', '.local', 'bin', 'claude'));
    expect(claudeMissingFix()).toContain('agent.claude_path');
    expect(claudeMissingFix('/opt/x/claude')).toContain("'/opt/x/claude'");
  });
});
