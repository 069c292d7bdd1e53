import { z } from 'zod';
import {
  AlexaEndpointId,
  AlexaMessageId,
  BearerTokenScope,
  newMessageId,
  toBearerScope,
} from './envelope.js';
import { AlexaTimestamp, normalizeAlexaTimestamp } from './timestamp.js';

/** EndpointHealth connectivity: follows the remote's serial link. */
export const Connectivity = z.enum(['OK', 'UNREACHABLE']);
export type Connectivity = z.infer<typeof Connectivity>;

/** The `Alexa.EndpointHealth` `connectivity` property, as context and change reports carry it. */
export const ConnectivityProperty = z.strictObject({
  namespace: z.literal('Alexa.EndpointHealth'),
  name: z.literal('connectivity'),
  value: z.strictObject({ value: Connectivity }),
  timeOfSample: AlexaTimestamp,
  uncertaintyInMilliseconds: z.number().int().min(0),
});
export type ConnectivityProperty = z.infer<typeof ConnectivityProperty>;

export const ChangeCause = z.enum([
  'APP_INTERACTION',
  'PHYSICAL_INTERACTION',
  'PERIODIC_POLL',
  'RULE_TRIGGER',
  'VOICE_INTERACTION',
]);
export type ChangeCause = z.infer<typeof ChangeCause>;

/**
 * `Alexa` / `ChangeReport` 3. pressgate reports one property, connectivity,
 * so it is always the changed one and the `context` of unchanged properties
 * is left out (Amazon's schema makes `context` optional).
 */
export const ChangeReportMessage = z.strictObject({
  event: z.strictObject({
    header: z.strictObject({
      namespace: z.literal('Alexa'),
      name: z.literal('ChangeReport'),
      payloadVersion: z.literal('3'),
      messageId: AlexaMessageId,
    }),
    endpoint: z.strictObject({ scope: BearerTokenScope, endpointId: AlexaEndpointId }),
    payload: z.strictObject({
      change: z.strictObject({
        cause: z.strictObject({ type: ChangeCause }),
        properties: z.array(ConnectivityProperty).min(1),
      }),
    }),
  }),
  context: z.strictObject({ properties: z.array(ConnectivityProperty) }).optional(),
});
export type ChangeReportMessage = z.infer<typeof ChangeReportMessage>;

/** `Alexa` / `StateReport` 3: the answer to ReportState, with connectivity in `context`. */
export const StateReportMessage = z.strictObject({
  event: z.strictObject({
    header: z.strictObject({
      namespace: z.literal('Alexa'),
      name: z.literal('StateReport'),
      payloadVersion: z.literal('3'),
      messageId: AlexaMessageId,
      correlationToken: z.string().min(1),
    }),
    endpoint: z.strictObject({ endpointId: AlexaEndpointId }),
    payload: z.strictObject({}),
  }),
  context: z.strictObject({ properties: z.array(ConnectivityProperty) }),
});
export type StateReportMessage = z.infer<typeof StateReportMessage>;

/** The connectivity property, sampled at `timeOfSample`. */
export function buildConnectivityProperty(
  connectivity: Connectivity,
  timeOfSample: Date | number | string,
): ConnectivityProperty {
  return {
    namespace: 'Alexa.EndpointHealth',
    name: 'connectivity',
    value: { value: connectivity },
    timeOfSample: normalizeAlexaTimestamp(timeOfSample),
    uncertaintyInMilliseconds: 0,
  };
}

export type ChangeReportInput = {
  /** The access token; leave it out to store the report and fill it in with `withScopeToken`. */
  token?: string | undefined;
  endpointId: string;
  connectivity: Connectivity;
  timeOfSample: Date | number | string;
  /** Why it changed; a remote plugged in or pulled out is `PHYSICAL_INTERACTION` (the default). */
  cause?: ChangeCause | undefined;
  messageId?: string | undefined;
};

/** A ChangeReport for a connectivity change, token in `event.endpoint.scope`. */
export function buildChangeReport(input: ChangeReportInput): ChangeReportMessage {
  return {
    event: {
      header: {
        namespace: 'Alexa',
        name: 'ChangeReport',
        payloadVersion: '3',
        messageId: input.messageId ?? newMessageId(),
      },
      endpoint: { scope: toBearerScope(input.token), endpointId: input.endpointId },
      payload: {
        change: {
          cause: { type: input.cause ?? 'PHYSICAL_INTERACTION' },
          properties: [buildConnectivityProperty(input.connectivity, input.timeOfSample)],
        },
      },
    },
  };
}

export type StateReportInput = {
  endpointId: string;
  /** The ReportState directive's correlationToken, returned unchanged. */
  correlationToken: string;
  connectivity: Connectivity;
  timeOfSample: Date | number | string;
  messageId?: string | undefined;
};

/** The StateReport answering a ReportState directive. */
export function buildStateReport(input: StateReportInput): StateReportMessage {
  return {
    event: {
      header: {
        namespace: 'Alexa',
        name: 'StateReport',
        payloadVersion: '3',
        messageId: input.messageId ?? newMessageId(),
        correlationToken: input.correlationToken,
      },
      endpoint: { endpointId: input.endpointId },
      payload: {},
    },
    context: { properties: [buildConnectivityProperty(input.connectivity, input.timeOfSample)] },
  };
}
