import { z } from 'zod';
import type { FriendlyName } from '../names.js';
import { AlexaEndpointId } from './envelope.js';
import { AlexaFriendlyName, toAlexaName } from './friendly-name.js';

/** `{"type":"AlexaInterface","interface":"Alexa","version":"3"}`: every endpoint has it. */
export const AlexaCapability = z.strictObject({
  type: z.literal('AlexaInterface'),
  interface: z.literal('Alexa'),
  version: z.literal('3'),
});
export type AlexaCapability = z.infer<typeof AlexaCapability>;

/** EndpointHealth 3.2 with a proactively reported, retrievable `connectivity`. */
export const EndpointHealthCapability = z.strictObject({
  type: z.literal('AlexaInterface'),
  interface: z.literal('Alexa.EndpointHealth'),
  version: z.literal('3.2'),
  properties: z.strictObject({
    supported: z.tuple([z.strictObject({ name: z.literal('connectivity') })]),
    proactivelyReported: z.literal(true),
    retrievable: z.literal(true),
  }),
});
export type EndpointHealthCapability = z.infer<typeof EndpointHealthCapability>;

/** One button: an `Alexa.SimpleEventSource` 1.0 instance and the events it sends. */
export const SimpleEventSourceCapability = z.strictObject({
  type: z.literal('AlexaInterface'),
  interface: z.literal('Alexa.SimpleEventSource'),
  version: z.literal('1.0'),
  instance: z.string().min(1),
  capabilityResources: z.strictObject({ friendlyNames: z.array(AlexaFriendlyName).min(1) }),
  configuration: z.strictObject({
    supportedEvents: z
      .array(z.strictObject({ id: z.string().min(1), friendlyNames: z.array(AlexaFriendlyName).min(1) }))
      .min(1),
  }),
});
export type SimpleEventSourceCapability = z.infer<typeof SimpleEventSourceCapability>;

export const DiscoveryCapability = z.union([
  AlexaCapability,
  EndpointHealthCapability,
  SimpleEventSourceCapability,
]);
export type DiscoveryCapability = z.infer<typeof DiscoveryCapability>;

function findDuplicate(values: readonly string[]): string | undefined {
  return values.find((value, index) => values.indexOf(value) !== index);
}

/** An endpoint as Discover.Response and AddOrUpdateReport list it. */
export const DiscoveryEndpoint = z
  .strictObject({
    endpointId: AlexaEndpointId,
    manufacturerName: z.string().min(1).max(128),
    friendlyName: z.string().min(1).max(128),
    description: z.string().min(1).max(128),
    displayCategories: z.array(z.string().regex(/^[A-Z][A-Z_]*$/, 'a display category like REMOTE')).min(1),
    cookie: z.record(z.string(), z.string()).optional(),
    capabilities: z.array(DiscoveryCapability).min(1),
  })
  .superRefine((endpoint, context) => {
    const buttons = endpoint.capabilities.filter(
      (capability) => capability.interface === 'Alexa.SimpleEventSource',
    );
    const instance = findDuplicate(buttons.map((button) => button.instance));
    if (instance !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['capabilities'],
        message: `SimpleEventSource instance ${instance} appears twice: give each button its own UUID`,
      });
    }
    for (const button of buttons) {
      const id = findDuplicate(button.configuration.supportedEvents.map((event) => event.id));
      if (id !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['capabilities'],
          message: `event id ${id} appears twice in instance ${button.instance}: give each gesture its own id`,
        });
      }
    }
  });
export type DiscoveryEndpoint = z.infer<typeof DiscoveryEndpoint>;

/** What `buildEndpoint` needs: one remote from the config. */
export type DiscoveryEndpointInput = {
  endpointId: string;
  friendlyName: string;
  manufacturerName: string;
  description: string;
  displayCategory: string;
  buttons: {
    instance: string;
    names: FriendlyName[];
    events: { id: string; names: FriendlyName[] }[];
  }[];
  cookie?: Record<string, string>;
};

/**
 * A remote as an Alexa endpoint: `Alexa` 3, `Alexa.EndpointHealth` 3.2 and
 * one `Alexa.SimpleEventSource` 1.0 per button (see docs/alexa.md, "Directives"). Pure: the input
 * is expected to be validated already (the config schema does that); the
 * result can be checked with `DiscoveryEndpoint`.
 */
export function buildEndpoint(input: DiscoveryEndpointInput): DiscoveryEndpoint {
  const capabilities: DiscoveryCapability[] = [
    { type: 'AlexaInterface', interface: 'Alexa', version: '3' },
    {
      type: 'AlexaInterface',
      interface: 'Alexa.EndpointHealth',
      version: '3.2',
      properties: { supported: [{ name: 'connectivity' }], proactivelyReported: true, retrievable: true },
    },
    ...input.buttons.map(
      (button): SimpleEventSourceCapability => ({
        type: 'AlexaInterface',
        interface: 'Alexa.SimpleEventSource',
        version: '1.0',
        instance: button.instance,
        capabilityResources: { friendlyNames: button.names.map(toAlexaName) },
        configuration: {
          supportedEvents: button.events.map((event) => ({
            id: event.id,
            friendlyNames: event.names.map(toAlexaName),
          })),
        },
      }),
    ),
  ];
  return {
    endpointId: input.endpointId,
    manufacturerName: input.manufacturerName,
    friendlyName: input.friendlyName,
    description: input.description,
    displayCategories: [input.displayCategory],
    ...(input.cookie === undefined ? {} : { cookie: { ...input.cookie } }),
    capabilities,
  };
}
