import type { PressgateConfig } from '@pressgate/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkBrowserRequest, hostPolicyOf } from '../http/host-guard.js';
import { ERROR_STATUS, errorBody, HttpError, type HttpErrorCode } from '../http/http-errors.js';
import { isLoopbackAddress } from '../http/request-auth.js';
import { addPageHeaders } from './page-headers.js';
import { PRESS_HEADER } from './page-script.js';

export const PRESS_PATH = '/v1/remotes/:remoteId/buttons/:button/:action';

export const PressAction = z.enum(['down', 'up']);
export type PressAction = z.infer<typeof PressAction>;

/**
 * The press route's options. The relay never registers it: a program with a simulated remote
 * (the demo) registers it on the relay's app before it listens, and the status page then shows
 * its virtual buttons. Real remotes are never pressed over HTTP.
 */
export type PressRouteOptions = {
  /** The current config; called per request, so a reloaded config shows at once. */
  config: () => PressgateConfig;
  /** Presses the simulated remote's button (down or up). */
  press(remoteId: string, button: number, action: PressAction): Promise<void>;
};

/** The path parameters of a press: everything arrives as text and is checked here. */
export const PressParams = z.strictObject({
  remoteId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a remote id of 1 to 64 characters from A-Z a-z 0-9 _ -'),
  button: z
    .string()
    .regex(/^[0-9]{1,2}$/, 'expected a button number from 1 to 16')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, 'expected a button number from 1 to 16')
        .max(16, 'expected a button number from 1 to 16'),
    ),
  action: PressAction,
});
export type PressParams = z.infer<typeof PressParams>;

/** Whether the press route is registered on `app` (the status page then draws its buttons). */
export function hasPressRoute(app: FastifyInstance): boolean {
  return app.hasRoute({ method: 'POST', url: PRESS_PATH });
}

/** Answer with an error from the relay's one table of codes, in its body shape. */
function refuse(reply: FastifyReply, code: HttpErrorCode, message: string): FastifyReply {
  const statusCode = ERROR_STATUS[code];
  return reply
    .code(statusCode)
    .type('application/json; charset=utf-8')
    .send(errorBody(code, statusCode, message));
}

/**
 * Why a press is refused as a possible cross-site request, or undefined when it came from the
 * page: it must carry PRESS_HEADER (which a cross-origin page cannot send without a preflight,
 * and OPTIONS is never answered with CORS headers), and pass the relay's one Host/Origin check
 * (host-guard.ts): Host names this box, an `Origin` names that very host, and the browser did not
 * mark it cross-site. Comparing Origin with Host alone is not enough: under DNS rebinding both
 * name the attacker's domain.
 */
export function crossSiteProblem(request: FastifyRequest): string | undefined {
  if (request.headers[PRESS_HEADER] !== '1') {
    return `expected the header ${PRESS_HEADER}: 1 that the status page's script sends, and the request had none: press the buttons on the status page (or send the header)`;
  }
  try {
    checkBrowserRequest(request, hostPolicyOf(request.server.server));
    return undefined;
  } catch (error) {
    if (error instanceof HttpError) return error.message;
    throw error;
  }
}

/**
 * POST /v1/remotes/:remoteId/buttons/:button/:action, for the status page's virtual buttons:
 * from this host (loopback) only, from the page itself (not cross-site), with checked
 * parameters, for a remote in the config. Register it with `app.register(pressRoute, options)`.
 */
export async function pressRoute(app: FastifyInstance, options: PressRouteOptions): Promise<void> {
  addPageHeaders(app);
  app.post(PRESS_PATH, async (request, reply) => {
    const address = request.socket.remoteAddress;
    if (!isLoopbackAddress(address)) {
      return refuse(
        reply,
        'ERR_HTTP_NOT_LOOPBACK',
        `the virtual remote is pressed from this host (loopback) only, and the request came from ${address ?? 'an unknown address'}: open the status page on the relay's host`,
      );
    }
    const crossSite = crossSiteProblem(request);
    if (crossSite !== undefined) return refuse(reply, 'ERR_HTTP_CROSS_SITE', crossSite);
    const parsed = PressParams.safeParse(request.params);
    if (!parsed.success) {
      return refuse(
        reply,
        'ERR_HTTP_BAD_REQUEST',
        `expected POST /v1/remotes/<remoteId>/buttons/<1-16>/<down|up>: ${z.prettifyError(parsed.error)}`,
      );
    }
    const { remoteId, button, action } = parsed.data;
    const remotes = options.config().remotes;
    if (!remotes.some((remote) => remote.id === remoteId)) {
      return refuse(
        reply,
        'ERR_HTTP_NOT_FOUND',
        `no remote with id ${JSON.stringify(remoteId)} in the config; expected one of: ${remotes.map((remote) => remote.id).join(', ') || '(none)'}`,
      );
    }
    await options.press(remoteId, button, action);
    request.log.debug({ remoteId, button, action }, 'virtual button pressed');
    return reply.code(204).send();
  });
}
