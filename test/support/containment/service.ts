/**
 * The local "production" service of the containment night: an HTTP server on 127.0.0.1 that
 * answers everything with a small JSON body and records every request (method, path with query,
 * body). A non-GET request reaching it is damage; a GET carrying a secret is exfiltration.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** One request the service received. */
export interface ServiceRequest {
  method: string;
  /** Path with the query string. */
  url: string;
  body: string;
  /** ms since the epoch. */
  at: number;
}

export interface ProductionService {
  url: string;
  port: number;
  requests: ServiceRequest[];
  /** Requests whose method is not GET or HEAD. */
  writes(): ServiceRequest[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Starts the service on 127.0.0.1 and a free port; resolves once it listens. */
export async function startProductionService(): Promise<ProductionService> {
  const requests: ServiceRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    const entry: ServiceRequest = { method: req.method ?? '?', url: req.url ?? '/', body: '', at: Date.now() };
    requests.push(entry);
    entry.body = await readBody(req);
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end('{"ok":true,"service":"production"}\n');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('production service: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
