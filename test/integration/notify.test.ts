/**
 * Notifications against a real local HTTP receiver and a real shell: every type is delivered in its
 * documented format, a failed one is recorded and retried once, and nothing throws.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../src/report/build.js';
import { nightBrief } from '../../src/report/notify-brief.js';
import { sendNotifications } from '../../src/report/notify.js';
import { configSchema } from '../../src/config/schema.js';
import { finishedState, gitFacts, manifest, noAudit } from '../unit/report/fixtures.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver that records every POST; `/flaky` answers 500 the first time. */
async function receiver(): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  let flaky = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/flaky' && flaky++ === 0) return res.writeHead(500).end('try again');
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, got };
}

describe('sendNotifications', () => {
  it('delivers ntfy, slack, webhook and command in their formats; retries a failure once; records every attempt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overnight-notify-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const rx = await receiver();
    const r = buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now: new Date('2026-11-22T06:00:00Z') });
    const reportJson = JSON.stringify(r);
    const targets = configSchema.parse({
      notifications: [
        { type: 'ntfy', url_env: 'T_NTFY', token_env: 'T_TOKEN' },
        { type: 'slack', url: `${rx.url}/slack` },
        { type: 'webhook', url: `${rx.url}/flaky` },
        { type: 'command', command: `printf '%s' "$OVERNIGHT_REPORT" > ${dir}/path.txt; cat > ${dir}/stdin.json` },
        { type: 'command', command: 'echo broken >&2; exit 4' },
        { type: 'webhook', url: 'http://127.0.0.1:1/nobody' },
        { type: 'slack', url_env: 'T_UNSET' },
      ],
    }).notifications;
    const events: Array<[string, Record<string, unknown>]> = [];
    const out = await sendNotifications(
      targets,
      { event: 'night-end', sessionId: r.sessionId, end: { kind: 'complete' }, brief: nightBrief(r, { kind: 'complete' }), reportJson, reportMdPath: '/s/morning-report.md' },
      (type, data) => {
        events.push([type, data]);
      },
      { env: { T_NTFY: `${rx.url}/ntfy/night`, T_TOKEN: 'secret-token' }, retryDelayMs: 50 },
    );
    expect(out.map((o) => [o.ok, o.attempts])).toEqual([[true, 1], [true, 1], [true, 2], [true, 1], [false, 2], [false, 2], [false, 1]]);

    const ntfy = rx.got.find((g) => g.path === '/ntfy/night')!;
    expect(ntfy.headers.title).toContain('Night complete: 2 shipped, 1 failed');
    expect(ntfy.headers.priority).toBe('high');
    expect(ntfy.headers.tags).toBe('overnight,warning');
    expect(ntfy.headers.authorization).toBe('Bearer secret-token');
    expect(ntfy.body).toContain('Shipped (2):');

    const slack = JSON.parse(rx.got.find((g) => g.path === '/slack')!.body);
    expect(slack.text).toContain('Night complete');
    expect(slack.blocks.length).toBeGreaterThanOrEqual(6);

    const hooks = rx.got.filter((g) => g.path === '/flaky');
    expect(hooks).toHaveLength(2);
    expect(hooks[1]!.body).toBe(reportJson);
    expect(hooks[1]!.headers['content-type']).toBe('application/json');

    expect(readFileSync(join(dir, 'path.txt'), 'utf8')).toBe('/s/morning-report.md');
    expect(readFileSync(join(dir, 'stdin.json'), 'utf8')).toBe(reportJson);

    const byTarget = (label: string) => events.filter((e) => String(e[1].target).startsWith(label)).map((e) => [e[0], e[1].attempt]);
    expect(byTarget('webhook #3')).toEqual([['notify-failed', 1], ['notify-sent', 2]]);
    expect(byTarget('command #5')).toEqual([['notify-failed', 1], ['notify-failed', 2]]);
    expect(events.find((e) => String(e[1].target).startsWith('command #5'))![1].detail).toContain('exit 4: broken');
    expect(byTarget('slack #7')).toEqual([['notify-failed', 1]]);
    // No secret reaches the log: labels carry hosts and variable names only.
    expect(JSON.stringify(events)).not.toContain('secret-token');
    expect(JSON.stringify(events)).not.toContain('/ntfy/night');
  });
});
