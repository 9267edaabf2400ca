/**
 * The end-to-end harness itself: the real claude CLI against the scripted stand-in model.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import { makeRepo, type TestRepo } from '../support/repo.js';
import { runClaude } from '../support/claude.js';

describe('e2e harness: real claude CLI against the stand-in model', { timeout: 120_000 }, () => {
  let model: StandinModel;
  let repo: TestRepo;

  beforeAll(async () => {
    model = await startStandinModel({ scripts: [] });
    repo = makeRepo({ 'src/app.txt': 'app\n' });
  });
  afterAll(async () => {
    await model.close();
    repo.remove();
  });

  it('answers a prompt with scripted text, and the CLI reports success and a non-zero cost', async () => {
    model.addScript({ marker: 'HARNESS-TEXT-7f3a', turns: [{ text: 'Scripted hello from the stand-in.' }] });
    const run = await runClaude({ cwd: repo.root, prompt: 'HARNESS-TEXT-7f3a: say hello', modelUrl: model.url });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.lines[0]).toMatchObject({ type: 'system', subtype: 'init' });
    expect(run.result).toMatchObject({ type: 'result', subtype: 'success', is_error: false, num_turns: 1, result: 'Scripted hello from the stand-in.' });
    expect(run.result.total_cost_usd).toBeGreaterThan(0);
    const reqs = model.requestsFor('HARNESS-TEXT-7f3a');
    expect(reqs).toHaveLength(1);
    expect(reqs[0]!.path).toMatch(/^\/v1\/messages(\?|$)/);
    expect(reqs[0]!.body.stream).toBe(true);
  });

  it('runs a scripted Bash tool_use as a real command, and sends the tool_result back', async () => {
    model.addScript({
      marker: 'HARNESS-TOOL-91be',
      turns: [
        { text: 'Creating the file.', tool: 'Bash', input: { command: 'echo made-by-tool > created.txt && git status --porcelain', description: 'create a file' } },
        (req) => {
          const result = req.lastToolResults[0];
          return { text: `The tool said: ${result?.content.trim() ?? 'nothing'}` };
        },
      ],
    });
    const run = await runClaude({
      cwd: repo.root,
      prompt: 'HARNESS-TOOL-91be: create the file',
      modelUrl: model.url,
      args: ['--allowedTools', 'Bash'],
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(join(repo.root, 'created.txt'), 'utf8')).toBe('made-by-tool\n');
    const reqs = model.requestsFor('HARNESS-TOOL-91be');
    expect(reqs.map((r) => r.turnIndex)).toEqual([0, 1]);
    const toolUse = reqs[1]!.messages.at(-2).content.find((b: any) => b.type === 'tool_use');
    expect(toolUse).toMatchObject({ name: 'Bash', input: { command: expect.stringContaining('created.txt') } });
    expect(reqs[1]!.lastToolResults).toHaveLength(1);
    expect(reqs[1]!.lastToolResults[0]!.tool_use_id).toBe(toolUse.id);
    expect(reqs[1]!.lastToolResults[0]!.content).toContain('?? created.txt');
    expect(run.result).toMatchObject({ subtype: 'success', is_error: false, num_turns: 2 });
    expect(run.result.result).toContain('?? created.txt');
    expect(run.result.permission_denials).toEqual([]);
  });

  it('serves two conversations with different markers at once from one server', async () => {
    const script = (marker: string, file: string) => ({
      marker,
      turns: [
        { delayMs: 300, then: { tool: 'Bash', input: { command: `echo ${marker} > ${file}`, description: 'write' } } },
        { text: `${marker} done` },
      ],
    });
    model.addScript(script('CONCURRENT-A-11', 'a.txt'));
    model.addScript(script('CONCURRENT-B-22', 'b.txt'));
    const [a, b] = await Promise.all([
      runClaude({ cwd: repo.root, prompt: 'CONCURRENT-A-11 go', modelUrl: model.url, args: ['--allowedTools', 'Bash'] }),
      runClaude({ cwd: repo.root, prompt: 'CONCURRENT-B-22 go', modelUrl: model.url, args: ['--allowedTools', 'Bash'] }),
    ]);
    expect(a.result?.result).toBe('CONCURRENT-A-11 done');
    expect(b.result?.result).toBe('CONCURRENT-B-22 done');
    expect(readFileSync(join(repo.root, 'a.txt'), 'utf8')).toBe('CONCURRENT-A-11\n');
    expect(readFileSync(join(repo.root, 'b.txt'), 'utf8')).toBe('CONCURRENT-B-22\n');
    expect(model.requestsFor('CONCURRENT-A-11').map((r) => r.turnIndex)).toEqual([0, 1]);
    expect(model.requestsFor('CONCURRENT-B-22').map((r) => r.turnIndex)).toEqual([0, 1]);
    // The two conversations overlapped in time (both first requests before either second one).
    const firstA = model.requestsFor('CONCURRENT-A-11')[0]!.receivedAt!;
    const firstB = model.requestsFor('CONCURRENT-B-22')[0]!.receivedAt!;
    const secondA = model.requestsFor('CONCURRENT-A-11')[1]!.receivedAt!;
    const secondB = model.requestsFor('CONCURRENT-B-22')[1]!.receivedAt!;
    expect(Math.max(firstA, firstB)).toBeLessThan(Math.min(secondA, secondB));
  });

  it('reports an API error from the script as is_error with the message', async () => {
    model.addScript({ marker: 'HARNESS-ERR-5c', turns: [{ error: { status: 400, type: 'invalid_request_error', message: 'scripted bad request' } }] });
    const run = await runClaude({ cwd: repo.root, prompt: 'HARNESS-ERR-5c', modelUrl: model.url });
    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ is_error: true });
    expect(JSON.stringify(run.result)).toContain('scripted bad request');
  });

  it('keeps a hanging request open until the process is killed', async () => {
    model.addScript({ marker: 'HARNESS-HANG-0d', turns: [{ hang: true }] });
    const started = Date.now();
    await expect(runClaude({ cwd: repo.root, prompt: 'HARNESS-HANG-0d', modelUrl: model.url, timeoutMs: 6000 })).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(6000);
    expect(model.requestsFor('HARNESS-HANG-0d')).toHaveLength(1);
    expect(existsSync(repo.root)).toBe(true);
  });
});
