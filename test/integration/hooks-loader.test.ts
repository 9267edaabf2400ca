/** The code-cache loader of the built hooks (scripts/build.mjs, src/hooks/loader/run-cached.ts). */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const copy = mkdtempSync(join(tmpdir(), 'overnight-hooks-copy-'));
cpSync(resolve('dist/hooks'), copy, { recursive: true });
for (const f of readdirSync(join(copy, 'core'))) if (f.endsWith('.v8cache')) rmSync(join(copy, 'core', f));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const input = JSON.stringify({ session_id: 's', cwd: '/tmp', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git push --force origin main' } });
function run(name: string) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OVERNIGHT_') && !k.startsWith('CLAUDE_')) env[k] = v;
  return spawnSync(process.execPath, [join(copy, `${name}.js`)], { input, encoding: 'utf8', env, timeout: 20_000 });
}
const caches = () => readdirSync(join(copy, 'core')).filter((f) => f.endsWith('.v8cache'));

describe('hook loader', () => {
  it('writes a code cache named by the core hash after the first run, and decides the same with it', () => {
    const first = run('bash-gate');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('"permissionDecision":"deny"');
    const hash = /^\/\/overnight-core:([0-9a-f]{16})\n/.exec(readFileSync(join(copy, 'core/bash-gate.js'), 'utf8'))![1];
    expect(caches()).toEqual([`bash-gate.${hash}.${process.version}.v8cache`]);
    const second = run('bash-gate');
    expect(second.stdout).toBe(first.stdout);
  });

  it('never uses or writes a cache for a core of another build', () => {
    for (const f of caches()) rmSync(join(copy, 'core', f));
    const core = join(copy, 'core/bash-gate.js');
    writeFileSync(core, readFileSync(core, 'utf8').replace(/^\/\/overnight-core:[0-9a-f]+/, '//overnight-core:0000000000000000'));
    const r = run('bash-gate');
    expect(r.stdout).toContain('"permissionDecision":"deny"');
    expect(caches()).toEqual([]);
  });

  it('fails closed when the core is missing (a gate denies, exit 0; the audit hook stays quiet)', () => {
    rmSync(join(copy, 'core/bash-gate.js'));
    const r = run('bash-gate');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).hookSpecificOutput).toMatchObject({ permissionDecision: 'deny' });
    rmSync(join(copy, 'core/audit.js'));
    const a = run('audit');
    expect(a.status).toBe(0);
    expect(a.stdout).toBe('');
  });
});
