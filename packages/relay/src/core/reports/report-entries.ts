import {
  buildAddOrUpdateReport,
  buildChangeReport,
  buildDeleteReport,
  type Connectivity,
  type DiscoveryEndpoint,
  newMessageId,
} from '@pressgate/protocol';
import type { PendingEntry } from '../outbox/outbox-file.js';

/** Discovery reports share one delivery queue, so they reach Alexa in order. */
const DISCOVERY_QUEUE = 'alexa-discovery';

/** The EndpointHealth ChangeReport for one endpoint, sampled at `now`. */
export function changeReportEntry(endpointId: string, connectivity: Connectivity, now: number): PendingEntry {
  const messageId = newMessageId();
  return {
    messageId,
    endpointId,
    eventId: 'ChangeReport',
    createdAt: new Date(now).toISOString(),
    message: buildChangeReport({ endpointId, connectivity, timeOfSample: now, messageId }),
  };
}

export type EndpointChanges = { changed: DiscoveryEndpoint[]; removed: string[] };

/** Endpoints new or different in `after`, and endpointIds gone from it. */
export function diffEndpoints(
  before: ReadonlyMap<string, DiscoveryEndpoint>,
  after: ReadonlyMap<string, DiscoveryEndpoint>,
): EndpointChanges {
  const changed = [...after.values()].filter(
    (endpoint) => JSON.stringify(before.get(endpoint.endpointId)) !== JSON.stringify(endpoint),
  );
  const removed = [...before.keys()].filter((endpointId) => !after.has(endpointId));
  return { changed, removed };
}

/** AddOrUpdateReport for changed endpoints, then DeleteReport for removed ones (either may be absent). */
export function discoveryReportEntries(changes: EndpointChanges, createdAt: string): PendingEntry[] {
  const entries: PendingEntry[] = [];
  if (changes.changed.length > 0) {
    const messageId = newMessageId();
    entries.push({
      messageId,
      endpointId: changes.changed.map((endpoint) => endpoint.endpointId).join(','),
      eventId: 'AddOrUpdateReport',
      createdAt,
      queue: DISCOVERY_QUEUE,
      message: buildAddOrUpdateReport(changes.changed, undefined, { messageId }),
    });
  }
  if (changes.removed.length > 0) {
    const messageId = newMessageId();
    entries.push({
      messageId,
      endpointId: changes.removed.join(','),
      eventId: 'DeleteReport',
      createdAt,
      queue: DISCOVERY_QUEUE,
      message: buildDeleteReport(changes.removed, undefined, { messageId }),
    });
  }
  return entries;
}
