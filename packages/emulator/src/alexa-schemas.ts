/**
 * The emulator's own strict schemas for what the event gateway accepts, written from
 * docs/alexa.md, "Event gateway" and "Reports and health" (deliberately not shared with
 * @pressgate/protocol, so a bug in the relay's builders is caught here). Objects are strict:
 * a field those sections do not define is an error.
 */
import { z } from 'zod';
import { ASSET_IDS } from './asset-catalog.js';

export const MAX_ENDPOINTS = 300;

const MessageId = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,127}$/, 'expected 1-127 characters of A-Z a-z 0-9 and "-" (use a UUID v4)');

export const EndpointId = z
  .string()
  .regex(
    /^[A-Za-z0-9_\-=#;:?@&]{1,256}$/,
    'expected 1-256 characters of letters, digits and _ - = # ; : ? @ &',
  );

const Scope = z.strictObject({ type: z.literal('BearerToken'), token: z.string().min(1) });
const Cookie = z.record(z.string(), z.string());
const Name128 = z.string().min(1).max(128);

const UTC_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/** True for a real UTC instant written as ISO 8601 with `Z` and 0-3 fraction digits. */
export function isUtcTimestamp(value: string): boolean {
  const match = UTC_TIMESTAMP.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  const date = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() + 1 === month &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

const UtcTimestamp = z
  .string()
  .refine(
    isUtcTimestamp,
    'expected a UTC ISO 8601 time ending in Z with 0-3 fraction digits, e.g. 2026-11-22T16:20:50.52Z',
  );

const AssetId = z.string().superRefine((value, ctx) => {
  if (!ASSET_IDS.has(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown asset id "${value}"; use one from the asset catalog or a text name`,
    });
  }
});

const FriendlyName = z.discriminatedUnion('@type', [
  z.strictObject({ '@type': z.literal('asset'), value: z.strictObject({ assetId: AssetId }) }),
  z.strictObject({
    '@type': z.literal('text'),
    value: z.strictObject({
      text: Name128,
      locale: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a locale such as en-US'),
    }),
  }),
]);

const AlexaInterface = z.literal('AlexaInterface');

const SupportedEvent = z.strictObject({
  id: z.string().min(1).max(128),
  friendlyNames: z.array(FriendlyName).min(1),
});

const Capability = z.discriminatedUnion('interface', [
  z.strictObject({ type: AlexaInterface, interface: z.literal('Alexa'), version: z.literal('3') }),
  z.strictObject({
    type: AlexaInterface,
    interface: z.literal('Alexa.EndpointHealth'),
    version: z.literal('3.2'),
    properties: z.strictObject({
      supported: z.array(z.strictObject({ name: z.literal('connectivity') })).min(1),
      proactivelyReported: z.boolean(),
      retrievable: z.boolean(),
    }),
  }),
  z.strictObject({
    type: AlexaInterface,
    interface: z.literal('Alexa.SimpleEventSource'),
    version: z.literal('1.0'),
    instance: z.string().min(1).max(128),
    capabilityResources: z.strictObject({ friendlyNames: z.array(FriendlyName).min(1) }),
    configuration: z.strictObject({
      supportedEvents: z
        .array(SupportedEvent)
        .min(1)
        .superRefine((events, ctx) => flagDuplicates(events, (event) => event.id, 'event id', ctx)),
    }),
  }),
]);

export const DiscoveredEndpoint = z
  .strictObject({
    endpointId: EndpointId,
    manufacturerName: Name128,
    friendlyName: Name128,
    description: Name128,
    displayCategories: z
      .array(z.string().regex(/^[A-Z_]+$/, 'expected a display category such as REMOTE'))
      .min(1),
    capabilities: z.array(Capability).min(1),
    additionalAttributes: z
      .strictObject({
        manufacturer: z.string().max(256).optional(),
        model: z.string().max(256).optional(),
        serialNumber: z.string().max(256).optional(),
        firmwareVersion: z.string().max(256).optional(),
        softwareVersion: z.string().max(256).optional(),
        customIdentifier: z.string().max(256).optional(),
      })
      .optional(),
    cookie: Cookie.optional(),
  })
  .superRefine((endpoint, ctx) => {
    const instances = endpoint.capabilities.flatMap((capability) =>
      capability.interface === 'Alexa.SimpleEventSource' ? [capability.instance] : [],
    );
    flagDuplicates(instances, (instance) => instance, 'SimpleEventSource instance', ctx, ['capabilities']);
  });
export type DiscoveredEndpoint = z.infer<typeof DiscoveredEndpoint>;

function endpointList(min: number) {
  return z
    .array(DiscoveredEndpoint)
    .min(min)
    .max(MAX_ENDPOINTS)
    .superRefine((endpoints, ctx) => flagDuplicates(endpoints, (e) => e.endpointId, 'endpointId', ctx));
}

export const DiscoveryEndpoints = endpointList(0);

const ConnectivityProperty = z.strictObject({
  namespace: z.literal('Alexa.EndpointHealth'),
  name: z.literal('connectivity'),
  value: z.strictObject({ value: z.enum(['OK', 'UNREACHABLE']) }),
  timeOfSample: UtcTimestamp,
  uncertaintyInMilliseconds: z.number().int().min(0),
});

const EventEndpoint = z.strictObject({ scope: Scope, endpointId: EndpointId, cookie: Cookie.optional() });

export const SimpleEvent = z.strictObject({
  event: z.strictObject({
    header: z.strictObject({
      namespace: z.literal('Alexa.SimpleEventSource'),
      name: z.literal('Event'),
      instance: z.string().min(1),
      messageId: MessageId,
      payloadVersion: z.literal('1.0'),
    }),
    endpoint: EventEndpoint,
    payload: z.strictObject({ id: z.string().min(1), timestamp: UtcTimestamp }),
  }),
});
export type SimpleEvent = z.infer<typeof SimpleEvent>;

export const ChangeReport = z
  .strictObject({
    event: z.strictObject({
      header: z.strictObject({
        namespace: z.literal('Alexa'),
        name: z.literal('ChangeReport'),
        payloadVersion: z.literal('3'),
        messageId: MessageId,
      }),
      endpoint: EventEndpoint,
      payload: z.strictObject({
        change: z.strictObject({
          cause: z.strictObject({
            type: z.enum([
              'APP_INTERACTION',
              'PHYSICAL_INTERACTION',
              'PERIODIC_POLL',
              'RULE_TRIGGER',
              'VOICE_INTERACTION',
            ]),
          }),
          properties: z.array(ConnectivityProperty).min(1),
        }),
      }),
    }),
    context: z.strictObject({ properties: z.array(ConnectivityProperty) }).optional(),
  })
  .superRefine((report, ctx) => {
    const changed = new Set(report.event.payload.change.properties.map((p) => `${p.namespace}.${p.name}`));
    report.context?.properties.forEach((p, index) => {
      if (changed.has(`${p.namespace}.${p.name}`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['context', 'properties', index],
          message: `${p.namespace}.${p.name} is already in event.payload.change.properties; context holds only unchanged properties`,
        });
      }
    });
  });
export type ChangeReport = z.infer<typeof ChangeReport>;

const DiscoveryHeader = <N extends string>(name: N) =>
  z.strictObject({
    namespace: z.literal('Alexa.Discovery'),
    name: z.literal(name),
    payloadVersion: z.literal('3'),
    messageId: MessageId,
  });

export const AddOrUpdateReport = z.strictObject({
  event: z.strictObject({
    header: DiscoveryHeader('AddOrUpdateReport'),
    payload: z.strictObject({ endpoints: endpointList(1), scope: Scope }),
  }),
});
export type AddOrUpdateReport = z.infer<typeof AddOrUpdateReport>;

export const DeleteReport = z.strictObject({
  event: z.strictObject({
    header: DiscoveryHeader('DeleteReport'),
    payload: z.strictObject({
      endpoints: z
        .array(z.strictObject({ endpointId: EndpointId }))
        .min(1)
        .max(MAX_ENDPOINTS)
        .superRefine((endpoints, ctx) => flagDuplicates(endpoints, (e) => e.endpointId, 'endpointId', ctx)),
      scope: Scope,
    }),
  }),
});
export type DeleteReport = z.infer<typeof DeleteReport>;

export const DiscoverResponse = z.strictObject({
  event: z.strictObject({
    header: DiscoveryHeader('Discover.Response'),
    payload: z.strictObject({ endpoints: DiscoveryEndpoints }),
  }),
});

function flagDuplicates<T>(
  items: readonly T[],
  key: (item: T) => string,
  what: string,
  ctx: z.RefinementCtx,
  path: (string | number)[] = [],
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const value = key(item);
    if (seen.has(value)) {
      ctx.addIssue({ code: 'custom', path: [...path, index], message: `duplicate ${what} "${value}"` });
    }
    seen.add(value);
  });
}

/** Dotted path with array indexes in brackets: event.payload.endpoints[0].friendlyName. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** A short description naming the offending fields, for the gateway's 400 description. */
export function describeIssues(error: z.ZodError, limit = 3): string {
  const parts = error.issues.slice(0, limit).map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const fields = issue.keys.map((key) => formatPath([...issue.path, key]));
      return `unknown field ${fields.join(', ')}: not part of this message's shape`;
    }
    return `${formatPath(issue.path) || '(body)'}: ${issue.message}`;
  });
  const more = error.issues.length - limit;
  return more > 0 ? `${parts.join('; ')}; and ${more} more` : parts.join('; ');
}
