/**
 * `overnight dashboard [--session ID] [--port N] [--open]`: the night (or the morning) live in a
 * browser, on 127.0.0.1 only, until Ctrl-C. The HTTP stack is imported only when this command runs.
 */
import type { Command } from 'commander';
import { runAction } from '../output.js';
import { findRepoRoot } from '../../util/repo.js';
import { OvernightError } from '../../util/errors.js';

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new OvernightError('dashboard.port', `--port '${value}' is not a port number.`, { field: '--port', fix: 'Give a number from 1 to 65535, or leave --port out for 7878 or the next free port.', exitCode: 2 });
  return Number(value);
}

/** Resolves on SIGINT or SIGTERM (Ctrl-C), with the signal's name. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** Registers `overnight dashboard` on the commander program. */
export function register(program: Command): void {
  program
    .command('dashboard')
    .description('Show the night live in a browser (items on a timeline, cost, gate denials, questions, dependencies), and after it the morning report; 127.0.0.1 only, Ctrl-C to stop.')
    .option('--session <id>', 'session id (default: the latest session, and a newer one once launched)')
    .option('--port <n>', 'port on 127.0.0.1 (default: 7878, or the next free one)')
    .option('--open', 'open the page in the default browser')
    .action(async (opts: { session?: string; port?: string; open?: boolean }) => {
      await runAction('dashboard', 'text', async () => {
        const port = parsePort(opts.port);
        const repoRoot = await findRepoRoot();
        if (opts.session) {
          const { resolveSessionId } = await import('../../report/session-data.js');
          await resolveSessionId(repoRoot, opts.session);
        }
        const { startDashboard } = await import('../../dashboard/serve.js');
        const dashboard = await startDashboard({ repoRoot, sessionId: opts.session, port });
        process.stdout.write(`Dashboard: ${dashboard.url}\nIt only reads .overnight/ and keeps running when the night ends. Ctrl-C to stop.\n`);
        if (opts.open) {
          const { default: open } = await import('open');
          await open(dashboard.url).catch((error: Error) => process.stderr.write(`overnight: could not open a browser (${error.message}); open ${dashboard.url} yourself.\n`));
        }
        const sig = await untilSignal();
        await dashboard.close();
        process.stdout.write(`Dashboard stopped (${sig}).\n`);
      });
    });
}
