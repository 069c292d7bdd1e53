/**
 * Answers that misbehave on purpose, for the injected faults that go beyond a status code:
 * an error body that never ends, an answer cut off halfway, and no answer at all. Each one
 * ends when the client hangs up or the emulator closes, and none holds more than one chunk
 * in memory: the endless body is produced only as fast as the client reads it.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Size of each chunk of an endless body: large, so a client that reads fast gets a flood. */
export const ENDLESS_CHUNK_BYTES = 1024 * 1024;

/** A chunk of filler that keeps an error body looking like unterminated JSON text; one shared buffer. */
const FILLER = Buffer.alloc(ENDLESS_CHUNK_BYTES, 'x');

/** Calls `end` once when `signal` aborts or the client's socket closes. */
function endOnClose(request: FastifyRequest, signal: AbortSignal, end: () => void): void {
  const finish = (): void => {
    signal.removeEventListener('abort', finish);
    end();
  };
  if (signal.aborted) {
    end();
    return;
  }
  signal.addEventListener('abort', finish, { once: true });
  request.raw.socket?.once('close', finish);
}

/**
 * Answers `status` with a JSON-looking body that streams filler forever, as fast as the
 * client reads and no faster. Ends (socket destroyed) when the client hangs up or `signal`
 * aborts. `onEnd` gets the number of body bytes written.
 */
export function streamEndlessBody(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { status: number; prefix: string; signal: AbortSignal; onEnd?: (bytes: number) => void },
): FastifyReply {
  reply.hijack();
  const raw = reply.raw;
  let bytes = 0;
  let first = true;
  const body = new Readable({
    // One chunk buffered at most: a reader that stops reading stops the stream.
    highWaterMark: ENDLESS_CHUNK_BYTES,
    read() {
      const chunk = first ? Buffer.from(options.prefix) : FILLER;
      first = false;
      bytes += chunk.length;
      this.push(chunk);
    },
  });
  let ended = false;
  endOnClose(request, options.signal, () => {
    if (ended) return;
    ended = true;
    body.unpipe(raw);
    body.destroy();
    request.raw.socket?.destroy();
    options.onEnd?.(bytes);
  });
  raw.writeHead(options.status, { 'content-type': 'application/json;charset=UTF-8' });
  body.pipe(raw);
  return reply;
}

/**
 * Starts the answer (status line, headers with a Content-Length, the first part of `body`)
 * and then destroys the connection: the client sees a body cut short.
 */
export function cutMidResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { status: number; body: string },
): FastifyReply {
  reply.hijack();
  const raw = reply.raw;
  const full = Buffer.from(options.body);
  raw.writeHead(options.status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': String(full.length),
  });
  raw.write(full.subarray(0, Math.floor(full.length / 2)), () => {
    request.raw.socket?.destroy();
  });
  return reply;
}

/**
 * Never answers: the request is held until the client hangs up or `signal` aborts, then the
 * connection is destroyed.
 */
export function hangUntilClosed(
  request: FastifyRequest,
  reply: FastifyReply,
  signal: AbortSignal,
): FastifyReply {
  reply.hijack();
  endOnClose(request, signal, () => {
    request.raw.socket?.destroy();
  });
  return reply;
}
