import { describe, expect, it } from 'vitest';
import { agentGitConfigEnv, buildSandboxSettings, CLAUDE_AUTH_ENV, CREDENTIAL_PATHS, credentialPaths, envNameMatches, readDenyRules, secretEnvNames, withoutSecrets } from '../../../src/safety/sandbox.js';

describe('credential environment variables', () => {
  it('matches names, prefixes and suffixes', () => {
    expect(envNameMatches('AWS_SECRET_ACCESS_KEY', 'AWS_*')).toBe(true);
    expect(envNameMatches('MY_TOKEN', '*_TOKEN')).toBe(true);
    expect(envNameMatches('GH_TOKEN', 'GH_TOKEN')).toBe(true);
    expect(envNameMatches('GH_TOKENS', 'GH_TOKEN')).toBe(false);
    expect(envNameMatches('PATH', '*_TOKEN')).toBe(false);
  });

  it('finds the built-in credentials and the configured ones, but never Claude Code auth or OVERNIGHT_*', () => {
    const env = {
      PATH: '/bin',
      HOME: '/h',
      GITHUB_TOKEN: 'a',
      GH_TOKEN: 'b',
      NPM_TOKEN: 'c',
      AWS_ACCESS_KEY_ID: 'd',
      AWS_SECRET_ACCESS_KEY: 'e',
      CORP_VAULT_PASSWORD: 'f',
      MY_CORP_THING: 'g',
      ANTHROPIC_API_KEY: 'k',
      CLAUDE_CODE_OAUTH_TOKEN: 'o',
      OVERNIGHT_RUN_TOKEN: 'r',
      UNSET: undefined,
    };
    expect(secretEnvNames(env, ['MY_CORP_*'])).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'CORP_VAULT_PASSWORD', 'GH_TOKEN', 'GITHUB_TOKEN', 'MY_CORP_THING', 'NPM_TOKEN']);
    const kept = withoutSecrets({ PATH: '/bin', GH_TOKEN: 'b', ANTHROPIC_API_KEY: 'k', OVERNIGHT_RUN_TOKEN: 'r' });
    expect(kept).toEqual({ PATH: '/bin', ANTHROPIC_API_KEY: 'k', OVERNIGHT_RUN_TOKEN: 'r' });
  });
});

describe('buildSandboxSettings', () => {
  const settings = buildSandboxSettings({
    home: '/home/u/',
    worktree: '/r/.overnight/worktrees/s/a',
    allowWrite: ['/r/.overnight/worktrees/s/_scratch/a', '/r/.overnight/worktrees/s/_objects/a', '/r/.overnight/worktrees/s/_scratch/a'],
    gitReadOnly: ['/r/.git/config', '/r/.git/hooks'],
    denyRead: ['/r/.env', '/secrets'],
    allowDomains: ['registry.npmjs.org'],
    hiddenEnv: [...CLAUDE_AUTH_ENV, 'GH_TOKEN'],
  });

  it('is strict: enabled, no unsandboxed fallback, fails when it cannot start', () => {
    expect(settings).toMatchObject({ enabled: true, failIfUnavailable: true, allowUnsandboxedCommands: false, autoAllowBashIfSandboxed: true });
  });

  it('writes only where the item works, keeps git read-only, hides credential stores, env and network', () => {
    expect(settings.filesystem.allowWrite).toEqual(['/r/.overnight/worktrees/s/_scratch/a', '/r/.overnight/worktrees/s/_objects/a']);
    expect(settings.filesystem.denyWrite).toEqual(['/r/.git/config', '/r/.git/hooks']);
    for (const p of ['.ssh', '.aws', '.config/gh', '.netrc', '.npmrc', '.docker/config.json', '.kube', '.config/gcloud']) {
      expect(CREDENTIAL_PATHS).toContain(p);
      expect(settings.filesystem.denyRead).toContain(`/home/u/${p}`);
    }
    expect(settings.filesystem.denyRead.slice(-2)).toEqual(['/r/.env', '/secrets']);
    expect(settings.network.allowedDomains).toEqual(['registry.npmjs.org']);
    expect(settings.credentials.envVars).toContainEqual({ name: 'GH_TOKEN', mode: 'deny' });
    expect(settings.credentials.envVars).toContainEqual({ name: 'ANTHROPIC_API_KEY', mode: 'deny' });
  });

  it('allows no network by default', () => {
    const s = buildSandboxSettings({ home: '/h', worktree: '/w', allowWrite: [], gitReadOnly: [], denyRead: [], allowDomains: [], hiddenEnv: [] });
    expect(s.network.allowedDomains).toEqual([]);
  });
});

describe('agentGitConfigEnv', () => {
  it('passes git configuration through GIT_CONFIG_COUNT/KEY/VALUE', () => {
    expect(agentGitConfigEnv('/tmp/x/git-excludes')).toEqual({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_0: 'core.excludesFile',
      GIT_CONFIG_VALUE_0: '/tmp/x/git-excludes',
      GIT_CONFIG_KEY_1: 'gc.auto',
      GIT_CONFIG_VALUE_1: '0',
      GIT_CONFIG_KEY_2: 'maintenance.auto',
      GIT_CONFIG_VALUE_2: 'false',
    });
  });
});

describe('credential stores for the file tools', () => {
  it('gives every credential path a pair of Read deny rules (file tools are outside the OS sandbox)', () => {
    const paths = credentialPaths('/home/u', ['/r/.env']);
    expect(paths).toContain('/home/u/.ssh');
    expect(paths).toContain('/home/u/.config/gh');
    expect(paths.at(-1)).toBe('/r/.env');
    expect(readDenyRules(['/home/u/.ssh', '/r/.env'])).toEqual(['Read(//home/u/.ssh)', 'Read(//home/u/.ssh/**)', 'Read(//r/.env)', 'Read(//r/.env/**)']);
  });
});
