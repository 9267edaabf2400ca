/**
 * A scripted stand-in for the Anthropic Messages API, on 127.0.0.1. Point Claude Code at it with
 * `ANTHROPIC_BASE_URL=<url>` and any `ANTHROPIC_API_KEY`; it answers `POST /v1/messages` from
 * scripts (see ./script.ts), streaming server-sent events when the request says `stream: true`
 * (as Claude Code always does) and returning one JSON message otherwise.
 *
 * Other endpoints the CLI may call get something sensible: `POST /v1/messages/count_tokens` an
 * estimate, `GET|HEAD /`, `/health` and `/api/hello` (the CLI's connectivity check) a 200,
 * anything else a 404 in the API's error shape.
 * Every Messages request is recorded in `requests`; every HTTP request in `log`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pickScript, pickTurn, resolveTurn, toModelRequest, UNSCRIPTED_REPLY, type Answer, type ModelRequest, type Script } from './script.js';
import { buildMessage, encodeMessageEvents, estimateTokens } from './sse.js';

export interface StandinModel {
  /** Base URL for ANTHROPIC_BASE_URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** Every `POST /v1/messages` request, in arrival order. */
  requests: ModelRequest[];
  /** Every HTTP request (method and path with query), in arrival order. */
  log: Array<{ method: string; path: string; at: number }>;
  /** Adds a script; it is matched after the ones already there. */
  addScript(script: Script): void;
  /** Requests answered by the script with this marker. */
  requestsFor(marker: string): ModelRequest[];
  /** Stops listening and destroys every open connection (hanging requests included). */
  close(): Promise<void>;
}

export interface StandinOptions {
  scripts: Script[];
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Host to bind; default 127.0.0.1. */
  host?: string;
  /** Characters per SSE delta (default 64). */
  chunkSize?: number;
}

/** Reads a request body as text. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': `req_standin_${Date.now()}`,
  });
  res.end(text);
}

function apiError(res: ServerResponse, status: number, type: string, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { type: 'error', error: { type, message } }, headers);
}

/** Input-token estimate for a request body: its system prompt, messages and tools. */
function inputTokensOf(body: any): number {
  return estimateTokens(JSON.stringify([body?.system ?? '', body?.messages ?? [], body?.tools ?? []]));
}

/**
 * Starts the stand-in model. Resolves once it listens. Scripts are matched to conversations by
 * marker (first match wins); requests matching no script get a short text reply
 * (`UNSCRIPTED_REPLY`). Script errors (a turn function throwing) answer HTTP 500 with the message,
 * so the failure shows up in the CLI's output rather than hanging the test.
 */
export async function startStandinModel(opts: StandinOptions): Promise<StandinModel> {
  const scripts: Script[] = [...opts.scripts];
  const requests: ModelRequest[] = [];
  const log: StandinModel['log'] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const chunkSize = opts.chunkSize ?? 64;

  const answerMessages = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    let body: any;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      apiError(res, 400, 'invalid_request_error', 'stand-in model: request body is not JSON');
      return;
    }
    const modelReq = toModelRequest(body, path);
    requests.push(modelReq);
    const script = pickScript(scripts, modelReq);
    let answer: Answer;
    let delayMs = 0;
    if (script) {
      modelReq.marker = script.marker;
      try {
        ({ answer, delayMs } = resolveTurn(pickTurn(script, modelReq), modelReq));
      } catch (error) {
        apiError(res, 500, 'api_error', `stand-in model script failed: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    } else {
      answer = { kind: 'message', text: UNSCRIPTED_REPLY, tools: [] };
    }
    if (answer.kind === 'hang') return; // keep the connection open until close()
    const send = (): void => {
      if (res.destroyed) return;
      if (answer.kind === 'error') {
        apiError(res, answer.status, answer.type, answer.message, answer.headers);
        return;
      }
      const message = buildMessage({
        model: typeof body.model === 'string' ? body.model : 'claude-sonnet-4-5',
        text: answer.text,
        tools: answer.tools,
        inputTokens: inputTokensOf(body),
      });
      if (body.stream !== true) {
        sendJson(res, 200, message);
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'request-id': `req_standin_${Date.now()}`,
      });
      for (const event of encodeMessageEvents(message, chunkSize)) res.write(event);
      res.end();
    };
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, delayMs);
      timers.add(timer);
    } else {
      send();
    }
  };

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    log.push({ method, path, at: Date.now() });
    const pathname = path.split('?')[0]!.replace(/\/+$/, '') || '/';
    if (method === 'POST' && pathname === '/v1/messages') {
      answerMessages(req, res, path).catch((error) => {
        if (!res.headersSent) apiError(res, 500, 'api_error', String(error));
        else res.destroy();
      });
      return;
    }
    if (method === 'POST' && pathname === '/v1/messages/count_tokens') {
      readBody(req)
        .then((text) => {
          let body: any = {};
          try {
            body = JSON.parse(text);
          } catch {
            /* an estimate of an empty body is fine */
          }
          sendJson(res, 200, { input_tokens: inputTokensOf(body) });
        })
        .catch(() => res.destroy());
      return;
    }
    // HEAD /api/hello is Claude Code's connectivity check (sent unless CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1).
    if ((method === 'GET' || method === 'HEAD') && ['/', '/health', '/v1', '/api/hello'].includes(pathname)) {
      sendJson(res, 200, { ok: true, service: 'overnight stand-in model' });
      return;
    }
    req.resume();
    apiError(res, 404, 'not_found_error', `stand-in model: no endpoint ${method} ${pathname}`);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('stand-in model: server has no TCP address');
  const host = opts.host ?? '127.0.0.1';

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests,
    log,
    addScript(script: Script) {
      scripts.push(script);
    },
    requestsFor(marker: string) {
      return requests.filter((r) => r.marker === marker);
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      sockets.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
