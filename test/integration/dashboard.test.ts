/**
 * The dashboard's HTTP app over a session folder on disk (Hono's app.request, no browser): the
 * status envelope, a self-contained page, the event stream (new lines only, resumable with
 * Last-Event-ID, ended by shutdown), a corrupt session, and the port choice on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDashboardApp } from '../../src/dashboard/server.js';
import { choosePort, DEFAULT_PORT } from '../../src/dashboard/serve.js';
import { sessionFiles } from '../../src/session/paths.js';
import { finishedState, manifest } from '../unit/report/fixtures.js';
import { makeRepo } from '../support/repo.js';
import { BIN } from '../support/cli.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

/** A repository folder with one running session of the report fixtures (no git needed for a running night). */
function sessionRepo(): { root: string; id: string } {
  const root = mkdtempSync(join(tmpdir(), 'overnight-dash-'));
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  const m = manifest();
  const f = sessionFiles(root, m.id);
  mkdirSync(f.deferred, { recursive: true });
  writeFileSync(f.manifest, JSON.stringify({ ...m, repoRoot: root }));
  writeFileSync(f.state, JSON.stringify({ ...finishedState(), phase: 'running', endedAt: undefined }));
  writeFileSync(f.events, `${JSON.stringify({ ts: '2026-11-21T23:00:00.000Z', type: 'session_started' })}\n`);
  return { root, id: m.id };
}

/** The app, with requests addressed to 127.0.0.1 as a browser on this machine sends them. */
function app(root: string, shutdown = new AbortController()) {
  const a = createDashboardApp({ repoRoot: root, clientScript: 'document.title = "x"; // </script> must not end the element', shutdown: shutdown.signal, pollMs: 30 });
  return {
    request: (path: string, init: RequestInit = {}) => a.request(path, { ...init, headers: { host: '127.0.0.1:7878', ...(init.headers as Record<string, string> | undefined) } }),
  };
}

function rawApp(root: string, shutdown = new AbortController()) {
  return createDashboardApp({ repoRoot: root, clientScript: 'document.title = "x"; // </script> must not end the element', shutdown: shutdown.signal, pollMs: 30 });
}

/** Reads SSE frames from a streamed response until `count` frames of type `type` arrived. */
async function readFrames(res: Response, type: string, count: number): Promise<Array<{ event: string; id?: string; data: string }>> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const frames: Array<{ event: string; id?: string; data: string }> = [];
  while (frames.filter((f) => f.event === type).length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const frame = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const get = (k: string) => frame.split('\n').find((l) => l.startsWith(`${k}:`))?.slice(k.length + 1).trim();
      frames.push({ event: get('event') ?? 'message', id: get('id'), data: get('data') ?? '' });
    }
  }
  await reader.cancel();
  return frames;
}

describe('dashboard app', () => {
  it('answers /api/status with the status envelope, and says when there is no session', async () => {
    const { root, id } = sessionRepo();
    const body = await (await app(root).request('/api/status')).json();
    expect(body).toMatchObject({ ok: true, command: 'status', data: { session: { sessionId: id, phase: 'running' } } });
    const empty = mkdtempSync(join(tmpdir(), 'overnight-dash-empty-'));
    cleanup.push(() => rmSync(empty, { recursive: true, force: true }));
    const none = await (await app(empty).request('/api/status')).json();
    expect(none).toEqual({ ok: true, command: 'status', data: { session: null, message: expect.stringContaining('No overnight session') } });
  });

  it('serves one self-contained page: inline script and style, no external resource', async () => {
    const { root, id } = sessionRepo();
    const html = await (await app(root).request('/')).text();
    expect(html).toContain(`<title>overnight ${id}</title>`);
    expect(html).toContain('<script type="module">document.title = "x"; // <\\/script> must not end the element</script>');
    expect(html).not.toMatch(/<script[^>]+src=|<link |@import|https?:\/\/(?!127\.0\.0\.1)/);
    const initial = /<script type="application\/json" id="initial">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(initial).graph.edges).toEqual([{ from: 'beta', to: 'alpha' }, { from: 'delta', to: 'gamma' }]);
  });

  it('streams only new events, each with its byte offset as id; Last-Event-ID resumes after it', async () => {
    const { root, id } = sessionRepo();
    const events = sessionFiles(root, id).events;
    const a = app(root);
    const first = a.request('/api/events');
    setTimeout(() => appendFileSync(events, `${JSON.stringify({ ts: '2026-11-21T23:01:00.000Z', type: 'merged', slug: 'alpha' })}\n{"torn`), 100);
    const frames = await readFrames(await first, 'session-event', 1);
    const got = frames.filter((f) => f.event === 'session-event');
    expect(got.map((f) => JSON.parse(f.data).type)).toEqual(['merged']);
    // The torn line waits for its newline; then a reconnecting client gets it, and nothing before.
    appendFileSync(events, `", "x": 1}\n${JSON.stringify({ ts: '2026-11-21T23:02:00.000Z', type: 'item_started', slug: 'beta' })}\n`);
    const again = await readFrames(await a.request('/api/events', { headers: { 'last-event-id': got[0]!.id! } }), 'session-event', 1);
    expect(again.filter((f) => f.event === 'session-event').map((f) => JSON.parse(f.data).type)).toEqual(['item_started']);
  });

  it('ends every event stream on shutdown', async () => {
    const { root } = sessionRepo();
    const shutdown = new AbortController();
    const res = await app(root, shutdown).request('/api/events');
    setTimeout(() => shutdown.abort(), 100);
    const reader = res.body!.getReader();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const { root } = sessionRepo();
    const a = rawApp(root);
    expect((await a.request('/api/status', { headers: { host: 'evil.example:7878' } })).status).toBe(403);
    expect((await a.request('/api/status')).status).toBe(403);
    for (const host of ['127.0.0.1:7878', 'localhost:7879', '[::1]:7878']) expect((await a.request('/api/status', { headers: { host } })).status).toBe(200);
  });

  it('reports a corrupt session as an error envelope naming the file, and still serves the page', async () => {
    const { root, id } = sessionRepo();
    writeFileSync(sessionFiles(root, id).state, '{"version": 1, "phase": ');
    const res = await app(root).request('/api/status');
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.ok).toBe(false);
    expect(JSON.stringify(body.error)).toContain('state.json');
    expect((await app(root).request('/')).status).toBe(200);
  });
});

describe('choosePort', () => {
  it('takes 7878 or the next free port, refuses a requested port that is taken', async () => {
    const port = await choosePort();
    expect(port).toBeGreaterThanOrEqual(DEFAULT_PORT);
    expect(port).toBeLessThanOrEqual(DEFAULT_PORT + 100);
    const server = createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    cleanup.push(() => server.close());
    expect(await choosePort()).not.toBe(port);
    await expect(choosePort(port)).rejects.toThrow(`Port ${port} on 127.0.0.1 is in use.`);
    await expect(choosePort(70000)).rejects.toThrow(/not a port number/);
    expect(await choosePort(0)).toBeGreaterThan(0);
  });
});

describe('overnight dashboard (the built CLI)', () => {
  it('--open hands the address to the desktop opener; with no session the page says how to start one; Ctrl-C stops it', async () => {
    const repo = makeRepo();
    cleanup.push(() => repo.remove());
    const bin = mkdtempSync(join(tmpdir(), 'overnight-fake-bin-'));
    cleanup.push(() => rmSync(bin, { recursive: true, force: true }));
    const opened = join(bin, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const child = spawn(process.execPath, [BIN, 'dashboard', '--port', '0', '--open'], { cwd: repo.root, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const deadline = Date.now() + 20_000;
    while (!existsSync(opened) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const url = /Dashboard: (\S+)/.exec(out)?.[1];
    expect(url, out).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(readFileSync(opened, 'utf8')).toBe(url);
    const status = await (await fetch(new URL('/api/status', url))).json();
    expect(status.data).toEqual({ session: null, message: expect.stringContaining('Start one with /overnight') });
    child.kill('SIGINT');
    expect(await exited, out).toBe(0);
    expect(out).toContain('Dashboard stopped (SIGINT).');
  });

  it('refuses a --port that is not a number, with the fix', async () => {
    const repo = makeRepo();
    cleanup.push(() => repo.remove());
    const child = spawn(process.execPath, [BIN, 'dashboard', '--port', 'eighty'], { cwd: repo.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(2);
    expect(err).toContain("--port 'eighty' is not a port number.");
    expect(err).toContain('Fix: Give a number from 1 to 65535');
  });
});
