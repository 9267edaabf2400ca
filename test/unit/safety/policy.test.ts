import { describe, expect, it } from 'vitest';
import { evaluate, denyDecision } from '../../../src/safety/policy.js';
import { explain } from '../../../src/safety/explain.js';
import { corpusContext, WORKTREE } from './corpus-data.js';

const ctx = corpusContext();
const bash = (command: unknown, c = ctx) => evaluate({ toolName: 'Bash', toolInput: { command }, cwd: WORKTREE }, c);

describe('the scratch folder', () => {
  const scratch = '/repo/.overnight/worktrees/s1/_scratch/item';
  const withScratch = corpusContext({ allowPaths: [scratch], scratchDir: scratch });
  it('lets writes into it through, by the shell and the file tools', () => {
    expect(bash(`echo notes > ${scratch}/notes.txt`, withScratch)).toEqual({ decision: 'allow' });
    expect(bash(`rm -rf ${scratch}/old`, withScratch)).toEqual({ decision: 'allow' });
    expect(evaluate({ toolName: 'Write', toolInput: { file_path: `${scratch}/a.txt`, content: '' }, cwd: WORKTREE }, withScratch)).toEqual({ decision: 'allow' });
  });
  it('is named, before the bracketed rule, when a write outside the worktree is denied', () => {
    const d = bash('echo x > /tmp/x', withScratch);
    expect(d).toMatchObject({ decision: 'deny', ruleId: 'fs.write-outside-worktree' });
    if (d.decision !== 'deny') return;
    expect(d.reason).toMatch(new RegExp(`your scratch folder ${scratch} \\(also \\$OVERNIGHT_SCRATCH\\).* \\[overnight safety gate, rule fs\\.write-outside-worktree: `));
    const w = evaluate({ toolName: 'Write', toolInput: { file_path: '/etc/x', content: '' }, cwd: WORKTREE }, withScratch);
    expect(w).toMatchObject({ decision: 'deny', ruleId: 'file.outside-worktree' });
    if (w.decision === 'deny') expect(w.reason).toContain(scratch);
  });
  it('is not named for other denials, nor where there is none', () => {
    const force = bash('git push --force origin main', withScratch);
    if (force.decision === 'deny') expect(force.reason).not.toContain('scratch');
    const plain = bash('echo x > /tmp/x');
    expect(plain).toMatchObject({ decision: 'deny', ruleId: 'fs.write-outside-worktree' });
    if (plain.decision === 'deny') expect(plain.reason).not.toContain('scratch');
  });
});

describe('evaluate', () => {
  it('allows tools it does not gate', () => {
    for (const t of ['WebFetch', 'WebSearch', 'TodoWrite', 'Task', 'Glob', 'LS', 'mcp__x__y']) {
      expect(evaluate({ toolName: t, toolInput: {}, cwd: WORKTREE }, ctx)).toEqual({ decision: 'allow' });
    }
  });
  it('denies a Bash call without a command string', () => {
    expect(bash(undefined)).toMatchObject({ decision: 'deny', ruleId: 'parse.unparseable' });
    expect(bash(42)).toMatchObject({ decision: 'deny', ruleId: 'parse.unparseable' });
  });
  it('answers AskUserQuestion with guidance in unattended sessions', () => {
    const d = evaluate({ toolName: 'AskUserQuestion', toolInput: { questions: [] }, cwd: WORKTREE }, ctx);
    expect(d).toMatchObject({ decision: 'deny', ruleId: 'ask.unattended' });
    if (d.decision === 'deny') expect(d.reason).toMatch(/decide yourself.*DECISIONS.*recorded for the morning/s);
  });
  it('never throws: malformed contexts and inputs become decisions, internal errors a deny', () => {
    const broken = { worktreeRoot: WORKTREE } as never;
    expect(() => evaluate({ toolName: 'Bash', toolInput: { command: 'ls' }, cwd: WORKTREE }, broken)).not.toThrow();
    expect(evaluate({ toolName: 'Bash', toolInput: { command: 'ls' }, cwd: WORKTREE }, broken).decision).toBe('allow');
    const hostile = { ...ctx, get protectedBranches(): string[] { throw new Error('boom'); } };
    expect(evaluate({ toolName: 'Bash', toolInput: { command: 'git push origin main' }, cwd: WORKTREE }, hostile)).toMatchObject({ decision: 'deny', ruleId: 'internal.error' });
    expect(evaluate(null as never, ctx)).toMatchObject({ decision: 'deny', ruleId: 'internal.error' });
  });
  it('never throws on random input (fuzz)', () => {
    const alphabet = ['a', ' ', ' ', '"', "'", '\\', '$', '(', ')', '{', '}', '`', '|', '&', ';', '<', '>', '\n', '#', '*', 'rm', '-rf', '/', 'git', 'push', '=', '~', '!', '[', ']', '<<', 'EOF', '$(', '${', 'bash -c ', 'eval ', 'xargs ', 'find . -exec ', '\\;', 'for i in 1 2; do ', 'done', 'if ', 'then ', 'fi', 'case x in ', 'esac', ';;', 'function f ', '()', '<(', "$'", 'python -c ', 'os.system(', 'cd ', '..', '.git', '--force', 'curl x', '| sh', 'sudo ', 'alias r=', '2>&1', '<<<', '$((', '))', '[[', ']]', 'awk ', 'env ', 'git -c alias.x='];
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 6000; i++) {
      const n = Math.floor(rnd() * 30);
      const cmd = Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const d = bash(cmd);
      expect(['allow', 'deny']).toContain(d.decision);
      if (d.decision === 'deny') {
        expect(d.reason).toMatch(/instead/i);
        expect(d.ruleId).not.toBe('internal.error');
      }
    }
  });
  it('lets allow_commands override only what the gate cannot see, never a destructive rule', () => {
    const c = corpusContext({ allowCommands: ['^eval "\\$CMD"$', '^rm ', '^\\$TOOL', '^git push'] });
    expect(bash('eval "$CMD"', c).decision).toBe('allow');
    expect(bash('$TOOL run', c).decision).toBe('allow');
    expect(bash('rm -rf /', c)).toMatchObject({ ruleId: 'fs.rm-outside-worktree' });
    expect(bash('git push --force', c)).toMatchObject({ ruleId: 'git.force-push' });
    expect(bash('echo "x', c)).toMatchObject({ ruleId: 'parse.unparseable' });
  });
  it('still judges the known parts of code that allow_commands lets through', () => {
    const c = corpusContext({ allowCommands: ['^bash -c', '^eval'] });
    expect(bash('bash -c "echo $D"', c).decision).toBe('allow');
    expect(bash('bash -c "cd $D && rm -rf /"', c)).toMatchObject({ ruleId: 'fs.rm-outside-worktree' });
    expect(bash('eval "$X; git push --force"', c)).toMatchObject({ ruleId: 'git.force-push' });
  });
  it('applies deny_commands to every simple command, nested ones included', () => {
    const c = corpusContext({ denyCommands: ['^make (deploy|release)', 'docker compose down'] });
    expect(bash('make deploy', c)).toMatchObject({ ruleId: 'config.deny-command' });
    expect(bash('bash -c "make release"', c)).toMatchObject({ ruleId: 'config.deny-command' });
    expect(bash('docker compose down -v', c)).toMatchObject({ ruleId: 'config.deny-command' });
    expect(bash('echo make deploy', c).decision).toBe('allow');
    expect(bash('make test', c).decision).toBe('allow');
  });
  it('fails closed on an invalid deny_commands regex', () => {
    expect(bash('ls', corpusContext({ denyCommands: ['('] }))).toMatchObject({ decision: 'deny', ruleId: 'config.deny-command' });
  });
  it('writes reasons for the agent: what, why, what instead, rule id and the command', () => {
    const d = bash('cd / && rm -rf etc');
    expect(d.decision).toBe('deny');
    if (d.decision === 'deny') {
      expect(d.reason).toContain('Instead,');
      expect(d.reason).toContain('fs.rm-outside-worktree');
      expect(d.reason).toContain('rm -rf etc');
      expect(d.reason).toContain('/etc');
    }
    expect(denyDecision('git.force-push')).toMatchObject({ ruleId: 'git.force-push' });
  });
  // Its speed is measured by bench/hook.bench.ts (npm run bench), beside a baseline, not here.
});

describe('explain', () => {
  it('returns the decision and every simple command with argv, cwd, wrappers and nesting', () => {
    const e = explain({ toolName: 'Bash', toolInput: { command: "cd src && timeout 5 bash -c 'X=/; rm -rf $X'" }, cwd: WORKTREE }, ctx);
    expect(e.decision).toMatchObject({ decision: 'deny', ruleId: 'fs.rm-outside-worktree' });
    const rm = e.parsed.commands!.find((c) => c.argv[0] === 'rm')!;
    expect(rm).toMatchObject({ argv: ['rm', '-rf', '/'], cwd: `${WORKTREE}/src`, via: ['bash -c'], denied: true });
    expect(e.parsed.commands!.find((c) => c.argv[0] === 'cd')!.denied).toBe(false);
  });
  it('shows unknown pieces and findings', () => {
    const e = explain({ toolName: 'Bash', toolInput: { command: 'curl -s x | sh; rm -rf "$D"' }, cwd: WORKTREE }, ctx);
    expect(e.parsed.findings).toEqual([expect.objectContaining({ ruleId: 'net.pipe-to-shell' })]);
    const rm = e.parsed.commands!.find((c) => c.argv[0] === 'rm')!;
    expect(rm.argv).toEqual(['rm', '-rf', '$D']);
    expect(rm.unknown).toEqual([false, false, true]);
  });
  it('explains file tools with the resolved path', () => {
    const e = explain({ toolName: 'Write', toolInput: { file_path: '../x.txt' }, cwd: WORKTREE }, ctx);
    expect(e).toMatchObject({ decision: { decision: 'deny', ruleId: 'file.outside-worktree' }, parsed: { tool: 'Write', path: '/work/repo/.overnight/worktrees/s1/x.txt' } });
  });
});

describe('evaluate on hostile input', () => {
  const time = (cmd: string) => {
    const t = performance.now();
    const d = bash(cmd);
    return { d, ms: performance.now() - t };
  };
  it('bounds nested loops, brace explosions and long pipelines', () => {
    const items = Array.from({ length: 16 }, (_, i) => `i${i}`).join(' ');
    let loops = 'x=1';
    for (let i = 0; i < 10; i++) loops = `for v${i} in ${items}; do ${loops}; done`;
    const a = time(loops);
    expect(a.ms).toBeLessThan(3000);
    expect(a.d).toMatchObject({ decision: 'deny', ruleId: 'parse.too-large' });
    const b = time('echo ' + '{a,b}'.repeat(40));
    expect(b.ms).toBeLessThan(1000);
    const c = time(Array.from({ length: 5000 }, () => 'cat').join(' | '));
    expect(c.ms).toBeLessThan(3000);
    expect(c.d.decision).toBe('deny');
  });
});
