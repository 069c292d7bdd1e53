import type { OutboxEntry } from '../outbox/outbox-file.js';

/**
 * Which lane an outbox entry travels in, and what may overtake what. See docs/architecture.md,
 * "Delivery and ordering": one lane per button instance (its events leave one at a time, by
 * event time), one per endpoint's connectivity reports, one for discovery reports; lanes do
 * not wait for each other.
 */

type Header = { namespace?: unknown; name?: unknown; instance?: unknown };

function headerOf(entry: OutboxEntry): Header {
  const event = entry.message.event as { header?: Header } | undefined;
  return event?.header ?? {};
}

/** A button's SimpleEvent (a moment), as opposed to a report (state). */
export function isButtonEvent(entry: OutboxEntry): boolean {
  return headerOf(entry).namespace === 'Alexa.SimpleEventSource';
}

/** Reports are state: they never expire, and a newer one replaces an older one not yet sent. */
export function isStateReport(entry: OutboxEntry): boolean {
  return !isButtonEvent(entry);
}

/** The lane: the button instance for events, the stored queue or the endpoint for reports. */
export function laneOf(entry: OutboxEntry): string {
  if (entry.queue !== undefined) return entry.queue;
  const header = headerOf(entry);
  if (isButtonEvent(entry) && typeof header.instance === 'string') {
    return `event:${entry.endpointId}#${header.instance}`;
  }
  return `${isButtonEvent(entry) ? 'event' : 'report'}:${entry.endpointId}`;
}

/**
 * Puts `entry` into `lane` by event time (createdAt), after every entry with the same or an
 * earlier time; never in front of the first `fixed` entries (the one in flight).
 */
export function insertByTime(lane: OutboxEntry[], entry: OutboxEntry, fixed: number): void {
  const at = Date.parse(entry.createdAt);
  let index = lane.length;
  while (index > fixed && Date.parse((lane[index - 1] as OutboxEntry).createdAt) > at) index -= 1;
  lane.splice(index, 0, entry);
}

function endpointIdsOf(entry: OutboxEntry): string[] {
  return entry.endpointId.split(',');
}

/**
 * Whether `newer` makes `older` pointless: both reports of the same kind of state (connectivity,
 * or discovery) and every endpoint `older` speaks of is covered by `newer`.
 */
export function supersedes(newer: OutboxEntry, older: OutboxEntry): boolean {
  if (!isStateReport(newer) || !isStateReport(older)) return false;
  const isHealth = (entry: OutboxEntry): boolean => entry.eventId === 'ChangeReport';
  if (isHealth(newer) !== isHealth(older)) return false;
  const covered = new Set(endpointIdsOf(newer));
  return endpointIdsOf(older).every((endpointId) => covered.has(endpointId));
}
