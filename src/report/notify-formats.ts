/**
 * What each notification type sends (issue 10), as data: an HTTP POST (ntfy, slack, webhook) or a
 * shell command (command). Pure: secrets come in through `env`, nothing is sent here.
 *
 * - ntfy (https://docs.ntfy.sh/publish/): POST the plain-text brief to the topic URL, with the
 *   `Title`, `Priority` and `Tags` headers, and `Authorization: Bearer <token>` when `token_env` names one.
 * - slack (https://api.slack.com/messaging/webhooks): POST JSON `{ text, blocks }` to the incoming
 *   webhook; `text` is the fallback shown in notifications, `blocks` holds one section per outcome.
 * - webhook: POST report.json (application/json), with `X-Overnight-Event` saying why.
 * - command: run in a shell, report.json on stdin, the morning report's path in $OVERNIGHT_REPORT.
 */
import type { NotificationTarget } from '../config/schema.js';
import { briefText, type Brief, type NightEnd } from './notify-brief.js';

/** What one notification is about. */
export interface NotifyMessage {
  /** `night-end` (every end of the night) or `item-failed` (config `on_item_failure`). */
  event: 'night-end' | 'item-failed';
  sessionId: string;
  end?: NightEnd;
  /** Slug of the failed item, for `item-failed`. */
  item?: string;
  brief: Brief;
  /** report.json's text (the morning report as it stands). */
  reportJson: string;
  /** Path of a morning-report.md of this report. */
  reportMdPath: string;
}

export type Delivery =
  | { kind: 'http'; url: string; headers: Record<string, string>; body: string }
  | { kind: 'command'; command: string; env: Record<string, string>; input: string };

/** A target that cannot be sent as configured (an environment variable it names is not set). */
export class NotifyConfigError extends Error {}

/** Slack's limit on one section's text, characters (Block Kit reference: section `text`). */
const SLACK_SECTION_MAX = 3000;

/** Header values are ASCII only; anything else is replaced, so a title never breaks the request. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 250);
}

/** The target's URL: `url`, or the environment variable `url_env` names. Throws NotifyConfigError when that is unset. */
export function targetUrl(t: { url?: string; url_env?: string }, env: NodeJS.ProcessEnv): string {
  if (t.url) return t.url;
  const value = t.url_env ? env[t.url_env] : undefined;
  if (!value) throw new NotifyConfigError(`the environment variable ${t.url_env} (url_env) is not set; set it in the runner's environment or give \`url\``);
  return value;
}

/** A label for logs and events that never shows a secret: the type, and the URL's host or the variable's name. */
export function targetLabel(t: NotificationTarget, index: number): string {
  if (t.type === 'command') return `command #${index + 1}: ${t.command.slice(0, 60)}`;
  if (t.url_env) return `${t.type} #${index + 1} ($${t.url_env})`;
  let host = '?';
  try {
    host = new URL(t.url!).host;
  } catch {
    /* validated by the schema */
  }
  return `${t.type} #${index + 1} (${host})`;
}

/** Slack mrkdwn needs &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Slack message: fallback `text`, then a header section and one section per outcome. */
export function slackMessage(brief: Brief): { text: string; blocks: Array<Record<string, unknown>> } {
  const blocks: Array<Record<string, unknown>> = [{ type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(brief.title)}*` } }];
  for (const s of brief.sections) {
    const text = `*${slackEscape(s.heading)}*\n${s.lines.map((l) => `• ${slackEscape(l)}`).join('\n')}`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: text.length > SLACK_SECTION_MAX ? `${text.slice(0, SLACK_SECTION_MAX - 1)}…` : text } });
  }
  return { text: brief.title, blocks };
}

/** The ntfy headers: Title, Priority (high when urgent), Tags (overnight's, then the config's). */
export function ntfyHeaders(t: Extract<NotificationTarget, { type: 'ntfy' }>, brief: Brief, token?: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    title: headerSafe(brief.title),
    priority: brief.urgent ? 'high' : t.priority,
    tags: headerSafe([...brief.tags, ...t.tags].join(',')),
  };
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

/**
 * What to send to target `t` for `msg`. `env` is where `url_env` and `token_env` are read (the
 * runner's process.env). Throws NotifyConfigError when a named environment variable is unset.
 */
export function buildDelivery(t: NotificationTarget, msg: NotifyMessage, env: NodeJS.ProcessEnv): Delivery {
  const about: Record<string, string> = { 'x-overnight-event': msg.event, 'x-overnight-session': msg.sessionId };
  if (msg.end) about['x-overnight-end'] = msg.end.kind;
  if (msg.item) about['x-overnight-item'] = msg.item;
  const userAgent = { 'user-agent': 'overnight' };
  switch (t.type) {
    case 'command':
      return {
        kind: 'command',
        command: t.command,
        input: msg.reportJson,
        env: {
          OVERNIGHT_REPORT: msg.reportMdPath,
          OVERNIGHT_EVENT: msg.event,
          OVERNIGHT_SESSION: msg.sessionId,
          ...(msg.end ? { OVERNIGHT_END: msg.end.kind } : {}),
          ...(msg.item ? { OVERNIGHT_ITEM: msg.item } : {}),
        },
      };
    case 'webhook':
      return { kind: 'http', url: targetUrl(t, env), headers: { ...userAgent, ...about, 'content-type': 'application/json' }, body: msg.reportJson };
    case 'slack':
      return { kind: 'http', url: targetUrl(t, env), headers: { ...userAgent, 'content-type': 'application/json' }, body: JSON.stringify(slackMessage(msg.brief)) };
    case 'ntfy': {
      let token: string | undefined;
      if (t.token_env) {
        token = env[t.token_env];
        if (!token) throw new NotifyConfigError(`the environment variable ${t.token_env} (token_env) is not set; set it in the runner's environment or remove token_env`);
      }
      return { kind: 'http', url: targetUrl(t, env), headers: { ...userAgent, ...ntfyHeaders(t, msg.brief, token) }, body: briefText(msg.brief) };
    }
  }
}
