/// <reference lib="dom" />
/**
 * The dashboard page's script (bundled by scripts/build.mjs into dist/dashboard/client.js and
 * inlined into the page). It draws the first data the server inlined, then listens to
 * /api/events (server-sent events) and fetches /api/night again whenever something happened, so
 * the page follows the night without a reload. It sends nothing but GET requests.
 */
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { DashboardView } from '../data.js';
import { DependencyGraphView } from './graph.js';
import { MorningReportView } from './report.js';
import { GateDenials, Questions, Summary, Timeline } from './sections.js';

type Link = 'connecting' | 'live' | 'reconnecting';

function App({ initial }: { initial: DashboardView }) {
  const [view, setView] = useState<DashboardView>(initial);
  const [link, setLink] = useState<Link>('connecting');
  const [updated, setUpdated] = useState(() => new Date());

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let busy = false;
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (busy) return refresh();
        busy = true;
        try {
          const res = await fetch('/api/night', { cache: 'no-store' });
          if (res.ok) {
            setView((await res.json()) as DashboardView);
            setUpdated(new Date());
          }
        } catch {
          /* the server stopped: the event stream says so */
        } finally {
          busy = false;
        }
      }, 200);
    };
    const source = new EventSource('/api/events');
    source.addEventListener('open', () => setLink('live'));
    source.addEventListener('error', () => setLink('reconnecting'));
    for (const type of ['hello', 'session-event', 'state', 'session']) source.addEventListener(type, refresh);
    // The clock moves even when nothing happens: elapsed time, "ago".
    const tick = setInterval(refresh, 10_000);
    return () => {
      source.close();
      clearInterval(tick);
      clearTimeout(timer);
    };
  }, []);

  const env = view.status;
  const session = env.ok ? env.data.session : null;
  const states = new Map((session?.items ?? []).map((i) => [i.slug, i.status as string]));
  return html`<header>
      <h1>overnight${session ? html` <span class="sid">${session.sessionId}</span>` : null}</h1>
      <p class="link" role="status">${link === 'live' ? 'Live' : link === 'connecting' ? 'Connecting…' : 'Reconnecting…'} · updated ${updated.toLocaleTimeString()}</p>
    </header>
    <main>
      ${!env.ok
        ? html`<p class="notice" role="alert">The session cannot be read: ${String(env.error.message ?? '')}${env.error.fix ? ` ${String(env.error.fix)}` : ''}</p>`
        : session === null
          ? html`<p>${"message" in env.data ? env.data.message : ""}</p>`
          : html`<${Summary} view=${session} />
              ${view.report ? html`<${MorningReportView} report=${view.report} />` : null}
              <${Timeline} view=${session} timeline=${view.timeline} />
              <div class="cols">
                <${GateDenials} gate=${view.gate} />
                <${Questions} questions=${view.questions} />
              </div>
              <${DependencyGraphView} graph=${view.graph} states=${states} />`}
    </main>`;
}

const initial = JSON.parse(document.getElementById('initial')?.textContent ?? '{}') as DashboardView;
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} initial=${initial} />`, root);
}
