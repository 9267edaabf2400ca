/**
 * The environment of a night run against the scripted stand-in model: the Claude Code CLI talks to
 * the local stand-in (ANTHROPIC_BASE_URL), with a private HOME so nothing of the machine's own
 * Claude Code setup (login, settings, plugins) leaks in, and a fixed git identity for commits.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_GIT_IDENTITY } from './sample.js';

/** Inherited variables that would change what a claude child does (auth, config, nesting) or who commits. */
export function isInterfering(name: string): boolean {
  return (
    name === 'CLAUDECODE' ||
    name.startsWith('CLAUDE_') ||
    name.startsWith('ANTHROPIC_') ||
    name.startsWith('OVERNIGHT_') ||
    name.startsWith('GIT_') ||
    name === 'AWS_BEARER_TOKEN_BEDROCK'
  );
}

/**
 * The environment for the runner (and, inherited, its claude children) against the stand-in at
 * `modelUrl`: the current environment without interfering variables, plus HOME = `home` (a new
 * private temp folder when not given) with CLAUDE_CONFIG_DIR inside it, ANTHROPIC_BASE_URL,
 * a dummy ANTHROPIC_API_KEY, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 and the demo git identity.
 */
export function standinEnv(modelUrl: string, home?: string): Record<string, string> {
  const h = home ?? mkdtempSync(join(tmpdir(), 'overnight-demo-home-'));
  mkdirSync(join(h, '.claude'), { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !isInterfering(k)) env[k] = v;
  return {
    ...env,
    ...DEMO_GIT_IDENTITY,
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: h,
    CLAUDE_CONFIG_DIR: join(h, '.claude'),
    XDG_CONFIG_HOME: join(h, '.config'),
    ANTHROPIC_BASE_URL: modelUrl,
    ANTHROPIC_API_KEY: 'overnight-standin',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
  };
}

/** The environment for a run with the real model: the user's own, plus the demo git identity. */
export function realEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CLAUDECODE' && !k.startsWith('OVERNIGHT_')) env[k] = v;
  return { ...env, ...DEMO_GIT_IDENTITY };
}
