/**
 * The control API under /_emulator/, mirroring the Emulator object for the demo and for
 * out-of-process tests. JSON in and out; bad input answers 400
 * `{statusCode, code: 'ERR_EMULATOR_BAD_CONTROL_REQUEST', error, message}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { EmulatorError } from './errors.js';
import { isJsonContentType, parseJsonBody } from './gateway-handler.js';
import type { EmulatorState } from './state.js';

export const CONTROL_PREFIX = '/_emulator';

const SkillBody = z.strictObject({ enabled: z.boolean() });

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply
    .code(400)
    .send({ statusCode: 400, code: 'ERR_EMULATOR_BAD_CONTROL_REQUEST', error: 'Bad Request', message });
}

/** The JSON body, `undefined` for an empty body, or an error message. */
function readJson(request: FastifyRequest): { ok: true; value: unknown } | { ok: false; message: string } {
  const body = request.body as Buffer | undefined;
  if (body === undefined || body.length === 0) return { ok: true, value: undefined };
  const contentType = request.headers['content-type'];
  if (!isJsonContentType(contentType)) {
    return { ok: false, message: `Expected Content-Type application/json; got ${contentType ?? 'none'}.` };
  }
  const json = parseJsonBody(body);
  return json.ok ? json : { ok: false, message: 'The body is not valid JSON.' };
}

/** On every record list's answer: how many of that kind were ever recorded. */
export const RECORDED_HEADER = 'x-emulator-recorded';

export function registerControlRoutes(app: FastifyInstance, state: EmulatorState): void {
  const log = app.log.child({ component: 'emulator-control' });

  /** A POST route whose handler gets the parsed body; EmulatorError -> 400. */
  const post = (path: string, handle: (body: unknown, reply: FastifyReply) => unknown): void => {
    app.post(`${CONTROL_PREFIX}/${path}`, async (request, reply) => {
      const body = readJson(request);
      if (!body.ok) return badRequest(reply, body.message);
      try {
        const result = handle(body.value, reply);
        log.info({ route: path }, 'emulator control');
        return result;
      } catch (error) {
        if (error instanceof EmulatorError) return badRequest(reply, error.message);
        throw error;
      }
    });
  };

  /**
   * A GET route for one record list; `?after=N` answers only the records after the first N ever
   * recorded. The `x-emulator-recorded` header carries that count, the `after` to pass next.
   */
  type Kind = keyof ReturnType<EmulatorState['recordTotals']>;
  const records = (path: string, kind: Kind, list: (after?: number) => unknown[]): void => {
    app.get(`${CONTROL_PREFIX}/${path}`, async (request, reply) => {
      const { after } = request.query as { after?: string };
      if (after !== undefined && !/^\d{1,15}$/.test(after))
        return badRequest(
          reply,
          `Expected after to be a count of records (0 or more); got ${JSON.stringify(after)}.`,
        );
      // Read together with the list, in the same turn: no record can land between the two.
      reply.header(RECORDED_HEADER, String(state.recordTotals()[kind]));
      return after === undefined ? list() : list(Number(after));
    });
  };
  records('accepted', 'accepted', (after) => state.accepted(after));
  records('requests', 'requests', (after) => state.requests(after));
  records('token-requests', 'tokenRequests', (after) => state.tokenRequests(after));

  post('faults', (body) => {
    const faults = Array.isArray(body) ? body : (body as { faults?: unknown } | undefined)?.faults;
    return { pending: state.faults.addGatewayFaults(faults) };
  });
  post('lwa-fault', (body) => {
    state.faults.setLwaFault(body);
    return { ok: true };
  });
  post('revoke', () => ({ revoked: state.tokens.revokeRefreshTokens() }));
  post('expire-tokens', () => ({ expired: state.tokens.expireAccessTokens() }));
  post('authorization-codes', () => ({ code: state.tokens.issueAuthorizationCode() }));
  post('skill', (body, reply) => {
    const parsed = SkillBody.safeParse(body);
    if (!parsed.success)
      return badRequest(reply, `Expected {"enabled": true|false}; got ${JSON.stringify(body)}.`);
    state.setSkillEnabled(parsed.data.enabled);
    return { enabled: parsed.data.enabled };
  });
  post('discovery', (body, reply) => {
    const result = state.learnDiscovery(body);
    if (!result.ok) {
      return badRequest(
        reply,
        `Expected a Discover.Response event or its endpoints array: ${result.description}`,
      );
    }
    return { endpointIds: result.endpointIds };
  });
  post('reset', () => {
    state.reset();
    return { ok: true };
  });
}
