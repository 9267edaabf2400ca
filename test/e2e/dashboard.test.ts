/**
 * The dashboard and the notifications while a real night runs: the built CLI (`overnight launch`,
 * `dashboard`, `start`), the real Claude Code CLI against the scripted stand-in model, headless
 * Chromium (Debian's /usr/bin/chromium through playwright-core) on the page, and a local HTTP
 * receiver for ntfy, Slack and webhook notifications. A second night is stopped early by a signal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startStandinModel } from '../../src/standin/server.js';
import { sampleScripts, PAYMENTS_QUESTION } from '../../src/demo/scripts.js';
import { SAMPLE_ITEMS } from '../../src/demo/sample.js';
import { sessionDir, sessionFiles } from '../../src/session/paths.js';
import { readEvents, readState } from '../../src/session/store.js';
import { nightEndOf, notifyNightEnd } from '../../src/report/notify.js';
import { BIN, launch, makeNightRepo, nightEnv, nightFixture, overnight, readSession, spawnRunner, type NightRepo } from '../support/night.js';
import { PROJECT_ROOT } from '../support/claude.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where the screenshot is saved (a test artifact; docs/images/dashboard.png is a reviewed copy). */
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver for notifications: records every request, answers 200. */
async function startReceiver(): Promise<{ url: string; got: Received[]; close: () => Promise<void> }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, got, close: () => new Promise((r) => server.close(() => r())) };
}

/** Appends every notification type to the repository's overnight.config.yaml (secrets through env vars). */
function configureNotifications(repo: NightRepo, receiverUrl: string, outDir: string): void {
  appendFileSync(
    join(repo.root, 'overnight.config.yaml'),
    [
      'notifications:',
      '  - type: ntfy',
      '    url_env: TEST_NTFY_URL',
      '    token_env: TEST_NTFY_TOKEN',
      '    tags: [test]',
      '  - type: slack',
      '    url_env: TEST_SLACK_URL',
      '  - type: webhook',
      `    url: ${receiverUrl}/webhook`,
      '    on_item_failure: true',
      '  - type: command',
      `    command: cat > "${outDir}/stdin.json"; printf '%s' "$OVERNIGHT_REPORT" > "${outDir}/report-path.txt"; cp "$OVERNIGHT_REPORT" "${outDir}/report.md"`,
      '',
    ].join('\n'),
  );
}

function notifyEnv(receiverUrl: string): Record<string, string> {
  return { TEST_NTFY_URL: `${receiverUrl}/ntfy/overnight-night`, TEST_NTFY_TOKEN: 'tk_test_token', TEST_SLACK_URL: `${receiverUrl}/slack/T000/B000`, OVERNIGHT_NOTIFY_RETRY_MS: '100' };
}

/** Starts `overnight dashboard --port 0` and resolves with its URL once it listens. */
function startDashboardCli(root: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string; done: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'dashboard', '--port', '0'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const done = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dashboard did not start:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out, done });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void done.then((code) => reject(new Error(`dashboard exited ${code}:\n${out}`)));
  });
}

/** The state each item's row shows, by slug. */
async function rowStates(page: Page): Promise<Record<string, { title: string; state: string }>> {
  return page.$$eval('tr[data-slug]', (rows) =>
    Object.fromEntries(rows.map((r) => [r.getAttribute('data-slug'), { title: r.querySelector('.title')?.textContent ?? '', state: r.querySelector('[data-testid=state]')?.textContent ?? '' }])),
  );
}

/** sha256 of every file under `dir` (path -> hash). */
function hashTree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) hashTree(full, base, out);
    else out[full.slice(base.length + 1)] = createHash('sha256').update(readFileSync(full)).digest('hex');
  }
  return out;
}

describe('the dashboard while a real night runs, and its notifications', () => {
  const fixture = nightFixture();
  let repo: NightRepo;
  let env: Record<string, string>;
  let id: string;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let dash: Awaited<ReturnType<typeof startDashboardCli>>;
  let browser: BrowserContext;
  let page: Page;
  let outDir: string;
  let profile: string;
  const seen: { before?: Record<string, { title: string; state: string }>; mergedLive?: boolean; noReload?: boolean; runnerCode?: number | null; runnerOutput?: string } = {};

  beforeAll(async () => {
    rx = await startReceiver();
    outDir = mkdtempSync(join(tmpdir(), 'overnight-dash-out-'));
    profile = mkdtempSync(join(tmpdir(), 'overnight-chromium-'));
    fixture.model = await startStandinModel({ scripts: sampleScripts({ delayMs: 900 }) });
    repo = fixture.repo = await makeNightRepo({ items: SAMPLE_ITEMS, concurrency: 2, retries: 0 });
    configureNotifications(repo, rx.url, outDir);
    env = nightEnv(fixture.model.url, notifyEnv(rx.url));
    id = await launch(repo.root, env);
    dash = await startDashboardCli(repo.root, env);
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1400, height: 900 } });
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(dash.url);
    await page.waitForSelector('tr[data-slug]');
    seen.before = await rowStates(page);
    await page.evaluate(() => ((window as unknown as { __sameDocument: string }).__sameDocument = 'yes'));

    const runner = spawnRunner(repo.root, env, ['start', '--session', id]);
    // The page follows the night through /api/events: the first item's row turns `merged` without a reload.
    await page.waitForFunction(() => document.querySelector('tr[data-slug="greeting"] [data-testid=state]')?.textContent === 'merged', undefined, { timeout: 200_000, polling: 100 });
    seen.mergedLive = true;
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-live.png'), fullPage: true });
    seen.runnerCode = await runner.done;
    seen.runnerOutput = runner.output();
    // The page ends on the final morning report (with the pull request step's note), without a reload.
    const finalNote = readSession(repo.root, id).report?.pullRequest?.note ?? '';
    await page.waitForFunction((note) => document.querySelector('[data-testid=morning-report]')?.textContent?.includes(note) ?? false, finalNote, { timeout: 30_000 });
    seen.noReload = await page.evaluate(() => (window as unknown as { __sameDocument?: string }).__sameDocument === 'yes');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (dash && dash.child.exitCode === null) dash.child.kill('SIGKILL');
    await rx?.close();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  it('shows every item\'s title and a state as soon as the page loads', () => {
    expect(seen.runnerCode, seen.runnerOutput).toBe(0);
    expect(Object.keys(seen.before!).sort()).toEqual(SAMPLE_ITEMS.map((i) => i.slug).sort());
    for (const item of SAMPLE_ITEMS) {
      expect(seen.before![item.slug]!.title).toBe(item.title);
      expect(seen.before![item.slug]!.state).toBe('pending');
    }
  });

  it('updates the page when an item merges, without a reload, and ends on the morning report', async () => {
    expect(seen.mergedLive).toBe(true);
    expect(seen.noReload).toBe(true);
    const states = await rowStates(page);
    const expected = Object.fromEntries(Object.entries(readSession(repo.root, id).state.items).map(([k, v]) => [k, v.status]));
    expect(Object.fromEntries(Object.entries(states).map(([k, v]) => [k, v.state]))).toEqual(expected);
    const report = await page.textContent('[data-testid=morning-report]');
    expect(report).toContain('2 shipped, 1 failed, 2 blocked of 5 items. Took ');
    expect(report).toContain('after 1 attempt(s)');
    expect(await page.textContent('main')).toContain(PAYMENTS_QUESTION);
    expect(await page.textContent('main')).toContain('git.force-push');
    expect(await page.textContent('main')).toContain('needs');
    expect(existsSync(join(ARTIFACTS, 'dashboard.png'))).toBe(true);
  });

  it('serves /api/status as the same envelope as `overnight status --format json`', async () => {
    const api = await (await fetch(new URL('/api/status', dash.url))).json();
    const cli = await overnight(repo.root, env, ['status', '--format', 'json']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(api).toEqual(JSON.parse(cli.stdout));
    expect(api.data.session.sessionId).toBe(id);
  });

  it('delivers every notification type in its documented format at the end of the complete night', () => {
    const ntfy = rx.got.filter((g) => g.path === '/ntfy/overnight-night');
    expect(ntfy).toHaveLength(1);
    expect(ntfy[0]!.headers.title).toBe(`overnight ${id}: Night complete: 2 shipped, 1 failed, 2 blocked`);
    expect(ntfy[0]!.headers.priority).toBe('high');
    expect(ntfy[0]!.headers.tags).toBe('overnight,warning,test');
    expect(ntfy[0]!.headers.authorization).toBe('Bearer tk_test_token');
    for (const section of ['Shipped (2):', 'Failed (1):', 'Blocked (2):', 'Deferred (0 item(s), 1 question(s)):', 'Cost:', 'Pull request:']) expect(ntfy[0]!.body).toContain(section);
    for (const item of SAMPLE_ITEMS) expect(ntfy[0]!.body).toContain(item.title);

    const slack = rx.got.filter((g) => g.path === '/slack/T000/B000');
    expect(slack).toHaveLength(1);
    const msg = JSON.parse(slack[0]!.body);
    expect(msg.text).toBe(ntfy[0]!.headers.title);
    expect(msg.blocks.map((b: { text: { text: string } }) => b.text.text.split('\n')[0])).toEqual([
      `*${msg.text}*`, '*Shipped (2)*', '*Failed (1)*', '*Blocked (2)*', '*Deferred (0 item(s), 1 question(s))*', '*Cost*', '*Pull request*',
    ]);

    const hook = rx.got.filter((g) => g.path === '/webhook' && g.headers['x-overnight-event'] === 'night-end');
    expect(hook).toHaveLength(1);
    expect(hook[0]!.headers['x-overnight-end']).toBe('complete');
    expect(JSON.parse(hook[0]!.body)).toEqual(JSON.parse(readFileSync(sessionFiles(repo.root, id).reportJson, 'utf8')));
    // on_item_failure: the webhook also heard of the failed item, while the night ran.
    const itemHooks = rx.got.filter((g) => g.path === '/webhook' && g.headers['x-overnight-event'] === 'item-failed');
    expect(itemHooks.map((g) => g.headers['x-overnight-item'])).toEqual(['csv-export']);
    expect(JSON.parse(itemHooks[0]!.body).failed.map((f: { slug: string }) => f.slug)).toContain('csv-export');

    expect(JSON.parse(readFileSync(join(outDir, 'stdin.json'), 'utf8')).sessionId).toBe(id);
    expect(readFileSync(join(outDir, 'report-path.txt'), 'utf8')).toBe(sessionFiles(repo.root, id).reportMd);
    const sent = readEvents(repo.root, id).filter((e) => e.type === 'notify-sent');
    expect(sent.map((e) => e.event).sort()).toEqual(['item-failed', 'night-end', 'night-end', 'night-end', 'night-end']);
  });

  it('only reads the session folder, and stops cleanly on Ctrl-C with a page connected', async () => {
    const before = hashTree(sessionDir(repo.root, id));
    for (const path of ['/', '/api/status', '/api/night']) expect((await fetch(new URL(path, dash.url))).status).toBe(200);
    const events = await fetch(new URL('/api/events', dash.url));
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    await events.body!.cancel();
    expect(hashTree(sessionDir(repo.root, id))).toEqual(before);
    dash.child.kill('SIGINT');
    const code = await Promise.race([dash.done, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
    expect(code, dash.output()).toBe(0);
    expect(dash.output()).toContain('Dashboard stopped (SIGINT).');
  });
});

describe('notifications of a night that stopped early', () => {
  const fixture = nightFixture();
  let repo: NightRepo;
  let id: string;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let outDir: string;
  let runnerOutput = '';

  beforeAll(async () => {
    rx = await startReceiver();
    outDir = mkdtempSync(join(tmpdir(), 'overnight-dash-out-'));
    // Slow agents, so the night is still running when the runner gets its stop signal.
    fixture.model = await startStandinModel({ scripts: sampleScripts({ delayMs: 4000 }) });
    repo = fixture.repo = await makeNightRepo({ items: SAMPLE_ITEMS.slice(0, 2), concurrency: 1, retries: 0 });
    configureNotifications(repo, rx.url, outDir);
    const env = nightEnv(fixture.model.url, notifyEnv(rx.url));
    id = await launch(repo.root, env);
    const runner = spawnRunner(repo.root, env, ['start', '--session', id]);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !readEvents(repo.root, id).some((e) => e.type === 'item_started')) await new Promise((r) => setTimeout(r, 200));
    runner.child.kill('SIGTERM');
    await runner.done;
    runnerOutput = runner.output();
  }, 120_000);

  afterAll(async () => {
    await rx?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('sends the brief of the early stop to every type, once', async () => {
    const state = readState(repo.root, id);
    expect(state.phase, runnerOutput).toBe('stopped');
    const end = nightEndOf(state, readEvents(repo.root, id))!;
    expect(end.kind).toBe('stopped');
    // The runner calls notifyNightEnd when a night stops early for good (a permanent failure); a stop
    // by a signal is not an end (resume goes on), so here it is called on this stopped night's real
    // files directly. A second call for the same end sends nothing.
    // (The secrets are in the runner's environment; here they are passed in.)
    const outcomes = await notifyNightEnd(repo.root, id, end, { env: { ...process.env, ...notifyEnv(rx.url) } });
    expect(outcomes.map((o) => o.ok), JSON.stringify(outcomes)).toEqual([true, true, true, true]);
    expect(await notifyNightEnd(repo.root, id, end, { env: { ...process.env, ...notifyEnv(rx.url) } })).toEqual([]);

    const ntfy = rx.got.filter((g) => g.path === '/ntfy/overnight-night');
    expect(ntfy).toHaveLength(1);
    expect(ntfy[0]!.headers.title).toMatch(new RegExp(`^overnight ${id}: Night stopped early: 0 shipped, 0 failed`));
    expect(ntfy[0]!.headers.priority).toBe('high');
    expect(ntfy[0]!.headers.tags).toBe('overnight,stop_sign,test');
    expect(ntfy[0]!.body).toContain('Why it stopped:\n- the runner was stopped by a signal\n- `overnight resume` goes on from where it stopped.');

    const slack = JSON.parse(rx.got.find((g) => g.path === '/slack/T000/B000')!.body);
    expect(slack.blocks[1].text.text).toContain('*Why it stopped*');

    const hook = rx.got.filter((g) => g.path === '/webhook');
    expect(hook).toHaveLength(1);
    expect(hook[0]!.headers['x-overnight-end']).toBe('stopped');
    expect(JSON.parse(hook[0]!.body)).toMatchObject({ sessionId: id, phase: 'stopped' });

    expect(JSON.parse(readFileSync(join(outDir, 'stdin.json'), 'utf8'))).toMatchObject({ sessionId: id, phase: 'stopped' });
    expect(readFileSync(join(outDir, 'report.md'), 'utf8')).toContain(`# Morning report: overnight ${id}`);
  });
});
