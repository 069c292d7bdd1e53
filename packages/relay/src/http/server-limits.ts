import type { ServerOptions } from 'node:http';

/**
 * Connection limits of the relay's HTTP server, sized for a home box: a few browser tabs, a
 * listener or two, Alexa's forwarder. A client that trickles its headers or body (slow-loris)
 * is cut once the bound passes; idle keep-alive sockets close soon; past `maxConnections` new
 * connections are closed at once.
 */
export type ServerLimits = {
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body; at least `headersTimeoutMs`. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic either way this long is closed (event streams send heartbeats). */
  idleTimeoutMs: number;
  /** Open connections at most, event streams included. */
  maxConnections: number;
  /** How often the server looks for requests past their headers or request timeout. */
  checkIntervalMs: number;
};

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 120_000,
  maxConnections: 128,
  checkIntervalMs: 1_000,
};

/** The limits with `overrides`; the idle timeout stays above twice the stream heartbeat. */
export function serverLimits(
  overrides: Partial<ServerLimits> | undefined,
  heartbeatMs: number,
): ServerLimits {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...overrides };
  limits.requestTimeoutMs = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
  limits.idleTimeoutMs = Math.max(limits.idleTimeoutMs, 2 * heartbeatMs);
  return limits;
}

/** The Fastify options that carry `limits` (maxConnections is set on the server after). */
export function fastifyServerOptions(limits: ServerLimits): {
  connectionTimeout: number;
  keepAliveTimeout: number;
  requestTimeout: number;
  http: ServerOptions;
} {
  return {
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
  };
}
