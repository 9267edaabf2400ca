import { describe, expect, it } from 'vitest';
import { classifyPath, isSecretPath, resolvePath, isHarmlessDevice } from '../../../src/safety/paths.js';
import { corpusContext, WORKTREE } from './corpus-data.js';

describe('resolvePath', () => {
  it('resolves relative paths against the cwd and ~ against home, normalising . and ..', () => {
    expect(resolvePath('a/../b/./c/', '/w', '/h')).toBe('/w/b/c');
    expect(resolvePath('~/x', '/w', '/h')).toBe('/h/x');
    expect(resolvePath('~', '/w', '/h')).toBe('/h');
    expect(resolvePath('/a//b/../c', null, '/h')).toBe('/a/c');
    expect(resolvePath('rel', null, '/h')).toBeNull();
    expect(resolvePath('../../../../..', '/w/x', '/h')).toBe('/');
  });
});

describe('classifyPath', () => {
  const ctx = corpusContext({ allowPaths: ['/scratch'], denyPaths: ['/work/repo/.overnight/worktrees/s1/item/locked', 'fixtures'] });
  it('tells inside, root, git, denied and outside apart', () => {
    expect(classifyPath(`${WORKTREE}/src`, ctx)).toBe('inside');
    expect(classifyPath(WORKTREE, ctx)).toBe('root');
    expect(classifyPath('/work/repo', ctx)).toBe('root');
    expect(classifyPath('/', ctx)).toBe('root');
    expect(classifyPath(`${WORKTREE}/.git`, ctx)).toBe('git');
    expect(classifyPath(`${WORKTREE}/vendor/x/.git/HEAD`, ctx)).toBe('git');
    expect(classifyPath(`${WORKTREE}/locked/a`, ctx)).toBe('denied');
    expect(classifyPath(`${WORKTREE}/fixtures/a`, ctx)).toBe('denied');
    expect(classifyPath('/scratch/a', ctx)).toBe('inside');
    expect(classifyPath('/scratch', ctx)).toBe('outside');
    expect(classifyPath('/work/repo/.overnight/worktrees/s1/item2', ctx)).toBe('outside');
    expect(classifyPath('/etc', ctx)).toBe('outside');
  });
  it('knows harmless devices', () => {
    expect(isHarmlessDevice('/dev/null')).toBe(true);
    expect(isHarmlessDevice('/dev/fd/3')).toBe(true);
    expect(isHarmlessDevice('/dev/sda')).toBe(false);
  });
});

describe('isSecretPath', () => {
  it('recognises secret files', () => {
    for (const p of ['.env', 'a/.env', '.env.local', '.env.production', 'prod.env', 'server.pem', 'tls/server.key', 'id_rsa', 'id_ed25519', '/h/.ssh/config', '/h/.ssh', '.npmrc', '.pypirc', '.netrc', '.git-credentials', 'credentials', 'gcp-credentials.json', '/h/.aws/credentials', 'store.p12', 'store.pfx', 'secrets.yml', 'secrets.json', '/proc/1/environ', '/etc/shadow', '/h/.kube/config', '/h/.docker/config.json', '.env*']) {
      expect(isSecretPath(p), p).toBe(true);
    }
  });
  it('leaves examples, public keys and source files alone', () => {
    for (const p of ['.env.example', '.env.sample', '.env.template', '.env.example.bak', 'id_rsa.pub', 'secrets.ts', 'src/keys.ts', 'keyboard.key.ts', 'README.md', 'environment.ts', 'env.d.ts', 'config.json']) {
      expect(isSecretPath(p), p).toBe(false);
    }
  });
});
