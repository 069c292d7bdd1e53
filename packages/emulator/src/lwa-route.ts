/**
 * POST /auth/o2/token: the Login with Amazon token endpoint. Form-encoded only; grants
 * `authorization_code` and `refresh_token`; client credentials checked on every request.
 * Records every request without codes, tokens or secrets.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { dropConnection } from './connection.js';
import type { LwaRejection } from './errors.js';
import { cutMidResponse, hangUntilClosed, streamEndlessBody } from './fault-replies.js';
import type { EmulatorState } from './state.js';
import type { TokenResult } from './token-store.js';
import type { TokenRequestRecord } from './types.js';

export const LWA_TOKEN_PATH = '/auth/o2/token';

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

function invalidRequest(description: string): LwaRejection {
  return { status: 400, error: 'invalid_request', description };
}

function decide(
  state: EmulatorState,
  contentType: string | undefined,
  body: Buffer | undefined,
): TokenResult {
  if (!FORM.test(contentType ?? '')) {
    return {
      ok: false,
      rejection: invalidRequest(
        `Expected Content-Type application/x-www-form-urlencoded; got ${contentType ?? 'none'}.`,
      ),
    };
  }
  const params = new URLSearchParams(body?.toString('utf8') ?? '');
  for (const key of new Set(params.keys())) {
    if (params.getAll(key).length > 1) {
      return { ok: false, rejection: invalidRequest(`The parameter ${key} is given more than once.`) };
    }
  }
  const grantType = params.get('grant_type');
  if (grantType === null)
    return { ok: false, rejection: invalidRequest('The grant_type parameter is missing.') };
  if (!state.checkClient(params.get('client_id') ?? undefined, params.get('client_secret') ?? undefined)) {
    return {
      ok: false,
      rejection: {
        status: 401,
        error: 'invalid_client',
        description:
          'Client authentication failed: client_id or client_secret is missing or wrong. Use the Alexa Client Id and Secret from the skill Permissions page.',
      },
    };
  }
  if (grantType === 'authorization_code') {
    const code = params.get('code');
    if (!code) return { ok: false, rejection: invalidRequest('The code parameter is missing.') };
    return state.tokens.exchangeCode(code);
  }
  if (grantType === 'refresh_token') {
    const refreshToken = params.get('refresh_token');
    if (!refreshToken)
      return { ok: false, rejection: invalidRequest('The refresh_token parameter is missing.') };
    return state.tokens.refresh(refreshToken);
  }
  return {
    ok: false,
    rejection: {
      status: 400,
      error: 'unsupported_grant_type',
      description: `grant_type "${grantType}" is not supported; use authorization_code or refresh_token.`,
    },
  };
}

function grantTypeOf(contentType: string | undefined, body: Buffer | undefined): string | undefined {
  if (!FORM.test(contentType ?? '')) return undefined;
  return new URLSearchParams(body?.toString('utf8') ?? '').get('grant_type') ?? undefined;
}

function sendError(reply: FastifyReply, rejection: LwaRejection): FastifyReply {
  return reply
    .code(rejection.status)
    .header('cache-control', 'no-store')
    .send({ error: rejection.error, error_description: rejection.description });
}

export function registerLwaRoute(app: FastifyInstance, state: EmulatorState): void {
  const log = app.log.child({ component: 'emulator-lwa' });
  app.post(LWA_TOKEN_PATH, { bodyLimit: 65_536 }, async (request, reply) => {
    const contentType = request.headers['content-type'];
    const body = request.body as Buffer | undefined;
    const record: TokenRequestRecord = { at: state.nowIso(), outcome: 'issued' };
    const grantType = grantTypeOf(contentType, body);
    if (grantType !== undefined) record.grantType = grantType;

    const action = state.faults.nextLwaFault();
    const fault = action?.kind;
    if (action?.kind === 'endless') {
      log.info({ grantType, outcome: 'endless' }, 'LWA answers with an endless body (injected)');
      return streamEndlessBody(request, reply, {
        status: action.status,
        prefix: '{"error":"server_error","error_description":"endless ',
        signal: state.closingSignal,
        onEnd: (endlessBytes) =>
          state.recordTokenRequest({ ...record, outcome: 'endless', status: action.status, endlessBytes }),
      });
    }
    if (fault === 'hang') {
      state.recordTokenRequest({ ...record, outcome: 'hung' });
      log.info({ grantType, outcome: 'hung' }, 'LWA request held without an answer (injected)');
      return hangUntilClosed(request, reply, state.closingSignal);
    }
    if (fault === 'cut') {
      state.recordTokenRequest({ ...record, outcome: 'cut', status: 200 });
      log.info({ grantType, outcome: 'cut' }, 'LWA answer cut off halfway (injected)');
      const body = JSON.stringify({
        access_token: 'Atza|cut-before-the-end',
        refresh_token: 'Atzr|cut-before-the-end',
        token_type: 'bearer',
        expires_in: 3600,
      });
      return cutMidResponse(request, reply, { status: 200, body });
    }
    if (fault === 'drop') {
      state.recordTokenRequest({ ...record, outcome: 'dropped' });
      log.info({ grantType, outcome: 'dropped' }, 'LWA request dropped (injected)');
      return dropConnection(request, reply);
    }
    if (fault === 'unavailable') {
      state.recordTokenRequest({
        ...record,
        outcome: 'unavailable',
        status: 503,
        error: 'temporarily_unavailable',
      });
      log.info({ grantType, outcome: 'unavailable' }, 'LWA request refused with 503 (injected)');
      return sendError(reply, {
        status: 503,
        error: 'temporarily_unavailable',
        description:
          'The service is temporarily unavailable (injected by the pressgate emulator). Retry later.',
      });
    }

    const result = decide(state, contentType, body);
    if (!result.ok) {
      state.recordTokenRequest({
        ...record,
        outcome: 'rejected',
        status: result.rejection.status,
        error: result.rejection.error,
      });
      log.info(
        { grantType, status: result.rejection.status, error: result.rejection.error },
        'LWA request rejected',
      );
      return sendError(reply, result.rejection);
    }
    state.recordTokenRequest({ ...record, status: 200 });
    log.info({ grantType, outcome: 'issued' }, 'LWA tokens issued');
    return reply
      .code(200)
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send(result.tokens);
  });
}
