import { SIGNATURE_HEADER } from '@pressgate/protocol';
import type { FastifyInstance } from 'fastify';
import {
  createDirectiveHandler,
  type DirectiveHandler,
  type DirectiveHandlerDeps,
} from './directive-handler.js';
import { rawBodyOf } from './raw-body.js';

export type { SignatureRecorder } from './directive-handler.js';

export const DIRECTIVE_PATH = '/alexa/directive';

/** A handler to share (with the MQTT transport), or what it takes to build one. */
export type DirectiveRouteDeps = DirectiveHandlerDeps & { handler?: DirectiveHandler | undefined };

/**
 * POST /alexa/directive: the directive handler over HTTP. Every directive that
 * passes the signature and replay checks is answered 200 with the Alexa message
 * to pass on, errors included (the skill's Lambda hands them to Alexa unchanged).
 */
export function registerDirectiveRoute(app: FastifyInstance, deps: DirectiveRouteDeps): void {
  const handler = deps.handler ?? createDirectiveHandler(deps);
  app.post(DIRECTIVE_PATH, async (request, reply) => {
    const rawBody = rawBodyOf(request);
    const header = request.headers[SIGNATURE_HEADER];
    const signature = Array.isArray(header) ? header.join(',') : header;
    const answer = await handler.handle({ rawBody, signature, from: request.ip });
    return reply.code(200).send(answer);
  });
}
