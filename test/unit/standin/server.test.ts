import { afterEach, describe, expect, it } from 'vitest';
import { startStandinModel, type StandinModel } from '../../../src/standin/server.js';
import { parseSse } from '../../../src/standin/sse.js';
import { UNSCRIPTED_REPLY } from '../../../src/standin/script.js';

const post = (m: StandinModel, path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${m.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

const request = (text: string, extra: Record<string, unknown> = {}, messages: any[] = []) => ({
  model: 'claude-test',
  max_tokens: 100,
  system: [{ type: 'text', text: 'You are a test.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text }] }, ...messages],
  ...extra,
});

describe('stand-in model server', () => {
  let model: StandinModel | undefined;
  afterEach(async () => {
    await model?.close();
    model = undefined;
  });

  it('streams SSE for stream:true and returns one JSON message for stream:false, recording both', async () => {
    model = await startStandinModel({ scripts: [{ marker: 'M1', turns: [{ text: 'first' }, { tool: 'Bash', input: { command: 'ls' } }] }] });
    expect(model.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const streamed = await post(model, '/v1/messages?beta=true', request('hello M1', { stream: true }));
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await streamed.text());
    expect(events[0]!.event).toBe('message_start');
    expect(events.at(-1)!.event).toBe('message_stop');
    expect(events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text).join('')).toBe('first');

    const json = await post(model, '/v1/messages', request('hello M1', { stream: false }, [{ role: 'assistant', content: 'first' }, { role: 'user', content: 'go on' }]));
    expect(json.headers.get('content-type')).toBe('application/json');
    const message = await json.json();
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-test', stop_reason: 'tool_use' });
    expect(message.content[0]).toMatchObject({ type: 'tool_use', name: 'Bash', input: { command: 'ls' } });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);

    expect(model.requests.map((r) => [r.turnIndex, r.marker, r.path])).toEqual([
      [0, 'M1', '/v1/messages?beta=true'],
      [1, 'M1', '/v1/messages'],
    ]);
    expect(model.requestsFor('M1')).toHaveLength(2);
  });

  it('answers unscripted requests, count_tokens, health checks and unknown endpoints', async () => {
    model = await startStandinModel({ scripts: [] });
    const reply = await (await post(model, '/v1/messages', request('no marker'))).json();
    expect(reply.content).toEqual([{ type: 'text', text: UNSCRIPTED_REPLY }]);
    const count = await (await post(model, '/v1/messages/count_tokens', request('count me'))).json();
    expect(count.input_tokens).toBeGreaterThan(0);
    for (const path of ['/', '/health', '/api/hello']) expect((await fetch(`${model.url}${path}`, { method: 'HEAD' })).status).toBe(200);
    const missing = await fetch(`${model.url}/v1/models`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.type).toBe('not_found_error');
    const bad = await fetch(`${model.url}/v1/messages`, { method: 'POST', body: '{oops' });
    expect(bad.status).toBe(400);
    expect(model.log.map((l) => l.method + ' ' + l.path)).toContain('HEAD /api/hello');
  });

  it('answers scripted API errors with their status and the Anthropic error body, and script bugs with 500', async () => {
    model = await startStandinModel({
      scripts: [
        { marker: 'ERR', turns: [{ error: { status: 429, type: 'rate_limit_error', message: 'slow down' } }] },
        { marker: 'BUG', turns: [() => { throw new Error('script bug'); }] },
      ],
    });
    const res = await post(model, '/v1/messages', request('ERR'));
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } });
    const bug = await post(model, '/v1/messages', request('BUG'));
    expect(bug.status).toBe(500);
    expect((await bug.json()).error.message).toContain('script bug');
  });

  it('delays an answer, and keeps a hanging request open until close()', async () => {
    model = await startStandinModel({ scripts: [{ marker: 'SLOW', turns: [{ delayMs: 300, then: { text: 'late' } }] }, { marker: 'HANG', turns: [{ hang: true }] }] });
    const t0 = Date.now();
    await (await post(model, '/v1/messages', request('SLOW'))).json();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    let settled = false;
    const hanging = post(model, '/v1/messages', request('HANG')).then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    expect(model.requestsFor('HANG')).toHaveLength(1);
    await model.close();
    model = undefined;
    await hanging;
    expect(settled).toBe(true);
  });

  it('matches scripts added later, by marker in the first user message only', async () => {
    model = await startStandinModel({ scripts: [] });
    model.addScript({ marker: 'LATER', turns: [{ text: 'added' }] });
    const hit = await (await post(model, '/v1/messages', request('LATER'))).json();
    expect(hit.content[0].text).toBe('added');
    const miss = await (await post(model, '/v1/messages', request('first', {}, [{ role: 'assistant', content: 'x' }, { role: 'user', content: 'LATER' }]))).json();
    expect(miss.content[0].text).toBe(UNSCRIPTED_REPLY);
  });
});
