import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RelayCore, RelayEvent } from '../ports.js';

export const STREAM_PATH = '/v1/stream';
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** One server-sent event: the name is the relay event's type, the data its JSON. */
export function formatServerSentEvent(id: number, event: RelayEvent): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export type EventStreamDeps = { core: RelayCore; logger: Logger; heartbeatMs: number };

/**
 * GET /v1/stream: the core's events as server-sent events, a comment line
 * every `heartbeatMs` so proxies keep the connection, unsubscribed when the
 * client goes. Open streams end when the app closes (preClose), so
 * `app.close()` never waits on a browser tab.
 */
export function registerEventStream(app: FastifyInstance, deps: EventStreamDeps): void {
  const logger = deps.logger.child({ component: 'stream' });
  const open = new Set<() => void>();

  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get(STREAM_PATH, (request, reply) => {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(': pressgate relay events\nretry: 2000\n\n');
    let id = 0;
    const unsubscribe = deps.core.subscribe((event) => {
      id += 1;
      raw.write(formatServerSentEvent(id, event));
    });
    const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), deps.heartbeatMs);
    heartbeat.unref();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
      if (!raw.writableEnded) raw.end();
      logger.debug({ open: open.size }, 'event stream closed');
    };
    open.add(end);
    raw.on('close', end);
    request.raw.on('error', end);
    logger.debug({ open: open.size }, 'event stream opened');
  });
}
