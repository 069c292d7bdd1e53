import type { FastifyRequest } from 'fastify';

/**
 * The exact bytes of each request body, kept beside the decoded text the routes parse: the
 * directive signature covers the bytes as sent (see docs/architecture.md, "Contracts"), and
 * decoding is not reversible (a byte that is not UTF-8 becomes U+FFFD).
 */
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/** Remembers a request's raw body (called by the content-type parser). */
export function keepRawBody(request: FastifyRequest, body: Buffer): void {
  rawBodies.set(request, body);
}

/** The raw body as received; empty when the request had none. */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return rawBodies.get(request) ?? Buffer.alloc(0);
}
