import { z } from 'zod';
import { DiscoveryEndpoint } from './discovery-endpoint.js';
import {
  AlexaEndpointId,
  AlexaMessageId,
  BearerTokenScope,
  type MessageOptions,
  newMessageId,
  toBearerScope,
} from './envelope.js';

/** Amazon's limit on endpoints per Discover.Response or AddOrUpdateReport/DeleteReport. */
export const MAX_DISCOVERY_ENDPOINTS = 300;

const discoveryHeader = <Name extends string>(name: Name) =>
  z.strictObject({
    namespace: z.literal('Alexa.Discovery'),
    name: z.literal(name),
    payloadVersion: z.literal('3'),
    messageId: AlexaMessageId,
  });

const endpointList = z.array(DiscoveryEndpoint).max(MAX_DISCOVERY_ENDPOINTS);

/** `Alexa.Discovery` / `Discover.Response`: the answer to a Discover directive. */
export const DiscoverResponseMessage = z.strictObject({
  event: z.strictObject({
    header: discoveryHeader('Discover.Response'),
    payload: z.strictObject({ endpoints: endpointList }),
  }),
});
export type DiscoverResponseMessage = z.infer<typeof DiscoverResponseMessage>;

/** `Alexa.Discovery` / `AddOrUpdateReport`: new or changed endpoints, sent to the gateway. */
export const AddOrUpdateReportMessage = z.strictObject({
  event: z.strictObject({
    header: discoveryHeader('AddOrUpdateReport'),
    payload: z.strictObject({ endpoints: endpointList.min(1), scope: BearerTokenScope }),
  }),
});
export type AddOrUpdateReportMessage = z.infer<typeof AddOrUpdateReportMessage>;

/** `Alexa.Discovery` / `DeleteReport`: endpoints that are gone, by id only. */
export const DeleteReportMessage = z.strictObject({
  event: z.strictObject({
    header: discoveryHeader('DeleteReport'),
    payload: z.strictObject({
      endpoints: z
        .array(z.strictObject({ endpointId: AlexaEndpointId }))
        .min(1)
        .max(MAX_DISCOVERY_ENDPOINTS),
      scope: BearerTokenScope,
    }),
  }),
});
export type DeleteReportMessage = z.infer<typeof DeleteReportMessage>;

/** The Discover.Response for `endpoints` (from `buildEndpoint`). */
export function buildDiscoverResponse(
  endpoints: readonly DiscoveryEndpoint[],
  options: MessageOptions = {},
): DiscoverResponseMessage {
  return {
    event: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'Discover.Response',
        payloadVersion: '3',
        messageId: options.messageId ?? newMessageId(),
      },
      payload: { endpoints: [...endpoints] },
    },
  };
}

/**
 * An AddOrUpdateReport with the token in `payload.scope`. Without a token
 * the scope holds the placeholder that `withScopeToken` fills at send time.
 */
export function buildAddOrUpdateReport(
  endpoints: readonly DiscoveryEndpoint[],
  token?: string,
  options: MessageOptions = {},
): AddOrUpdateReportMessage {
  return {
    event: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'AddOrUpdateReport',
        payloadVersion: '3',
        messageId: options.messageId ?? newMessageId(),
      },
      payload: { endpoints: [...endpoints], scope: toBearerScope(token) },
    },
  };
}

/** A DeleteReport for `endpointIds`, token in `payload.scope` (or the placeholder). */
export function buildDeleteReport(
  endpointIds: readonly string[],
  token?: string,
  options: MessageOptions = {},
): DeleteReportMessage {
  return {
    event: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'DeleteReport',
        payloadVersion: '3',
        messageId: options.messageId ?? newMessageId(),
      },
      payload: {
        endpoints: endpointIds.map((endpointId) => ({ endpointId })),
        scope: toBearerScope(token),
      },
    },
  };
}
