/** The notification brief and each type's format (pure): ntfy headers, Slack blocks, webhook and command. */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/report/build.js';
import { briefText, itemFailureBrief, nightBrief } from '../../../src/report/notify-brief.js';
import { buildDelivery, NotifyConfigError, slackMessage, targetLabel, type NotifyMessage } from '../../../src/report/notify-formats.js';
import { nightEndOf } from '../../../src/report/notify.js';
import { configSchema } from '../../../src/config/schema.js';
import { finishedState, gitFacts, manifest, noAudit } from './fixtures.js';

const report = () => {
  const r = buildReport(manifest(), finishedState(), [], gitFacts(), noAudit(), [], { now: new Date('2026-11-22T06:00:00Z') });
  r.pullRequest = { url: 'https://github.com/o/r/pull/7', commands: [] };
  return r;
};
const targets = (list: unknown[]) => configSchema.parse({ notifications: list }).notifications;
const msg = (over: Partial<NotifyMessage> = {}): NotifyMessage => {
  const r = report();
  return { event: 'night-end', sessionId: r.sessionId, end: { kind: 'complete' }, brief: nightBrief(r, { kind: 'complete' }), reportJson: JSON.stringify(r), reportMdPath: '/s/morning-report.md', ...over };
};

describe('nightBrief', () => {
  it('says shipped, failed, blocked, deferred, cost and the PR link, and is urgent when something failed', () => {
    const b = nightBrief(report(), { kind: 'complete' });
    expect(b.title).toBe('overnight 20261121-2300-abcd: Night complete: 2 shipped, 1 failed, 2 blocked');
    expect(b.urgent).toBe(true);
    expect(b.tags).toEqual(['overnight', 'warning']);
    const text = briefText(b);
    expect(text).toContain('Shipped (2):\n- 001 Item alpha\n- 002 Item beta');
    expect(text).toContain('Failed (1):\n- 003 Item gamma: task, The success condition failed');
    expect(text).toContain('Blocked (2):');
    expect(text).toContain('Deferred (0 item(s), 0 question(s)):\n- none');
    expect(text).toMatch(/Cost:\n- \$1\.\d\d, \d+ turns, 20m 00s of 6h 00m/);
    expect(text).toContain('Pull request:\n- https://github.com/o/r/pull/7');
  });

  it('names each kind of end, with why and when it goes on', () => {
    const r = report();
    expect(nightBrief(r, { kind: 'time-limit' }).title).toContain('Night stopped by its time limit');
    const stopped = nightBrief(r, { kind: 'stopped', reason: 'claude is not logged in' });
    expect(stopped.title).toContain('Night stopped early');
    expect(stopped.sections[0]).toEqual({ heading: 'Why it stopped', lines: ['claude is not logged in', '`overnight resume` goes on from where it stopped.'] });
    expect(stopped.tags).toContain('stop_sign');
    const paused = nightBrief(r, { kind: 'paused', reason: 'usage limit', resumeAt: '2026-11-22T04:10:00.000Z' });
    expect(paused.title).toContain('Night paused until 04:10 UTC');
    expect(paused.sections[0]!.lines).toContain('It goes on by itself at 2026-11-22T04:10:00.000Z.');
  });

  it('briefs one failed item with its kind, evidence and next step', () => {
    const b = itemFailureBrief(report(), 'gamma');
    expect(b.title).toBe('overnight 20261121-2300-abcd: item 003 failed');
    const text = briefText(b);
    expect(text).toContain('task after 2 attempt(s): The success condition failed');
    expect(text).toContain('- expected 2 got 3');
    expect(() => itemFailureBrief(report(), 'alpha')).toThrow(/not among the failed items/);
  });
});

describe('buildDelivery', () => {
  it('ntfy: the plain-text brief with Title, Priority, Tags and a bearer token from token_env', () => {
    const [t] = targets([{ type: 'ntfy', url: 'https://ntfy.example/night', token_env: 'NTFY_TOKEN', tags: ['laptop'] }]);
    const d = buildDelivery(t!, msg(), { NTFY_TOKEN: 'tk_123' });
    expect(d.kind).toBe('http');
    if (d.kind !== 'http') return;
    expect(d.url).toBe('https://ntfy.example/night');
    expect(d.headers).toMatchObject({ title: expect.stringContaining('Night complete'), priority: 'high', tags: 'overnight,warning,laptop', authorization: 'Bearer tk_123' });
    expect(d.body).toBe(briefText(msg().brief));
    expect(() => buildDelivery(t!, msg(), {})).toThrow(NotifyConfigError);
  });

  it('ntfy: the configured priority when nothing failed', () => {
    const [t] = targets([{ type: 'ntfy', url: 'https://ntfy.example/night', priority: 'low' }]);
    const calm = { ...msg().brief, urgent: false };
    const d = buildDelivery(t!, msg({ brief: calm }), {});
    expect(d.kind === 'http' && d.headers.priority).toBe('low');
  });

  it('slack: text plus one mrkdwn section per outcome, URL from url_env', () => {
    const [t] = targets([{ type: 'slack', url_env: 'SLACK_URL' }]);
    const d = buildDelivery(t!, msg(), { SLACK_URL: 'https://hooks.slack.example/T/B/x' });
    if (d.kind !== 'http') throw new Error('expected http');
    expect(d.url).toBe('https://hooks.slack.example/T/B/x');
    const body = JSON.parse(d.body);
    expect(body.text).toContain('Night complete');
    const texts = body.blocks.map((b: { type: string; text: { text: string } }) => (expect(b.type).toBe('section'), b.text.text));
    expect(texts.map((t: string) => t.split('\n')[0])).toEqual([`*${body.text}*`, '*Shipped (2)*', '*Failed (1)*', '*Blocked (2)*', '*Deferred (0 item(s), 0 question(s))*', '*Cost*', '*Pull request*']);
    expect(() => buildDelivery(t!, msg(), {})).toThrow(/SLACK_URL \(url_env\) is not set/);
    expect(targetLabel(t!, 0)).toBe('slack #1 ($SLACK_URL)');
  });

  it('slack: escapes &, < and >', () => {
    const b = { ...msg().brief, sections: [{ heading: 'A <b>', lines: ['x & y'] }] };
    expect(slackMessage(b).blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*A &lt;b&gt;*\n• x &amp; y' } });
  });

  it('webhook: report.json as the body; command: report.json on stdin and $OVERNIGHT_REPORT', () => {
    const [w, c] = targets([{ type: 'webhook', url: 'http://127.0.0.1:9/h' }, { type: 'command', command: 'cat' }]);
    const m = msg();
    const dw = buildDelivery(w!, m, {});
    expect(dw.kind === 'http' && dw.body).toBe(m.reportJson);
    expect(dw.kind === 'http' && dw.headers['x-overnight-end']).toBe('complete');
    const dc = buildDelivery(c!, m, {});
    expect(dc).toMatchObject({ kind: 'command', command: 'cat', input: m.reportJson, env: { OVERNIGHT_REPORT: '/s/morning-report.md', OVERNIGHT_EVENT: 'night-end', OVERNIGHT_END: 'complete' } });
  });
});

describe('config', () => {
  it('needs exactly one of url and url_env, and a valid variable name', () => {
    expect(() => targets([{ type: 'slack' }])).toThrow(/exactly one of `url`/);
    expect(() => targets([{ type: 'ntfy', url: 'https://x/y', url_env: 'X' }])).toThrow(/exactly one of `url`/);
    expect(() => targets([{ type: 'ntfy', url: 'https://x/y', token_env: 'not a name' }])).toThrow(/environment variable name/);
    expect(targets([{ type: 'webhook', url: 'https://x/y' }])[0]).toEqual({ type: 'webhook', url: 'https://x/y', on_item_failure: false });
  });
});

describe('nightEndOf', () => {
  it('reads the kind of end from the phase and the events', () => {
    const s = finishedState();
    expect(nightEndOf(s, [])).toEqual({ kind: 'complete' });
    expect(nightEndOf(s, [{ ts: 'x', type: 'deadline_reached' }])?.kind).toBe('time-limit');
    expect(nightEndOf({ ...s, phase: 'stopped', stopReason: 'r' }, [])).toEqual({ kind: 'stopped', reason: 'r' });
    expect(nightEndOf({ ...s, phase: 'paused', pausedUntil: 'T', pausedReason: 'usage' }, [])).toEqual({ kind: 'paused', reason: 'usage', resumeAt: 'T' });
    expect(nightEndOf({ ...s, phase: 'running' }, [])).toBeUndefined();
  });
});
