import {
  buildSimpleEvent,
  newMessageId,
  type PressgateConfig,
  type resolveGesture,
} from '@pressgate/protocol';
import type { GestureInput, IngestResult } from '../../ports.js';
import type { PendingEntry } from '../outbox/outbox-file.js';

/** Where the config sends a gesture: its endpoint, button instance and SimpleEvent id. */
export type GestureTarget = NonNullable<ReturnType<typeof resolveGesture>>;

/** The SimpleEvent for a mapped gesture at `at` (its time as eventTime decided it). */
export function simpleEventEntry(target: GestureTarget, at: string): PendingEntry {
  const messageId = newMessageId();
  const message = buildSimpleEvent({ ...target, timestamp: at, messageId });
  return {
    messageId,
    endpointId: target.endpointId,
    eventId: target.eventId,
    createdAt: new Date(Date.parse(message.event.payload.timestamp)).toISOString(),
    message,
  };
}

/** Why a gesture the config does not map is not sent: its remote is unknown, or that gesture is not mapped. */
export function unmappedRefusal(
  config: PressgateConfig,
  input: GestureInput,
): Extract<IngestResult, { ok: false }> {
  const known = config.remotes.some((remote) => remote.id === input.remoteId);
  return known
    ? {
        ok: false,
        code: 'ERR_INGEST_UNMAPPED',
        message: `remote ${input.remoteId} has no ${input.gesture} mapped on button ${input.button}; add it under buttons[].gestures in the config`,
      }
    : {
        ok: false,
        code: 'ERR_INGEST_UNKNOWN_REMOTE',
        message: `no remote with id ${JSON.stringify(input.remoteId)} in the config; expected one of: ${config.remotes.map((remote) => remote.id).join(', ') || '(none)'}`,
      };
}
