import { randomBytes } from 'node:crypto';
import type { PressgateConfig } from '@pressgate/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ERROR_STATUS, errorBody, type HttpErrorCode } from '../http/http-errors.js';
import { isLoopbackAddress } from '../http/request-auth.js';
import { toMappingView } from './mapping-view.js';
import { renderStatusPage } from './page-html.js';
import { PRESS_HEADER } from './page-script.js';

export const STATUS_PAGE_PATH = '/';
export const MAPPING_PATH = '/v1/mapping';
export const PRESS_PATH = '/v1/remotes/:remoteId/buttons/:button/:action';

export const PressAction = z.enum(['down', 'up']);
export type PressAction = z.infer<typeof PressAction>;

/** A simulated remote the page can press (the demo's); real remotes are never pressed over HTTP. */
export type VirtualRemoteControl = {
  press(remoteId: string, button: number, action: PressAction): Promise<void>;
};

export type StatusPageOptions = {
  /** The current config; called per request, so a reloaded config shows at once. */
  config: () => PressgateConfig;
  /** When given, POST /v1/remotes/:remoteId/buttons/:button/:action presses it (loopback only). */
  virtualRemote?: VirtualRemoteControl | undefined;
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

/** default-src 'none': only the nonce'd inline style and script run, and only this relay is fetched. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
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
 * Why a press is refused as a possible cross-site request, or undefined when
 * it came from the page: it must carry PRESS_HEADER (which a cross-origin
 * page cannot send without a preflight, and OPTIONS is never answered with
 * CORS headers), and an `Origin`, when the browser sends one, must name this
 * very host.
 */
export function crossSiteProblem(request: FastifyRequest): string | undefined {
  if (request.headers[PRESS_HEADER] !== '1') {
    return `expected the header ${PRESS_HEADER}: 1 that the status page's script sends, and the request had none: press the buttons on the status page (or send the header)`;
  }
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  const host = request.headers.host;
  const originHost = URL.canParse(origin) ? new URL(origin).host : undefined;
  if (host !== undefined && originHost === host.toLowerCase()) return undefined;
  return `expected a press from a page served by this relay (Origin http://${host ?? '<host>'}), and it came from Origin ${JSON.stringify(origin.slice(0, 200))}: open the status page on this relay itself`;
}

/**
 * The relay's status page as a Fastify plugin: GET / (the page), GET
 * /v1/mapping (the mapping it draws) and, with a virtual remote, the press
 * route. Register it with `app.register(statusPagePlugin, options)`.
 */
export async function statusPagePlugin(app: FastifyInstance, options: StatusPageOptions): Promise<void> {
  const virtualRemote = options.virtualRemote;

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  app.get(STATUS_PAGE_PATH, async (_request, reply) => {
    const nonce = randomBytes(18).toString('base64');
    return reply
      .header('content-security-policy', contentSecurityPolicy(nonce))
      .header('x-frame-options', 'DENY')
      .type('text/html; charset=utf-8')
      .send(renderStatusPage({ nonce, virtualRemote: virtualRemote !== undefined }));
  });

  app.get(MAPPING_PATH, async () => toMappingView(options.config()));

  if (virtualRemote === undefined) return;
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
    await virtualRemote.press(remoteId, button, action);
    request.log.debug({ remoteId, button, action }, 'virtual button pressed');
    return reply.code(204).send();
  });
}
