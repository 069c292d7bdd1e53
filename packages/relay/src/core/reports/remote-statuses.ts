import type { Connectivity, PressgateConfig } from '@pressgate/protocol';
import type { RemoteStatus } from '../../ports.js';

export type RemoteUpdate = {
  connected: boolean;
  deviceId?: string;
  firmware?: string;
  /** Why it is not connected (the listener's error code and message); ignored when connected. */
  reason?: { code: string; message: string };
};

export function connectivityOf(remote: RemoteStatus): Connectivity {
  return remote.connected ? 'OK' : 'UNREACHABLE';
}

/**
 * What the listeners say about each configured remote, and the EndpointHealth connectivity
 * last reported to Alexa per endpoint (so only a change is reported again).
 */
export class RemoteStatuses {
  readonly #remotes = new Map<string, RemoteStatus>();
  /** Connectivity last reported to Alexa, per endpointId. */
  readonly #reported = new Map<string, Connectivity>();
  /** Remotes a listener has said anything about (connected or not). */
  readonly #heard = new Set<string>();

  constructor(config: PressgateConfig) {
    this.reset(config);
  }

  list(): RemoteStatus[] {
    return [...this.#remotes.values()];
  }

  /** Connectivity for ReportState; undefined for an endpoint not in the config. */
  connectivity(endpointId: string): Connectivity | undefined {
    for (const remote of this.#remotes.values()) {
      if (remote.endpointId === endpointId) return connectivityOf(remote);
    }
    return undefined;
  }

  /** Applies a listener's update seen at `now`; undefined for a remote not in the config. */
  update(remoteId: string, update: RemoteUpdate, now: number): RemoteStatus | undefined {
    const current = this.#remotes.get(remoteId);
    if (current === undefined) return undefined;
    this.#heard.add(remoteId);
    const next: RemoteStatus = { ...current, connected: update.connected };
    if (update.deviceId !== undefined) next.deviceId = update.deviceId;
    if (update.firmware !== undefined) next.firmware = update.firmware;
    // Seen now when connected, or when it was connected until now; a remote never connected
    // keeps no lastSeenAt.
    if (update.connected || current.connected) next.lastSeenAt = new Date(now).toISOString();
    if (update.connected) delete next.reason;
    else if (update.reason !== undefined)
      next.reason = { code: update.reason.code, message: update.reason.message };
    this.#remotes.set(remoteId, next);
    return next;
  }

  /** Whether a listener has reported on the remote since it was configured. */
  heard(remoteId: string): boolean {
    return this.#heard.has(remoteId);
  }

  /** Whether `connectivity` differs from what Alexa was last told for the endpoint. */
  isNewConnectivity(endpointId: string, connectivity: Connectivity): boolean {
    return this.#reported.get(endpointId) !== connectivity;
  }

  markReported(endpointId: string, connectivity: Connectivity): void {
    this.#reported.set(endpointId, connectivity);
  }

  forgetReported(endpointIds: readonly string[]): void {
    for (const endpointId of endpointIds) this.#reported.delete(endpointId);
  }

  /** Follows a new config: keeps what is known about remotes still there, drops the rest. */
  reset(config: PressgateConfig): void {
    const previous = new Map(this.#remotes);
    this.#remotes.clear();
    for (const id of this.#heard)
      if (!config.remotes.some((remote) => remote.id === id)) this.#heard.delete(id);
    for (const remote of config.remotes) {
      const known = previous.get(remote.id);
      this.#remotes.set(
        remote.id,
        known === undefined
          ? { id: remote.id, endpointId: remote.endpoint.endpointId, connected: false }
          : { ...known, endpointId: remote.endpoint.endpointId },
      );
    }
  }
}
