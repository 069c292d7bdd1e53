/**
 * The contract between the relay's core (tokens, outbox, gateway delivery:
 * src/core/) and its HTTP face (Fastify routes: src/http/). The HTTP layer
 * depends only on these shapes; the core implements them. Keep both sides to
 * this file; change it here first.
 */
import type { Gesture } from '@pressgate/protocol';

/** `wrong_region`: the gateway of alexa.region does not know this account (see docs/troubleshooting.md). */
export type LinkState = 'unlinked' | 'linked' | 'relink_required' | 'wrong_region';

export type LinkStatus = {
  state: LinkState;
  /** ISO 8601 UTC; present once linked. Never the token itself. */
  accessTokenExpiresAt?: string;
  /** Why relinking is required, or the region is wrong (gateway or LWA code), for status and logs. */
  reason?: string;
  /** What to do about `wrong_region`, in words. */
  advice?: string;
  /** ISO 8601 UTC of the last successful token exchange or refresh. */
  updatedAt?: string;
};

/** Owns the LWA tokens. Implemented by the core's token manager. */
export interface TokenService {
  status(): LinkStatus;
  /**
   * Exchange an AcceptGrant authorization code at once and store the tokens.
   * Rejects with a PressgateError (code ERR_LWA_*) when LWA refuses or is down.
   */
  acceptGrant(code: string, signal?: AbortSignal): Promise<void>;
}

/** A gesture as it enters the relay, from a listener in-process or over HTTP. */
export type GestureInput = {
  remoteId: string;
  button: number;
  gesture: Gesture;
  /**
   * When the device detected it (ISO 8601 UTC); defaults to now. More than 5 s ahead of the
   * relay's clock is refused (ERR_INGEST_FUTURE_TIME); slightly ahead is clamped to now.
   */
  at?: string;
};

export type IngestResult =
  | { ok: true; messageId: string; endpointId: string; eventId: string }
  | {
      ok: false;
      code:
        | 'ERR_INGEST_UNMAPPED'
        | 'ERR_INGEST_UNKNOWN_REMOTE'
        | 'ERR_INGEST_FUTURE_TIME'
        | 'ERR_INGEST_BAD_TIME';
      message: string;
    };

/**
 * `rate_limited`: a button event above its endpoint's alexa.rateLimit, never sent.
 * `superseded`: a report replaced by a newer one for the same endpoints before it was sent.
 */
export type DeliveryOutcome =
  | 'delivered'
  | 'expired'
  | 'dead_letter'
  | 'relink_required'
  | 'rate_limited'
  | 'superseded';

/** One finished (or abandoned) event, kept in a bounded record for status. */
export type DeliveryRecord = {
  messageId: string;
  endpointId: string;
  /** SimpleEvent id, or the message name (ChangeReport, AddOrUpdateReport...). */
  eventId: string;
  outcome: DeliveryOutcome;
  /** Last HTTP status from the gateway, if it answered. */
  status?: number;
  /** Gateway or internal code, e.g. INVALID_REQUEST_EXCEPTION, ERR_OUTBOX_EXPIRED. */
  code?: string;
  description?: string;
  attempts: number;
  /** From enqueue to the final outcome. */
  latencyMs: number;
  createdAt: string;
  finishedAt: string;
};

export type OutboxCounts = {
  pending: number;
  delivered: number;
  expired: number;
  deadLetter: number;
  /** Button events held back by the per-endpoint rate limit (never sent). */
  rateLimited: number;
  /** Reports replaced by newer ones before they were sent. */
  superseded: number;
};

export type RemoteStatus = {
  id: string;
  endpointId: string;
  connected: boolean;
  deviceId?: string;
  firmware?: string;
  /** When the remote was last connected (ISO 8601 UTC); absent for a remote never seen. */
  lastSeenAt?: string;
  /**
   * Why a remote that is not connected is not: the listener's last error (ERR_SERIAL_NOT_FOUND,
   * ERR_SERIAL_PERMISSION, ERR_SERIAL_BUSY, ERR_SERIAL_SILENT...). Absent while connected.
   */
  reason?: { code: string; message: string };
};

/** What the relay tells its subscribers (SSE stream, status page). */
export type RelayEvent =
  | {
      type: 'gesture';
      remoteId: string;
      button: number;
      gesture: Gesture;
      mapped: boolean;
      eventId?: string;
      at: string;
    }
  | { type: 'delivery'; record: DeliveryRecord }
  | { type: 'link'; status: LinkStatus }
  | { type: 'remote'; remote: RemoteStatus };

/** The core as the HTTP layer sees it. */
export interface RelayCore {
  readonly tokens: TokenService;
  /** Map a gesture, persist the event in the outbox, schedule delivery. */
  ingest(input: GestureInput): Promise<IngestResult>;
  outboxCounts(): OutboxCounts;
  /** The last finished events of every outcome, most recent first (bounded). */
  recentDeliveries(): readonly DeliveryRecord[];
  /**
   * The last failures (expired, dead_letter, relink_required), most recent first, in a ring of
   * their own: any number of deliveries never pushes them out.
   */
  recentFailures(): readonly DeliveryRecord[];
  remotes(): readonly RemoteStatus[];
  /** Subscribe to relay events; returns the unsubscribe function. */
  subscribe(listener: (event: RelayEvent) => void): () => void;
}
