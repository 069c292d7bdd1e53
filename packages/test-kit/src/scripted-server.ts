import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export type SeenRequest = {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** performance.now() when the request was complete. */
  at: number;
};

export type Reply = { status: number; body?: unknown } | 'destroy' | 'hang';
export type ScriptedHandler = (request: SeenRequest, index: number) => Reply | Promise<Reply>;

export type ScriptedServer = { url: string; requests: SeenRequest[] };

/** A real HTTP server on 127.0.0.1 port 0, answering by script; closed when the test ends. */
export async function startScriptedServer(path: string, handler: ScriptedHandler): Promise<ScriptedServer> {
  const requests: SeenRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      requests.push(seen);
      void Promise.resolve(handler(seen, requests.length - 1)).then((reply) => {
        if (reply === 'destroy') {
          req.socket.destroy();
          return;
        }
        if (reply === 'hang') {
          hanging.add(res);
          return;
        }
        const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${path}`, requests };
}

/** LWA token responses numbered per call: access-<n>, refresh-<n>. */
export function lwaTokens(n: number, expiresInS = 3600): { status: number; body: unknown } {
  return {
    status: 200,
    body: {
      access_token: `Atza|access-${n}`,
      refresh_token: `Atzr|refresh-${n}`,
      token_type: 'bearer',
      expires_in: expiresInS,
    },
  };
}

export function gatewayError(status: number, code: string, description = `${code} from the test gateway`) {
  return {
    status,
    body: {
      header: { namespace: 'System', name: 'Exception', messageId: 'e0e0e0e0-0000-4000-8000-000000000000' },
      payload: { code, description },
    },
  };
}
