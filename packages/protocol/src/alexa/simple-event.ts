import { z } from 'zod';
import {
  AlexaEndpointId,
  AlexaMessageId,
  BearerTokenScope,
  newMessageId,
  toBearerScope,
} from './envelope.js';
import { AlexaTimestamp, normalizeAlexaTimestamp } from './timestamp.js';

/** `Alexa.SimpleEventSource` / `Event` 1.0: one button gesture, sent to the event gateway. */
export const SimpleEventMessage = z.strictObject({
  event: z.strictObject({
    header: z.strictObject({
      namespace: z.literal('Alexa.SimpleEventSource'),
      name: z.literal('Event'),
      instance: z.string().min(1),
      messageId: AlexaMessageId,
      payloadVersion: z.literal('1.0'),
    }),
    endpoint: z.strictObject({
      scope: BearerTokenScope,
      endpointId: AlexaEndpointId,
      cookie: z.record(z.string(), z.string()),
    }),
    payload: z.strictObject({ id: z.string().min(1), timestamp: AlexaTimestamp }),
  }),
});
export type SimpleEventMessage = z.infer<typeof SimpleEventMessage>;

export type SimpleEventInput = {
  /** The access token; leave it out to store the event and fill it in with `withScopeToken`. */
  token?: string | undefined;
  endpointId: string;
  /** The button's SimpleEventSource instance (a stable UUID v4). */
  instance: string;
  /** The supported event id, e.g. `Button.SinglePush.1`. */
  eventId: string;
  /** When the device detected the gesture; an ISO string in Alexa's form is kept as is. */
  timestamp: Date | number | string;
  messageId?: string | undefined;
};

/**
 * The SimpleEventSource event for one gesture (see docs/alexa.md, "Event gateway").
 * Throws a PressgateError `ERR_ALEXA_TIMESTAMP` when `timestamp` is not a
 * valid time.
 */
export function buildSimpleEvent(input: SimpleEventInput): SimpleEventMessage {
  return {
    event: {
      header: {
        namespace: 'Alexa.SimpleEventSource',
        name: 'Event',
        instance: input.instance,
        messageId: input.messageId ?? newMessageId(),
        payloadVersion: '1.0',
      },
      endpoint: { scope: toBearerScope(input.token), endpointId: input.endpointId, cookie: {} },
      payload: { id: input.eventId, timestamp: normalizeAlexaTimestamp(input.timestamp) },
    },
  };
}
