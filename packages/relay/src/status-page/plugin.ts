import { randomBytes } from 'node:crypto';
import type { PressgateConfig } from '@pressgate/protocol';
import type { FastifyInstance } from 'fastify';
import { toMappingView } from './mapping-view.js';
import { addPageHeaders } from './page-headers.js';
import { renderStatusPage } from './page-html.js';
import { hasPressRoute } from './press-route.js';
import { readTroubleshooting, renderTroubleshooting, TROUBLESHOOTING_PATH } from './troubleshooting-page.js';

export const STATUS_PAGE_PATH = '/';
export const MAPPING_PATH = '/v1/mapping';

export type StatusPageOptions = {
  /** The current config; called per request, so a reloaded config shows at once. */
  config: () => PressgateConfig;
  /** docs/troubleshooting.md; default the repository's copy beside this package. */
  troubleshootingFile?: URL;
};

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

/**
 * The relay's status page as a Fastify plugin: GET / (the page), GET /v1/mapping (the
 * mapping it draws) and GET /troubleshooting (docs/troubleshooting.md, which it links to). Register it with `app.register(statusPagePlugin, options)`. The page draws
 * virtual buttons when the press route (press-route.ts) is registered on the same app.
 */
export async function statusPagePlugin(app: FastifyInstance, options: StatusPageOptions): Promise<void> {
  addPageHeaders(app);

  app.get(STATUS_PAGE_PATH, async (_request, reply) => {
    const nonce = randomBytes(18).toString('base64');
    return reply
      .header('content-security-policy', contentSecurityPolicy(nonce))
      .header('x-frame-options', 'DENY')
      .type('text/html; charset=utf-8')
      .send(renderStatusPage({ nonce, virtualRemote: hasPressRoute(app) }));
  });

  app.get(MAPPING_PATH, async () => toMappingView(options.config()));

  // The guide the page links to, served from the checkout; see docs/troubleshooting.md.
  app.get(TROUBLESHOOTING_PATH, async (_request, reply) => {
    const markdown = await readTroubleshooting(options.troubleshootingFile);
    if (markdown === undefined) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(
          'docs/troubleshooting.md is not installed beside this relay: read it in the pressgate repository.\n',
        );
    }
    const nonce = randomBytes(18).toString('base64');
    return reply
      .header('content-security-policy', contentSecurityPolicy(nonce))
      .header('x-frame-options', 'DENY')
      .type('text/html; charset=utf-8')
      .send(renderTroubleshooting(markdown, nonce));
  });
}
