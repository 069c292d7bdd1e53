/**
 * POST /v3/events: the Alexa event gateway. Injected faults come first (one per request);
 * otherwise the request is held for the configured gatewayDelayMs (the real gateway's round
 * trip), then decideGatewayRequest() answers 202 (empty body) or the Alexa exception body.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dropConnection } from './connection.js';
import { type GatewayRejection, gatewayErrorBody } from './errors.js';
import { cutMidResponse, streamEndlessBody } from './fault-replies.js';
import { decideGatewayRequest, MAX_BODY_BYTES, parseJsonBody } from './gateway-handler.js';
import { peekMessage } from './gateway-message.js';
import type { EmulatorState } from './state.js';
import type { GatewayRequestRecord } from './types.js';

export const GATEWAY_PATH = '/v3/events';

/** Real wall-clock time with a fraction of a ms. */
function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sendGatewayError(reply: FastifyReply, rejection: GatewayRejection): FastifyReply {
  return reply
    .code(rejection.status)
    .type('application/json')
    .send(gatewayErrorBody(randomUUID(), rejection.code, rejection.description));
}

export function registerGatewayRoute(app: FastifyInstance, state: EmulatorState): void {
  const log = app.log.child({ component: 'emulator-gateway' });

  const finish = (record: GatewayRequestRecord): void => {
    record.answeredAtMs = wallMs();
    state.recordRequest(record);
    const { outcome, status, code, messageId, name, endpointId } = record;
    log.info({ outcome, status, code, messageId, name, endpointId }, `gateway request ${outcome}`);
  };

  // Fastify's own limit sits above ours so an oversize body still gets the gateway's 413 body.
  app.post(GATEWAY_PATH, { bodyLimit: MAX_BODY_BYTES * 4 }, async (request: FastifyRequest, reply) => {
    const receivedAtMs = wallMs();
    const body = request.body as Buffer | undefined;
    const json = parseJsonBody(body);
    const record: GatewayRequestRecord = {
      at: state.nowIso(),
      receivedAtMs,
      outcome: 'accepted',
      ...(json.ok ? peekMessage(json.value) : {}),
    };

    const action = state.faults.nextGatewayAction();
    if (action?.type === 'drop') {
      finish({ ...record, outcome: 'dropped' });
      return dropConnection(request, reply);
    }
    if (action?.type === 'endless') {
      // An exception body whose description never ends.
      const prefix = JSON.stringify(gatewayErrorBody(randomUUID(), 'INJECTED', 'endless ')).slice(0, -3);
      return streamEndlessBody(request, reply, {
        status: action.status,
        prefix,
        signal: state.closingSignal,
        onEnd: (endlessBytes) =>
          finish({ ...record, outcome: 'endless', status: action.status, endlessBytes }),
      });
    }
    if (action?.type === 'answer' && action.status >= 300) {
      const rejection = {
        status: action.status,
        code: action.code ?? 'INJECTED',
        description: action.description,
      };
      finish({
        ...record,
        outcome: 'injected',
        status: rejection.status,
        code: rejection.code,
        description: rejection.description,
      });
      return sendGatewayError(reply, rejection);
    }
    const delayMs = action?.type === 'delay' ? action.delayMs : state.gatewayDelayMs;
    if (delayMs > 0) {
      if (action?.type === 'delay') record.delayedMs = delayMs;
      try {
        await sleep(delayMs, undefined, { signal: state.closingSignal });
      } catch {
        finish({ ...record, outcome: 'dropped' });
        return dropConnection(request, reply);
      }
    }

    const decision = decideGatewayRequest(state, {
      contentType: request.headers['content-type'],
      authorization: request.headers.authorization,
      body,
      json,
    });
    if (!decision.ok) {
      const { status, code, description } = decision.rejection;
      if (action?.type === 'cut') {
        finish({ ...record, outcome: 'cut', status, code, description, cutAfter: 'rejected' });
        if (action.at === 'start') return dropConnection(request, reply);
        const body = JSON.stringify(gatewayErrorBody(randomUUID(), code, description));
        return cutMidResponse(request, reply, { status, body });
      }
      finish({ ...record, outcome: 'rejected', status, code, description });
      return sendGatewayError(reply, decision.rejection);
    }
    state.recordAccepted(decision.accepted);
    if (action?.type === 'cut') {
      // Accepted, but the client never hears it: a retry of this event is a duplicate.
      finish({ ...record, outcome: 'cut', status: 202, cutAfter: 'accepted' });
      if (action.at === 'start') return dropConnection(request, reply);
      return cutMidResponse(request, reply, { status: 202, body: '{"accepted":true}' });
    }
    const status = action?.type === 'answer' ? action.status : 202;
    finish({ ...record, outcome: 'accepted', status });
    return reply.code(status).send();
  });
}
