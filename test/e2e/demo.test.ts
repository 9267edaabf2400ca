/**
 * `overnight demo` end to end: a whole night on the generated sample repository with the real
 * Claude Code CLI and the scripted stand-in model, in under two minutes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { overnight } from '../support/night.js';

describe('overnight demo', () => {
  const home = mkdtempSync(join(tmpdir(), 'overnight-demo-test-home-'));
  let repoRoot: string | undefined;
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    if (repoRoot && process.env.OVERNIGHT_KEEP_E2E !== '1') rmSync(repoRoot, { recursive: true, force: true });
  });

  it('runs a whole night with the stand-in model when there are no credentials, in under two minutes', async () => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith('ANTHROPIC_') && !k.startsWith('CLAUDE') && !k.startsWith('OVERNIGHT_') && !k.startsWith('GIT_')) env[k] = v;
    }
    env.HOME = home; // no Claude Code login here either
    const started = Date.now();
    const r = await overnight(process.cwd(), env, ['demo', '--format', 'json'], 170_000);
    const elapsed = Date.now() - started;
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.stderr).toContain('No API credentials: using the scripted stand-in model on 127.0.0.1:');
    expect(r.stderr).toContain('everything else is real: Claude Code CLI, hooks, git, checks.');
    const data = JSON.parse(r.stdout.trim().split('\n').pop()!).data;
    repoRoot = data.repoRoot;
    expect(data.usedStandin).toBe(true);
    // On a mismatch, say why each item ended and where the night is kept (OVERNIGHT_KEEP_E2E=1).
    const why = `${r.stderr.slice(-3000)}\n--- morning report ---\n${existsSync(data.reportMd) ? readFileSync(data.reportMd, 'utf8') : '(none)'}`;
    expect(data.summary, why).toMatchObject({ items: 5, shipped: 2, failed: 1, blocked: 2 });
    expect(readFileSync(data.reportMd, 'utf8')).toContain('2 shipped, 1 failed, 2 blocked');
    expect(r.stderr).toContain(`Integration branch: ${data.integrationBranch}`);
    expect(elapsed).toBeLessThan(120_000);
  }, 180_000);
});
