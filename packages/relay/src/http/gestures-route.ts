import { Gesture } from '@pressgate/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { RelayCore } from '../ports.js';
import { HttpError } from './http-errors.js';
import { parseJsonBody } from './json-body.js';
import { checkGestureAuth } from './request-auth.js';

export const GESTURES_PATH = '/v1/gestures';

/** The body of POST /v1/gestures: one decoded gesture from a listener. */
export const GestureBody = z.strictObject({
  remoteId: z.string().min(1).max(64),
  button: z.number().int().min(1).max(16),
  gesture: Gesture,
  at: z.iso.datetime({ offset: false, error: 'expected a UTC ISO 8601 time ending in Z' }).optional(),
});
export type GestureBody = z.infer<typeof GestureBody>;

export type GesturesRouteDeps = { core: RelayCore; apiToken: string | undefined };

/** POST /v1/gestures: authorised (loopback or Bearer) before the body is read, then ingest. */
export function registerGesturesRoute(app: FastifyInstance, deps: GesturesRouteDeps): void {
  app.post(GESTURES_PATH, {
    onRequest: async (request) => {
      checkGestureAuth({
        remoteAddress: request.socket.remoteAddress,
        authorization: request.headers.authorization,
        apiToken: deps.apiToken,
      });
    },
    handler: async (request, reply) => {
      const json = parseJsonBody(typeof request.body === 'string' ? request.body : '');
      const parsed = GestureBody.safeParse(json);
      if (!parsed.success) {
        throw new HttpError(
          'ERR_HTTP_INVALID_BODY',
          `expected {remoteId, button, gesture, at?}: ${z.prettifyError(parsed.error)}`,
          {
            issues: parsed.error.issues.map((issue) => ({
              path: issue.path.map(String),
              code: issue.code,
              message: issue.message,
            })),
          },
        );
      }
      const { at, ...rest } = parsed.data;
      const result = await deps.core.ingest(at === undefined ? rest : { ...rest, at });
      if (!result.ok) throw new HttpError(result.code, result.message);
      return reply
        .code(202)
        .send({ messageId: result.messageId, endpointId: result.endpointId, eventId: result.eventId });
    },
  });
}
