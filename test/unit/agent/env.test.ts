import { afterEach, describe, expect, it } from 'vitest';
import { agentEnv, STRIPPED_ENV } from '../../../src/agent/run.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe('agentEnv', () => {
  it('drops the markers of a parent Claude Code session, keeps the rest, and lets opts.env win', () => {
    process.env.CLAUDECODE = '1';
    process.env.CLAUDE_PROJECT_DIR = '/elsewhere';
    process.env.ANTHROPIC_API_KEY = 'sk-keep';
    process.env.H5_SAMPLE = 'inherited';
    const env = agentEnv({ env: { OVERNIGHT_ITEM: 'csv-export', H5_SAMPLE: 'override' } });
    expect(env.CLAUDECODE).toBeUndefined();
    expect(env.CLAUDE_PROJECT_DIR).toBeUndefined();
    expect(env.ANTHROPIC_API_KEY).toBe('sk-keep');
    expect(env.OVERNIGHT_ITEM).toBe('csv-export');
    expect(env.H5_SAMPLE).toBe('override');
    expect(STRIPPED_ENV).toContain('CLAUDE_CODE_ENTRYPOINT');
  });

  it('inherits nothing with inheritEnv false', () => {
    process.env.H5_SAMPLE = 'inherited';
    expect(agentEnv({ inheritEnv: false, env: { A: 'b' } })).toEqual({ A: 'b' });
  });
});
