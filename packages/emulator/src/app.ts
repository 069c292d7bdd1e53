/**
 * buildEmulatorApp: the Fastify app (LWA token endpoint, event gateway, control API) without
 * listening, for app.inject() in tests and for startEmulator().
 */
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { registerControlRoutes } from './control-routes.js';
import { gatewayRejection } from './errors.js';
import { MAX_BODY_BYTES } from './gateway-handler.js';
import { GATEWAY_PATH, registerGatewayRoute, sendGatewayError } from './gateway-route.js';
import { registerLwaRoute } from './lwa-route.js';
import { EmulatorState, type StateOptions } from './state.js';

export type AppOptions = { logger?: Logger | false };

/** A fresh state from the emulator options. */
export function createEmulatorState(options: StateOptions): EmulatorState {
  return new EmulatorState(options);
}

export function buildEmulatorApp(state: EmulatorState, options: AppOptions = {}): FastifyInstance {
  // close() ends every connection at once, keep-alive ones included: a test never waits on
  // a client's idle socket.
  const app: FastifyInstance = options.logger
    ? Fastify({
        forceCloseConnections: true,
        loggerInstance: options.logger as FastifyBaseLogger,
        // Routes log one line per outcome themselves, without headers or bodies.
        logController: new LogController({ disableRequestLogging: true }),
      })
    : Fastify({ forceCloseConnections: true, logger: false });

  // Every route reads the raw bytes and decides itself, so each answers in its own format.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
    if (request.url.split('?')[0] === GATEWAY_PATH) {
      const rejection = tooLarge
        ? gatewayRejection(
            'REQUEST_ENTITY_TOO_LARGE_EXCEPTION',
            `The body is larger than ${MAX_BODY_BYTES} bytes, the most the gateway takes.`,
          )
        : gatewayRejection('INVALID_REQUEST_EXCEPTION', `The request could not be read: ${error.message}`);
      state.recordRequest({
        at: state.nowIso(),
        outcome: 'rejected',
        status: rejection.status,
        code: rejection.code,
        description: rejection.description,
      });
      return sendGatewayError(reply, rejection);
    }
    const statusCode = error.statusCode ?? 500;
    if (statusCode >= 500) request.log.error({ err: error }, 'emulator request failed');
    return reply.code(statusCode).send({
      statusCode,
      code: tooLarge ? 'ERR_EMULATOR_BODY_TOO_LARGE' : 'ERR_EMULATOR_REQUEST_FAILED',
      error: statusCode >= 500 ? 'Internal Server Error' : 'Bad Request',
      message: error.message,
    });
  });

  // Release requests held by an injected delay, so close() never waits for them.
  app.addHook('preClose', async () => {
    state.markClosing();
  });

  registerLwaRoute(app, state);
  registerGatewayRoute(app, state);
  registerControlRoutes(app, state);
  return app;
}
