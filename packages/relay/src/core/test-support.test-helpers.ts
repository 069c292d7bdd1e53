import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import { onTestFinished } from 'vitest';
import { REDACT } from '../relay-logger.js';

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

/** A fresh temp dir, removed when the test ends. */
export async function makeTempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pressgate-relay-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export type CapturedLogs = { logger: Logger; lines: string[]; entries: () => Record<string, unknown>[] };

/** A pino logger (with the relay's redaction) writing JSON lines into memory. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(line);
      callback();
    },
  });
  const logger = pino({ level: 'debug', redact: REDACT }, stream);
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/**
 * Polls `check` every 20 ms until it returns something other than undefined or false; on
 * timeout throws with `what` and whatever `seen()` reports. Shared by the relay's package tests
 * and the cross-package tests in test/.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  seen: () => unknown = () => undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; seen: ${JSON.stringify(seen())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
