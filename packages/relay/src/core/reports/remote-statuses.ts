import type { Connectivity, PressgateConfig } from '@pressgate/protocol';
import type { RemoteStatus } from '../../ports.js';

export type RemoteUpdate = { connected: boolean; deviceId?: string; firmware?: string };

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
    const next: RemoteStatus = { ...current, connected: update.connected };
    if (update.deviceId !== undefined) next.deviceId = update.deviceId;
    if (update.firmware !== undefined) next.firmware = update.firmware;
    next.lastSeenAt = new Date(now).toISOString();
    this.#remotes.set(remoteId, next);
    return next;
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
