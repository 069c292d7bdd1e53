import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-errors.js';
import { hasApiToken } from './request-auth.js';

/**
 * Only this box's pages may drive the relay. A page on another site can still reach it through
 * DNS rebinding (its own name pointed at 127.0.0.1) or by posting blindly, so every request
 * except the signed POST /alexa/directive must:
 *
 * - name this box in `Host`: the configured relay.host, localhost, the machine's own host name
 *   (and `<name>.local`), or any IP address literal, on any port. A rebinding page always sends
 *   its own domain name, which is none of these;
 * - carry no foreign `Origin`: when a browser sends one, it must name the very host in `Host`
 *   (`null`, another site or another port is refused);
 * - not be `Sec-Fetch-Site: cross-site`.
 *
 * A request with a valid `Authorization: Bearer <relay.apiToken>` skips these checks: a
 * listener on another box may reach the relay by any name, and a browser cannot add that header
 * across sites without a preflight, which the relay never grants.
 */
export type HostPolicy = {
  /** Lower-case host names (IPv6 in brackets) accepted in Host and Origin. */
  readonly hostnames: ReadonlySet<string>;
  /** The port the server listens on, or undefined when it does not listen (inject). */
  port(): number | undefined;
};

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Routes a server-to-server caller uses with its own proof (a signature), without Host checks. */
const EXEMPT = new Set(['POST /alexa/directive']);

const policies = new WeakMap<Server, HostPolicy>();

/**
 * Host values a policy accepted, so a client sending the same Host on every request is not
 * parsed again each time. Only accepted values are kept (the verdict depends on the value and
 * the policy's names alone), and at most ACCEPTED_HOSTS_LIMIT per policy.
 */
const acceptedHosts = new WeakMap<HostPolicy, Set<string>>();
const ACCEPTED_HOSTS_LIMIT = 32;

function rememberAccepted(policy: HostPolicy, host: string): void {
  let accepted = acceptedHosts.get(policy);
  if (accepted === undefined) {
    accepted = new Set();
    acceptedHosts.set(policy, accepted);
  }
  if (accepted.size >= ACCEPTED_HOSTS_LIMIT) accepted.clear();
  accepted.add(host);
}

function listeningPort(server: Server): number | undefined {
  const address = server.address();
  return address === null || typeof address === 'string' ? undefined : (address as AddressInfo).port;
}

/** The allow-list for a relay configured to listen on `configuredHost`. */
export function hostPolicyFor(server: Server, configuredHost?: string): HostPolicy {
  const names = new Set(LOOPBACK_NAMES);
  const machine = osHostname().toLowerCase();
  if (machine !== '') {
    names.add(machine);
    names.add(`${machine}.local`);
  }
  if (configuredHost !== undefined && configuredHost !== '') {
    const lower = configuredHost.toLowerCase();
    names.add(isIP(lower) === 6 ? `[${lower}]` : lower);
  }
  return { hostnames: names, port: () => listeningPort(server) };
}

/** The policy buildApp registered for `server`, or a loopback-only one (a bare app in tests). */
export function hostPolicyOf(server: Server): HostPolicy {
  return policies.get(server) ?? hostPolicyFor(server);
}

/** A Host value (`name[:port]`), or undefined when it is not one. */
function parseHost(value: string): { hostname: string } | undefined {
  if (value === '' || value.length > 300 || !URL.canParse(`http://${value}`)) return undefined;
  const url = new URL(`http://${value}`);
  const lower = value.toLowerCase();
  // Anything URL had to rewrite (user info, paths, odd IPv4 forms) is not a plain Host; URL
  // drops the default port, so `name:80` is compared as such.
  if (url.host !== lower && `${url.host}:80` !== lower) return undefined;
  return { hostname: url.hostname };
}

function isIpLiteral(hostname: string): boolean {
  return isIP(hostname.startsWith('[') ? hostname.slice(1, -1) : hostname) !== 0;
}

/** Why `host` does not name this relay, or undefined when it does. */
export function foreignHostProblem(host: string | undefined, policy: HostPolicy): string | undefined {
  if (host !== undefined && acceptedHosts.get(policy)?.has(host) === true) return undefined;
  const parsed = host === undefined ? undefined : parseHost(host);
  if (parsed === undefined) {
    const port = policy.port();
    const example = `127.0.0.1${port === undefined ? '' : `:${port}`}`;
    return `expected a Host header naming this relay (e.g. ${example}), and it had ${host === undefined ? 'none' : 'an unreadable one'}: open the relay by its own address, or send relay.apiToken as a Bearer token`;
  }
  // The name only: Host names the target, so its port proves nothing about who sent it. The
  // page's own origin, port included, is in Origin, which must equal Host exactly.
  if (policy.hostnames.has(parsed.hostname) || isIpLiteral(parsed.hostname)) {
    rememberAccepted(policy, host as string);
    return undefined;
  }
  return `expected a Host naming this relay (localhost, an IP address or relay.host), and it was ${JSON.stringify(host?.slice(0, 100))}: a page on another site may not drive the relay; open it by its own address, or send relay.apiToken as a Bearer token`;
}

/** Why a browser's Origin or Sec-Fetch-Site shows another site, or undefined when neither does. */
export function crossOriginProblem(
  headers: FastifyRequest['headers'],
  policy: HostPolicy,
): string | undefined {
  if (headers['sec-fetch-site'] === 'cross-site') {
    return 'expected a request from a page served by this relay, and the browser marked it Sec-Fetch-Site: cross-site: open the status page on this relay itself';
  }
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  const host = headers.host;
  const originUrl = URL.canParse(origin) ? new URL(origin) : undefined;
  const sameHost =
    originUrl !== undefined &&
    (originUrl.protocol === 'http:' || originUrl.protocol === 'https:') &&
    host !== undefined &&
    (originUrl.host === host.toLowerCase() || `${originUrl.host}:80` === host.toLowerCase()) &&
    foreignHostProblem(originUrl.host === '' ? undefined : originUrl.host, policy) === undefined;
  if (sameHost) return undefined;
  return `expected a request from a page served by this relay (Origin http://${host?.slice(0, 100) ?? '<host>'}), and it came from Origin ${JSON.stringify(origin.slice(0, 200))}: open the status page on this relay itself`;
}

/** Throws the refusal for a request from somewhere other than this box's pages. */
export function checkBrowserRequest(request: FastifyRequest, policy: HostPolicy): void {
  const hostProblem = foreignHostProblem(request.headers.host, policy);
  if (hostProblem !== undefined) throw new HttpError('ERR_HTTP_FOREIGN_HOST', hostProblem);
  const originProblem = crossOriginProblem(request.headers, policy);
  if (originProblem !== undefined) throw new HttpError('ERR_HTTP_CROSS_SITE', originProblem);
}

/**
 * The Host/Origin guard on every route of `app` except POST /alexa/directive. A request with a
 * valid Bearer token (when `apiToken` is set) passes.
 */
export function registerHostGuard(
  app: FastifyInstance,
  options: { configuredHost: string | undefined; apiToken: string | undefined },
): HostPolicy {
  const policy = hostPolicyFor(app.server, options.configuredHost);
  policies.set(app.server, policy);
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      const exempt =
        EXEMPT.has(`${request.method} ${request.routeOptions.url ?? ''}`) ||
        hasApiToken(request.headers.authorization, options.apiToken);
      if (!exempt) checkBrowserRequest(request, policy);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });
  return policy;
}
