/**
 * runAgent end to end: the REAL claude binary against the scripted stand-in model, in real git
 * repositories, with the product's own plugin (hooks) loaded from the project root.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ALLOWED_TOOLS } from '../../src/agent/args.js';
import { groupAlive, pidAlive } from '../../src/agent/process-group.js';
import { runAgent } from '../../src/agent/run.js';
import type { AgentActivity, AgentRunOptions } from '../../src/agent/types.js';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { claudeBin, claudeEnv, PROJECT_ROOT } from '../support/claude.js';
import { makeRepo, type TestRepo } from '../support/repo.js';

let model: StandinModel;
const repos: TestRepo[] = [];

beforeAll(async () => {
  model = await startStandinModel({ scripts: [] });
});
afterAll(async () => {
  await model.close();
  for (const r of repos) r.remove();
});

function setup(marker: string, over: Partial<AgentRunOptions> = {}) {
  const repo = makeRepo();
  repos.push(repo);
  const dir = mkdtempSync(join(tmpdir(), 'overnight-agent-'));
  const settingsFile = join(dir, 'settings.json');
  writeFileSync(settingsFile, '{}');
  const activities: AgentActivity[] = [];
  const opts: AgentRunOptions = {
    claudePath: claudeBin(),
    cwd: repo.root,
    brief: `# Mission ${marker}\nDo the thing.`,
    pluginDir: PROJECT_ROOT,
    settingsFile,
    allowedTools: AGENT_ALLOWED_TOOLS,
    maxTurns: 10,
    budgetUsd: 5,
    claudeSessionId: randomUUID(),
    transcriptFile: join(dir, 'transcript.jsonl'),
    stderrFile: join(dir, 'stderr.log'),
    idleTimeoutMs: 3000,
    absoluteTimeoutMs: 60_000,
    env: { ...claudeEnv({ modelUrl: model.url }), CLAUDE_CODE_MAX_RETRIES: '0' },
    inheritEnv: false,
    killGraceMs: 2000,
    onActivity: (a) => activities.push(a),
    ...over,
  };
  return { repo, dir, opts, activities };
}

describe('runAgent with the real claude CLI', () => {
  it('runs a scripted agent that commits and ends with TASK_COMPLETE and learnings', async () => {
    const marker = `M-${randomUUID()}`;
    model.addScript({
      marker,
      turns: [
        { tool: 'Bash', input: { command: 'echo hello > hello.txt && git add hello.txt && git commit -q -m "Add hello"', description: 'commit' }, text: 'Creating the file.' },
        { text: 'Done: hello.txt is committed.\n\n## Learnings\n- Tests run with `npm test`.\n- Commit with clear messages.\n\nTASK_COMPLETE' },
      ],
    });
    const { repo, opts, activities } = setup(marker);
    const out = await runAgent(opts);
    expect(out.failure).toBeUndefined();
    expect(out.exitCode).toBe(0);
    expect(out.completion).toEqual({ kind: 'complete' });
    expect(out.learnings).toBe('- Tests run with `npm test`.\n- Commit with clear messages.');
    expect(out.turns).toBeGreaterThan(0);
    expect(out.costUsd).toBeGreaterThanOrEqual(0);
    expect(out.result?.is_error).toBe(false);
    expect(out.sessionId).toBe(opts.claudeSessionId);
    expect(repo.git('log', '--format=%s', '-1')).toBe('Add hello');
    const transcript = readFileSync(opts.transcriptFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(transcript[0].type).toBe('system');
    expect(transcript[transcript.length - 1].type).toBe('result');
    expect(activities.some((a) => a.kind === 'tool' && a.summary.startsWith('Bash: echo hello'))).toBe(true);
    expect(activities.some((a) => a.kind === 'result')).toBe(true);
  });
});
