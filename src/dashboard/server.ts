/**
 * The dashboard's HTTP app (Hono): one self-contained page, the status envelope, the page's data
 * and a server-sent event stream of new events. Every route only reads the session folder.
 *
 *   GET /             the page (HTML with the client script and the first data inlined; no CDN)
 *   GET /api/status   the same envelope as `overnight status --format json`
 *   GET /api/night    everything the page renders (DashboardView)
 *   GET /api/events   SSE: `event: session-event` per new line of events.jsonl (id = byte offset),
 *                     `event: state` when state.json changes, `event: session` when a new night starts
 */
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { streamSSE } from 'hono/streaming';
import { loadDashboard, statusEnvelope } from './data.js';
import { followSession } from './events.js';
import { DASHBOARD_CSS } from './style.js';

export interface DashboardOptions {
  repoRoot: string;
  /** Follow this session; default the latest (and a newer one as soon as it is launched). */
  sessionId?: string;
  /** The browser script (dist/dashboard/client.js's text). */
  clientScript: string;
  /** Aborted on shutdown: every open event stream ends. */
  shutdown: AbortSignal;
  /** How often the event stream looks for new lines, ms (default 500). */
  pollMs?: number;
}

/** Whether a Host header names this machine's loopback interface (127.0.0.1, localhost, [::1]), with any port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

/** JSON safe inside a <script> element: `<` escaped so no `</script>` can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Builds the app. Throws nothing itself; a session that cannot be read is reported in the
 * envelope (`ok: false`, HTTP 500 on /api/status) and on the page.
 */
export function createDashboardApp(opts: DashboardOptions): Hono {
  const app = new Hono();
  const pollMs = opts.pollMs ?? 500;

  // Only pages addressed to this machine by its loopback name may read the night: a web page from
  // elsewhere that rebinds its own host name to 127.0.0.1 (DNS rebinding) is refused.
  app.use(async (c, next) => {
    if (!isLoopbackHost(c.req.header('host'))) return c.text('This dashboard answers only http://127.0.0.1 and http://localhost addresses.', 403);
    await next();
  });

  app.get('/', async (c) => {
    const view = await loadDashboard(opts.repoRoot, opts.sessionId);
    const title = view.sessionId ? `overnight ${view.sessionId}` : 'overnight';
    return c.html(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${raw(DASHBOARD_CSS)}</style>
</head>
<body>
<div id="app"><noscript><p>This page needs JavaScript to draw the night. The same data is at <a href="/api/status">/api/status</a> and <a href="/api/night">/api/night</a>.</p></noscript></div>
<script type="application/json" id="initial">${raw(scriptJson(view))}</script>
<script type="module">${raw(opts.clientScript.replace(/<\/script/gi, '<\\/script'))}</script>
</body>
</html>`);
  });

  app.get('/api/status', async (c) => {
    const env = await statusEnvelope(opts.repoRoot, opts.sessionId);
    return c.json(env, env.ok ? 200 : 500);
  });

  app.get('/api/night', async (c) => c.json(await loadDashboard(opts.repoRoot, opts.sessionId)));

  app.get('/api/events', (c) => streamSSE(c, (stream) => followSession(stream, { ...opts, pollMs }, c.req.header('last-event-id'))));

  return app;
}
