/**
 * `overnight dashboard`: serves the dashboard on 127.0.0.1 only (issue 10), on port 7878 or the next
 * free one (get-port), until Ctrl-C. Imported only by the command (src/cli/commands/dashboard.ts),
 * so no other command loads the HTTP stack.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import getPort, { portNumbers } from 'get-port';
import { pluginRoot } from '../util/plugin-root.js';
import { OvernightError } from '../util/errors.js';
import { createDashboardApp } from './server.js';

/** The only address the dashboard listens on. */
export const DASHBOARD_HOST = '127.0.0.1';
/** The default port; when it is taken, the next free one up to DEFAULT_PORT + 100. */
export const DEFAULT_PORT = 7878;

export interface RunningDashboard {
  url: string;
  port: number;
  /** Ends every event stream and closes the server. */
  close(): Promise<void>;
}

/** The browser script built by scripts/build.mjs. Throws OvernightError when the plugin is not built. */
export async function readClientScript(): Promise<string> {
  const file = join(pluginRoot(), 'dist/dashboard/client.js');
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new OvernightError('dashboard.unbuilt', `The dashboard's page script ${file} is missing.`, { fix: 'Build the plugin: `npm run build` in the plugin folder.' });
  }
}

/**
 * The port to listen on: `requested` when it is free on 127.0.0.1 (0 = any free port), else
 * (nothing requested) DEFAULT_PORT or the next free one. Throws OvernightError `dashboard.port-in-use`
 * when the requested port is taken, or `dashboard.port` when it is not a port number.
 */
export async function choosePort(requested?: number): Promise<number> {
  if (requested === undefined) return getPort({ host: DASHBOARD_HOST, port: portNumbers(DEFAULT_PORT, DEFAULT_PORT + 100) });
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
    throw new OvernightError('dashboard.port', `--port ${requested} is not a port number.`, { field: '--port', fix: 'Give a number from 1 to 65535, or leave --port out for 7878 or the next free port.', exitCode: 2 });
  }
  if (requested === 0) return getPort({ host: DASHBOARD_HOST });
  const port = await getPort({ host: DASHBOARD_HOST, port: requested });
  if (port !== requested) {
    throw new OvernightError('dashboard.port-in-use', `Port ${requested} on ${DASHBOARD_HOST} is in use.`, { field: '--port', fix: `Choose another port with --port, or leave --port out to take ${DEFAULT_PORT} or the next free one.`, exitCode: 2 });
  }
  return port;
}

/**
 * Starts the dashboard of `sessionId` (default: the latest session) of the repository at
 * `repoRoot`. Returns its URL and a close function. Throws OvernightError when the port is taken
 * or the plugin is not built.
 */
export async function startDashboard(opts: { repoRoot: string; sessionId?: string; port?: number }): Promise<RunningDashboard> {
  const [clientScript, port] = await Promise.all([readClientScript(), choosePort(opts.port)]);
  const shutdown = new AbortController();
  const app = createDashboardApp({ repoRoot: opts.repoRoot, sessionId: opts.sessionId, clientScript, shutdown: shutdown.signal });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: DASHBOARD_HOST }, () => resolve(s as Server)) as Server;
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new OvernightError('dashboard.port-in-use', `Port ${port} on ${DASHBOARD_HOST} is in use.`, { fix: 'Run the command again (it takes the next free port), or choose one with --port.', exitCode: 2 }) : error),
    );
  });
  return {
    url: `http://${DASHBOARD_HOST}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Event streams end when `shutdown` aborts; anything still open after a moment is cut.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}
