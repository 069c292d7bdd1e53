import { Pool } from 'undici';
import { readCappedText, UPSTREAM_BODY_LIMIT_BYTES } from '../shared/capped-body.js';
import { WarmConnector } from './warm-connector.js';

export type GatewayResult =
  | {
      kind: 'response';
      status: number;
      /** From a System.Exception body; for logs and records only. */
      code?: string;
      description?: string;
      latencyMs: number;
    }
  | {
      /** Amazon never answered: connection error or request timeout. */
      kind: 'network';
      reason: 'timeout' | 'error';
      message: string;
      latencyMs: number;
    }
  | { kind: 'aborted'; latencyMs: number };

export type GatewayClientOptions = {
  /** Full event gateway URL, e.g. https://api.amazonalexa.com/v3/events. */
  url: string;
  /** Whole request, headers and body; default 10 s. */
  requestTimeoutMs?: number;
  /** Keep-alive connections to the gateway (at most one send per endpoint at a time); default 16. */
  connections?: number;
  /** How long a connection opened by `warm()` waits for a send; default 5 s. */
  warmConnectionTtlMs?: number;
};

const DEFAULT_TIMEOUT_MS = 10_000;
/** Enough for 16 endpoints sending at once; connections open only as sends need them. */
const DEFAULT_CONNECTIONS = 16;
const MAX_DESCRIPTION_CHARS = 300;

/**
 * Posts Alexa events to the event gateway over a keep-alive pool. Never
 * throws for a gateway or network failure: the result says what happened.
 */
export class GatewayClient {
  readonly #url: URL;
  readonly #timeoutMs: number;
  readonly #connections: number;
  readonly #warm: WarmConnector;
  #pool: Pool | undefined;
  /**
   * The requests in flight, by the shutdown signal that aborts them: one listener per signal
   * (added at its first request), not an add and a remove on the signal per request.
   */
  readonly #byShutdown = new WeakMap<AbortSignal, Set<AbortController>>();

  constructor(options: GatewayClientOptions) {
    this.#url = new URL(options.url);
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#connections = options.connections ?? DEFAULT_CONNECTIONS;
    this.#warm = new WarmConnector(this.#url, options.warmConnectionTtlMs);
  }

  /**
   * A send is coming soon (a button went down): open a connection now unless one is idle and
   * ready, so the send does not wait for the handshake. Never throws; see WarmConnector.
   */
  warm(): void {
    const stats = this.#pool?.stats;
    // A connected pool client with no request running is idle: the send will take it.
    if (stats !== undefined && stats.connected > stats.running) return;
    this.#warm.open();
  }

  /** Connections opened by `warm()`, and how many a send used. */
  get warmStats(): { opened: number; used: number; ready: boolean } {
    return this.#warm.stats;
  }

  get url(): string {
    return this.#url.href;
  }

  /**
   * `timeoutMs` (the event's remaining age budget) shortens this request's timeout below the
   * client's `requestTimeoutMs`, never lengthens it.
   */
  async send(
    message: unknown,
    token: string,
    shutdown?: AbortSignal,
    timeoutMs?: number,
  ): Promise<GatewayResult> {
    const pool = this.#openPool();
    // One controller and one timer per request: AbortSignal.timeout + AbortSignal.any cost
    // several times more per send on the hot path, for the same effect.
    // (A single timer at the smaller bound does what AbortSignal.any with two timeouts would.)
    const limitMs = this.#limitMs(timeoutMs);
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort(new DOMException(`no answer within ${limitMs} ms`, 'TimeoutError'));
    }, limitMs);
    this.#track(shutdown, abort);
    const signal = abort.signal;
    const started = performance.now();
    const latency = (): number => Math.round(performance.now() - started);
    try {
      const response = await pool.request({
        method: 'POST',
        path: `${this.#url.pathname}${this.#url.search}`,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(message),
        signal,
      });
      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        // dump() reads up to its own small limit, then destroys the connection.
        await response.body.dump({ limit: UPSTREAM_BODY_LIMIT_BYTES });
        return { kind: 'response', status, latencyMs: latency() };
      }
      // Any status: at most UPSTREAM_BODY_LIMIT_BYTES is read, then the connection is dropped.
      const body = await readCappedText(response.body);
      if (body.truncated) {
        return {
          kind: 'response',
          status,
          code: 'ERR_GATEWAY_BODY_TOO_LARGE',
          description: `the gateway answered ${status} with a body over ${UPSTREAM_BODY_LIMIT_BYTES} bytes; the relay read no more and dropped the connection`,
          latencyMs: latency(),
        };
      }
      return { kind: 'response', status, ...readException(body.text), latencyMs: latency() };
    } catch (error) {
      if (shutdown?.aborted) return { kind: 'aborted', latencyMs: latency() };
      const timeout = timedOut || isTimeoutError(error);
      return {
        kind: 'network',
        reason: timeout ? 'timeout' : 'error',
        message: timeout
          ? `no answer within ${limitMs} ms${limitMs < this.#timeoutMs ? " (the event's remaining age budget)" : ''}`
          : describe(error),
        latencyMs: latency(),
      };
    } finally {
      clearTimeout(timer);
      if (shutdown !== undefined) this.#byShutdown.get(shutdown)?.delete(abort);
    }
  }

  /** Makes `shutdown` abort this request too (at once when it already has). */
  #track(shutdown: AbortSignal | undefined, abort: AbortController): void {
    if (shutdown === undefined) return;
    if (shutdown.aborted) {
      abort.abort(shutdown.reason);
      return;
    }
    let inFlight = this.#byShutdown.get(shutdown);
    if (inFlight === undefined) {
      const controllers = new Set<AbortController>();
      inFlight = controllers;
      this.#byShutdown.set(shutdown, controllers);
      shutdown.addEventListener(
        'abort',
        () => {
          for (const controller of controllers) controller.abort(shutdown.reason);
          controllers.clear();
        },
        { once: true },
      );
    }
    inFlight.add(abort);
  }

  #openPool(): Pool {
    this.#pool ??= new Pool(this.#url.origin, {
      connections: this.#connections,
      connect: this.#warm.connect,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
    return this.#pool;
  }

  /** The request's timeout: the client's, or the smaller budget the caller gives (at least 1 ms). */
  #limitMs(timeoutMs: number | undefined): number {
    return timeoutMs === undefined
      ? this.#timeoutMs
      : Math.max(1, Math.min(this.#timeoutMs, Math.ceil(timeoutMs)));
  }

  async close(): Promise<void> {
    this.#warm.close();
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.close();
  }
}

function readException(text: string): { code?: string; description?: string } {
  try {
    const body = JSON.parse(text) as { payload?: { code?: unknown; description?: unknown } };
    const result: { code?: string; description?: string } = {};
    if (typeof body.payload?.code === 'string') result.code = body.payload.code;
    if (typeof body.payload?.description === 'string') {
      result.description = body.payload.description.slice(0, MAX_DESCRIPTION_CHARS);
    }
    return result;
  } catch {
    return {};
  }
}

function isTimeoutError(error: unknown): boolean {
  const code = (error as { code?: unknown; name?: unknown }).code;
  const name = (error as { name?: unknown }).name;
  return (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    name === 'TimeoutError'
  );
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  const label = typeof code === 'string' ? code : typeof cause === 'string' ? cause : 'network error';
  return `${label}: ${(error as Error).message ?? String(error)}`;
}
