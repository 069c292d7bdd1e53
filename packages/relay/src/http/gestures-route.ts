import { GESTURES, Gesture } from '@pressgate/protocol';
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

const GESTURE_NAMES: ReadonlySet<string> = new Set(GESTURES);
const AtField = GestureBody.shape.at.unwrap();

/**
 * The body as GestureBody would parse it, checked by hand for the usual shape (a listener
 * posts one per press); undefined for anything else, which then goes through the schema for
 * its verdict and its error message. It takes exactly what the schema takes, no more.
 */
export function readGestureBody(json: unknown): GestureBody | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { remoteId, button, gesture, at } = json as Record<string, unknown>;
  const keys = Object.keys(json).length;
  if (
    keys !== (at === undefined ? 3 : 4) ||
    typeof remoteId !== 'string' ||
    remoteId.length < 1 ||
    remoteId.length > 64 ||
    typeof button !== 'number' ||
    !Number.isInteger(button) ||
    button < 1 ||
    button > 16 ||
    typeof gesture !== 'string' ||
    !GESTURE_NAMES.has(gesture)
  ) {
    return undefined;
  }
  if (at === undefined) return { remoteId, button, gesture: gesture as Gesture };
  if (typeof at !== 'string' || !AtField.safeParse(at).success) return undefined;
  return { remoteId, button, gesture: gesture as Gesture, at };
}

/** The body as GestureBody parses it, or the 400 naming every problem. */
function parseGestureBody(json: unknown): GestureBody {
  const quick = readGestureBody(json);
  if (quick !== undefined) return quick;
  const parsed = GestureBody.safeParse(json);
  if (parsed.success) return parsed.data;
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

export type GesturesRouteDeps = { core: RelayCore; apiToken: string | undefined };

/** POST /v1/gestures: authorised (loopback or Bearer) before the body is read, then ingest. */
export function registerGesturesRoute(app: FastifyInstance, deps: GesturesRouteDeps): void {
  app.post(GESTURES_PATH, {
    onRequest: (request, _reply, done) => {
      try {
        checkGestureAuth({
          remoteAddress: request.socket.remoteAddress,
          authorization: request.headers.authorization,
          apiToken: deps.apiToken,
        });
      } catch (error) {
        done(error as Error);
        return;
      }
      done();
    },
    handler: async (request, reply) => {
      const json = parseJsonBody(typeof request.body === 'string' ? request.body : '');
      const { at, ...rest } = parseGestureBody(json);
      const result = await deps.core.ingest(at === undefined ? rest : { ...rest, at });
      if (!result.ok) throw new HttpError(result.code, result.message);
      return reply
        .code(202)
        .send({ messageId: result.messageId, endpointId: result.endpointId, eventId: result.eventId });
    },
  });
}
