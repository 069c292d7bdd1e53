import type { Logger } from 'pino';

/** How to start the emulator. Only the LWA client credentials are required. */
export type EmulatorOptions = {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
  /** The skill's "Alexa Client Id" the LWA token endpoint accepts. */
  clientId: string;
  /** The matching client secret. Never logged, never recorded. */
  clientSecret: string;
  /** Lifetime of issued access tokens; default 3600. */
  accessTokenTtlSec?: number;
  /** Lifetime of authorization codes from issueAuthorizationCode(); default 300. */
  authorizationCodeTtlSec?: number;
  /** A pino logger for request outcomes (no secrets); default false (silent). */
  logger?: Logger | false;
  /** Clock in epoch milliseconds for token and code expiry; default Date.now. For tests. */
  now?: () => number;
  /**
   * How long the event gateway holds every request before it handles and answers it, like the
   * real gateway's round trip; default 0 (answer at once). Whole ms, 0 to 60000. An injected
   * fault replaces it for its request.
   */
  gatewayDelayMs?: number;
};

/**
 * One injected gateway answer, used for the next request instead of the normal handling:
 * - `{ status, code?, description? }`: answer with this status. A 4xx/5xx answers with the
 *   Alexa exception body (code defaults to the usual code for the status) and the event is
 *   not accepted. A 2xx (e.g. 204) handles the request normally but answers with this status
 *   on success.
 * - `{ delayMs }`: hold the request this long, then handle it normally (the client has usually
 *   timed out by then; the event may still be accepted, as with the real gateway).
 * - `{ drop: true }`: destroy the connection without an answer.
 * - `{ endless: true, status? }`: answer `status` (default 500) with a body that streams
 *   forever, as fast as the client reads, until the client hangs up. The event is not accepted.
 * - `{ cut: true, at? }`: handle the request normally (the event may be accepted), then destroy
 *   the connection: at `body` (default) after the status line and half of the body, at `start`
 *   before any of the answer (the client cannot know the event landed: a retry duplicates it).
 */
export type GatewayFault =
  | { status: number; code?: string; description?: string }
  | { delayMs: number }
  | { drop: true }
  | { endless: true; status?: number }
  | { cut: true; at?: 'body' | 'start' };

/**
 * An LWA outage. `requests` omitted: until cleared with `{ kind: 'clear' }`.
 * `unavailable` answers 503 `temporarily_unavailable`; `drop` destroys the connection;
 * `endless` answers `status` (default 500) with a body that streams until the client hangs up;
 * `hang` never answers; `cut` sends half of a 200 answer and destroys the connection (no
 * tokens are issued).
 */
export type LwaFault =
  | { kind: 'unavailable'; requests?: number }
  | { kind: 'drop'; requests?: number }
  | { kind: 'endless'; status?: number; requests?: number }
  | { kind: 'hang'; requests?: number }
  | { kind: 'cut'; requests?: number }
  | { kind: 'clear' };

/** An event the gateway accepted (answered 2xx). */
export type AcceptedEvent = {
  /** ISO 8601 UTC, when the emulator accepted it (received it, plus any gatewayDelayMs). */
  at: string;
  namespace: string;
  name: string;
  messageId: string;
  /** Events with an endpoint (SimpleEventSource Event, ChangeReport). */
  endpointId?: string;
  /** SimpleEventSource Event only. */
  instance?: string;
  eventId?: string;
  timestamp?: string;
  /** AddOrUpdateReport / DeleteReport: the endpoint ids it carried. */
  endpointIds?: string[];
  /** The message as received, with the scope token replaced by "<redacted>". */
  message: unknown;
};

/** `endless`: answered with an endless error body; `cut`: the answer was cut off halfway. */
export type GatewayOutcome = 'accepted' | 'rejected' | 'injected' | 'dropped' | 'endless' | 'cut';

/** Every request to POST /v3/events, whatever happened to it. */
export type GatewayRequestRecord = {
  at: string;
  /**
   * Wall-clock epoch ms with a fraction (performance.timeOrigin + performance.now()) when the
   * request's body had arrived, and when its answer was written: for benchmarks that split a
   * delivery into the client's part and the gateway's hold. Real time even when `now` is injected.
   */
  receivedAtMs?: number;
  answeredAtMs?: number;
  outcome: GatewayOutcome;
  /** Absent when the connection was dropped. */
  status?: number;
  /** Gateway exception code of a rejected or injected error answer. */
  code?: string;
  description?: string;
  /** From the body when it could be read. */
  namespace?: string;
  name?: string;
  messageId?: string;
  endpointId?: string;
  /** Set when an injected delay held the request. */
  delayedMs?: number;
  /** Body bytes written by an endless answer before the client hung up (recorded at the end). */
  endlessBytes?: number;
  /** Outcome of the request whose answer was cut (`accepted` or `rejected`). */
  cutAfter?: 'accepted' | 'rejected';
};

export type TokenOutcome = 'issued' | 'rejected' | 'unavailable' | 'dropped' | 'endless' | 'hung' | 'cut';

/** Every request to POST /auth/o2/token. Never holds codes, tokens or secrets. */
export type TokenRequestRecord = {
  at: string;
  /** grant_type as sent, when present. */
  grantType?: string;
  outcome: TokenOutcome;
  /** Absent when the connection was dropped. */
  status?: number;
  /** LWA error code when rejected or unavailable. */
  error?: string;
  /** Body bytes written by an endless answer before the client hung up. */
  endlessBytes?: number;
};

/** Result of teaching the emulator endpoints from a Discover.Response. */
export type DiscoveryResult = { ok: true; endpointIds: string[] } | { ok: false; description: string };
