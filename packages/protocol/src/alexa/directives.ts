import { z } from 'zod';

/**
 * The messageId of a directive Alexa sends: Amazon promises no format (ids with `_` and `.` are
 * seen), so any 1..256 printable characters without whitespace; pressgate only logs it.
 */
export const DirectiveMessageId = z
  .string()
  .regex(
    /^[^\s\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]{1,256}$/u,
    'a messageId of 1 to 256 printable characters without spaces',
  );

/*
 * Directives Alexa sends (through the skill's Lambda) that pressgate answers.
 * Incoming messages are checked for what pressgate relies on; unknown extra
 * fields are tolerated (and dropped), since Amazon may add some.
 */

const IncomingScope = z.object({ type: z.literal('BearerToken'), token: z.string().min(1) });

/** `Alexa.Authorization` / `AcceptGrant`: the user linked the skill; exchange `grant.code` at once. */
export const AcceptGrantDirective = z.object({
  directive: z.object({
    header: z.object({
      namespace: z.literal('Alexa.Authorization'),
      name: z.literal('AcceptGrant'),
      payloadVersion: z.literal('3'),
      messageId: DirectiveMessageId,
    }),
    payload: z.object({
      grant: z.object({ type: z.literal('OAuth2.AuthorizationCode'), code: z.string().min(1) }),
      grantee: IncomingScope,
    }),
  }),
});
export type AcceptGrantDirective = z.infer<typeof AcceptGrantDirective>;

/** `Alexa.Discovery` / `Discover`: list the endpoints; the user's token is in `payload.scope`. */
export const DiscoverDirective = z.object({
  directive: z.object({
    header: z.object({
      namespace: z.literal('Alexa.Discovery'),
      name: z.literal('Discover'),
      payloadVersion: z.literal('3'),
      messageId: DirectiveMessageId,
    }),
    payload: z.object({ scope: IncomingScope }),
  }),
});
export type DiscoverDirective = z.infer<typeof DiscoverDirective>;

/** `Alexa` / `ReportState`: report one endpoint's state, echoing `correlationToken`. */
export const ReportStateDirective = z.object({
  directive: z.object({
    header: z.object({
      namespace: z.literal('Alexa'),
      name: z.literal('ReportState'),
      payloadVersion: z.literal('3'),
      messageId: DirectiveMessageId,
      correlationToken: z.string().min(1),
    }),
    endpoint: z.object({
      scope: IncomingScope.optional(),
      endpointId: z.string().min(1).max(256),
      cookie: z.record(z.string(), z.string()).optional(),
    }),
    payload: z.object({}),
  }),
});
export type ReportStateDirective = z.infer<typeof ReportStateDirective>;

export type DirectiveKind = 'AcceptGrant' | 'Discover' | 'ReportState';

/**
 * What `parseDirective` makes of a request body. On failure it carries what
 * could be read (namespace, name, correlationToken, endpointId) so the relay
 * can answer the matching ErrorResponse: `unsupported` is a well-formed
 * directive pressgate does not handle, `malformed` is anything else.
 */
export type ParsedDirective =
  | { ok: true; kind: 'AcceptGrant'; directive: AcceptGrantDirective }
  | { ok: true; kind: 'Discover'; directive: DiscoverDirective }
  | { ok: true; kind: 'ReportState'; directive: ReportStateDirective }
  | {
      ok: false;
      kind: 'unsupported' | 'malformed';
      namespace?: string;
      name?: string;
      message: string;
      correlationToken?: string;
      endpointId?: string;
    };

type DirectiveFailure = Extract<ParsedDirective, { ok: false }>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringAt(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}

function recordAt(
  record: Record<string, unknown> | undefined,
  key: string,
): Record<string, unknown> | undefined {
  const value = record?.[key];
  return isRecord(value) ? value : undefined;
}

/** Issue paths and messages only: never the values, which may hold a grant code or token. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Recognise and check a directive (the parsed JSON body Alexa sent). Never
 * throws: bad input is normal here and comes back as `{ ok: false }`.
 */
export function parseDirective(body: unknown): ParsedDirective {
  const directive = isRecord(body) ? recordAt(body, 'directive') : undefined;
  const header = recordAt(directive, 'header');
  const namespace = stringAt(header, 'namespace');
  const name = stringAt(header, 'name');
  const context: Omit<DirectiveFailure, 'ok' | 'kind' | 'message'> = {};
  if (namespace !== undefined) context.namespace = namespace;
  if (name !== undefined) context.name = name;
  const correlationToken = stringAt(header, 'correlationToken');
  if (correlationToken !== undefined) context.correlationToken = correlationToken;
  const endpointId = stringAt(recordAt(directive, 'endpoint'), 'endpointId');
  if (endpointId !== undefined) context.endpointId = endpointId;

  if (namespace === undefined || name === undefined) {
    return {
      ok: false,
      kind: 'malformed',
      ...context,
      message:
        'expected a JSON object {"directive":{"header":{"namespace":...,"name":...},...}}, got ' +
        `${directive === undefined ? 'no directive object' : 'a directive without a string namespace and name'}: ` +
        'forward the body Alexa sent unchanged',
    };
  }
  const label = `${namespace}.${name}`.slice(0, 120);
  if (namespace === 'Alexa.Authorization' && name === 'AcceptGrant') {
    return check('AcceptGrant', AcceptGrantDirective, body, label, context);
  }
  if (namespace === 'Alexa.Discovery' && name === 'Discover') {
    return check('Discover', DiscoverDirective, body, label, context);
  }
  if (namespace === 'Alexa' && name === 'ReportState') {
    return check('ReportState', ReportStateDirective, body, label, context);
  }
  return {
    ok: false,
    kind: 'unsupported',
    ...context,
    message: `pressgate does not handle ${label}: it answers Alexa.Authorization.AcceptGrant, Alexa.Discovery.Discover and Alexa.ReportState`,
  };
}

function check<Kind extends DirectiveKind, Directive>(
  kind: Kind,
  schema: z.ZodType<Directive>,
  body: unknown,
  label: string,
  context: Omit<DirectiveFailure, 'ok' | 'kind' | 'message'>,
): { ok: true; kind: Kind; directive: Directive } | DirectiveFailure {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, kind, directive: result.data };
  return {
    ok: false,
    kind: 'malformed',
    ...context,
    message: `malformed ${label} directive: ${describeIssues(result.error)}`,
  };
}
