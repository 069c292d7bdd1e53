import type { FastifyReply, FastifyRequest } from 'fastify';

/** End the exchange with no answer at all: the client sees a reset connection. */
export function dropConnection(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  request.raw.socket?.destroy();
  request.raw.destroy();
  return reply;
}
