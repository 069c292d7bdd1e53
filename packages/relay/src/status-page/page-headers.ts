import type { FastifyInstance } from 'fastify';

/** The headers every answer of the status page and its press route carries (in `app`'s scope). */
export function addPageHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
}
