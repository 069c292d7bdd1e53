import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RelayCore, RelayEvent } from '../ports.js';
import { HttpError } from './http-errors.js';

export const STREAM_PATH = '/v1/stream';
export const DEFAULT_HEARTBEAT_MS = 15_000;
/**
 * Open streams at most: a home box has a tab or two and a `pressgate monitor`; a 17th client is
 * refused with 503 ERR_HTTP_TOO_MANY_STREAMS until one goes.
 */
export const DEFAULT_MAX_STREAM_CLIENTS = 16;
/**
 * Bytes a stream may have waiting in the relay for a client that does not read. Past it the
 * client is dropped (its EventSource reconnects and catches up from /v1/status): a stalled
 * client costs at most this much, never a copy of every event.
 */
export const DEFAULT_STREAM_BUFFER_BYTES = 256 * 1024;

const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** One server-sent event: the name is the relay event's type, the data its JSON. */
export function formatServerSentEvent(id: number, event: RelayEvent): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export type EventStreamDeps = {
  core: Pick<RelayCore, 'subscribe'>;
  logger: Logger;
  heartbeatMs: number;
  /** Default DEFAULT_MAX_STREAM_CLIENTS. */
  maxClients?: number;
  /** Default DEFAULT_STREAM_BUFFER_BYTES. */
  maxBufferedBytes?: number;
};

/** What the stream route holds, for status and tests. */
export type EventStreamStats = {
  /** Streams open now. */
  open(): number;
  /** Bytes waiting in the relay for all open streams together. */
  bufferedBytes(): number;
  /** Streams dropped since start because their client stopped reading. */
  dropped(): number;
};

/**
 * GET /v1/stream: the core's events as server-sent events, a comment line every `heartbeatMs`
 * so proxies keep the connection, unsubscribed when the client goes. Bounded: at most
 * `maxClients` streams, and a client with more than `maxBufferedBytes` unread is dropped. HEAD
 * answers the headers at once and opens nothing. Open streams end when the app closes
 * (preClose), so `app.close()` never waits on a browser tab.
 */
export function registerEventStream(app: FastifyInstance, deps: EventStreamDeps): EventStreamStats {
  const logger = deps.logger.child({ component: 'stream' });
  const maxClients = deps.maxClients ?? DEFAULT_MAX_STREAM_CLIENTS;
  const maxBufferedBytes = deps.maxBufferedBytes ?? DEFAULT_STREAM_BUFFER_BYTES;
  const open = new Map<() => void, () => number>();
  let dropped = 0;

  app.addHook('preClose', async () => {
    for (const end of [...open.keys()]) end();
  });

  app.get(STREAM_PATH, (request, reply) => {
    if (request.method === 'HEAD') {
      // Node sends a HEAD answer's headers only at end(): answer now, subscribe nothing.
      reply.headers(STREAM_HEADERS).code(200).send();
      return;
    }
    if (open.size >= maxClients) {
      throw new HttpError(
        'ERR_HTTP_TOO_MANY_STREAMS',
        `${open.size} event streams are open, the most this relay serves: close a status page tab or a monitor, then retry`,
      );
    }
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, STREAM_HEADERS);
    let ended = false;
    const send = (text: string): void => {
      if (ended) return;
      if (raw.writableLength > maxBufferedBytes) {
        dropped += 1;
        logger.warn(
          { bufferedBytes: raw.writableLength, limitBytes: maxBufferedBytes },
          'event stream client is not reading; dropped it',
        );
        end();
        raw.destroy();
        return;
      }
      raw.write(text);
    };
    send(': pressgate relay events\nretry: 2000\n\n');
    let id = 0;
    const unsubscribe = deps.core.subscribe((event) => {
      id += 1;
      send(formatServerSentEvent(id, event));
    });
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), deps.heartbeatMs);
    heartbeat.unref();
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
      if (!raw.writableEnded) raw.end();
      logger.debug({ open: open.size }, 'event stream closed');
    };
    open.set(end, () => raw.writableLength);
    raw.on('close', end);
    request.raw.on('error', end);
    logger.debug({ open: open.size }, 'event stream opened');
  });

  return {
    open: () => open.size,
    bufferedBytes: () => [...open.values()].reduce((sum, buffered) => sum + buffered(), 0),
    dropped: () => dropped,
  };
}
