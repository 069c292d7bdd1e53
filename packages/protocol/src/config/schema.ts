import { z } from 'zod';
import { FriendlyName } from '../names.js';
import { checkConfigRules } from './rules.js';

/**
 * The zod schema of `pressgate.yaml` (see docs/architecture.md, "Contracts"). Shapes,
 * types, ranges and defaults live here; rules that relate several keys
 * (uniqueness, timing relations, asset catalog, path xor match) live in
 * rules.ts and run on the whole file, so every problem is reported at once.
 * Every object is strict: an unknown key is an error.
 */

const int = (what: string, min: number, max: number) =>
  z
    .number({ error: `expected ${what}, a whole number from ${min} to ${max}` })
    .int(`expected ${what}, a whole number from ${min} to ${max}`)
    .min(min, `expected ${what} of at least ${min}`)
    .max(max, `expected ${what} of at most ${max}`);

const text = (what: string, max: number) =>
  z
    .string({ error: `expected ${what} as text` })
    .min(1, `expected ${what}, got an empty string`)
    .max(max, `expected ${what} of at most ${max} characters`);

const secret = (what: string, min: number) =>
  z
    .string({ error: `expected ${what} as text (write \${ENV_VAR} to take it from the environment)` })
    .min(
      min,
      min === 1 ? `expected ${what}, got an empty string` : `expected ${what} of at least ${min} characters`,
    );

const httpUrl = (what: string) =>
  z.url({
    protocol: /^https?$/,
    error: `expected ${what} as an http:// or https:// URL`,
  });

export const Timing = z.strictObject({
  doublePressMs: int('doublePressMs (ms)', 50, 2000).default(300),
  longPressMs: int('longPressMs (ms)', 100, 10_000).default(800),
  debounceMs: int('debounceMs (ms)', 0, 200).default(20),
});
export type Timing = z.infer<typeof Timing>;

export const DEFAULT_TIMING: Readonly<Timing> = Object.freeze({
  doublePressMs: 300,
  longPressMs: 800,
  debounceMs: 20,
});

/** Per-button timing: any key given overrides the remote's timing. */
export const TimingOverride = z.strictObject({
  doublePressMs: Timing.shape.doublePressMs.unwrap().optional(),
  longPressMs: Timing.shape.longPressMs.unwrap().optional(),
  debounceMs: Timing.shape.debounceMs.unwrap().optional(),
});
export type TimingOverride = z.infer<typeof TimingOverride>;

export const RelayConfig = z.strictObject({
  host: text('a host name or IP address to listen on', 253).default('127.0.0.1'),
  port: int('a TCP port', 0, 65_535).default(8787),
  dataDir: text('a directory for tokens and the outbox', 4096).default('./data'),
  apiToken: secret('an API token for POST /v1/gestures', 16).optional(),
});
export type RelayConfig = z.infer<typeof RelayConfig>;

export const AlexaRegion = z.enum(['NA', 'EU', 'FE'], { error: 'expected a region: NA, EU or FE' });
export type AlexaRegion = z.infer<typeof AlexaRegion>;

/**
 * Button events per endpoint that may reach Amazon: a token bucket of `burst` events, refilled
 * at `perMinute`. Far above human pressing; it stops a stuck or chattering button.
 */
export const AlexaRateLimit = z.strictObject({
  burst: int('rateLimit.burst (events)', 1, 10_000).default(20),
  perMinute: int('rateLimit.perMinute (events per minute)', 1, 600_000).default(120),
});
export type AlexaRateLimit = z.infer<typeof AlexaRateLimit>;

export const AlexaConfig = z.strictObject({
  region: AlexaRegion.default('NA'),
  clientId: secret("the skill's Alexa Client Id", 1),
  clientSecret: secret("the skill's Alexa Client Secret", 1),
  gatewayUrl: httpUrl('the event gateway URL').optional(),
  lwaTokenUrl: httpUrl('the LWA token URL').optional(),
  maxEventAgeMs: int('maxEventAgeMs (ms)', 1000, 300_000).default(30_000),
  rateLimit: AlexaRateLimit.default({ burst: 20, perMinute: 120 }),
});
export type AlexaConfig = z.infer<typeof AlexaConfig>;

/** An MQTT topic prefix: levels of A-Z a-z 0-9 _ . - separated by /, no wildcards. */
export const MQTT_TOPIC_PREFIX_PATTERN = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

/**
 * The broker the relay connects out to when directives.transport is mqtt
 * (docs/mqtt.md). cert, key and ca are paths to PEM files, read at start.
 */
export const DirectivesMqttConfig = z.strictObject({
  url: z.url({
    protocol: /^(?:mqtts?|wss?)$/,
    error:
      'expected the broker URL as mqtt://, mqtts://, ws:// or wss://, like mqtts://broker.example.net:8883',
  }),
  clientId: z
    .string({ error: 'expected an MQTT clientId as text' })
    .regex(
      /^[A-Za-z0-9_.:-]{1,128}$/,
      'expected an MQTT clientId of 1 to 128 characters from A-Z a-z 0-9 _ . : -',
    ),
  username: secret('an MQTT username', 1).optional(),
  password: secret('an MQTT password', 1).optional(),
  cert: text('a path to the client certificate (PEM)', 4096).optional(),
  key: text('a path to the client private key (PEM)', 4096).optional(),
  ca: text('a path to the CA certificate(s) to trust (PEM)', 4096).optional(),
  topicPrefix: z
    .string({ error: 'expected a topicPrefix as text, like pressgate/living-room' })
    .max(200, 'expected a topicPrefix of at most 200 characters')
    .regex(
      MQTT_TOPIC_PREFIX_PATTERN,
      'expected a topicPrefix like pressgate/living-room: levels of A-Z a-z 0-9 _ . - separated by /, no + or #, no leading or trailing /',
    ),
});
export type DirectivesMqttConfig = z.infer<typeof DirectivesMqttConfig>;

export const DirectivesConfig = z.strictObject({
  secret: secret('a directive signing secret shared with the skill forwarder', 16),
  transport: z.enum(['https', 'mqtt'], { error: 'expected a transport: https or mqtt' }).default('https'),
  mqtt: DirectivesMqttConfig.optional(),
});
export type DirectivesConfig = z.infer<typeof DirectivesConfig>;

const usbId = (what: string) =>
  z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `expected ${what} as 4 hex digits in quotes, like "${String(issue.input).padStart(4, '0')}" (YAML reads unquoted digits as a number)`
          : `expected ${what} as 4 hex digits, like "2e8a"`,
    })
    .regex(/^[0-9A-Fa-f]{4}$/, `expected ${what} as 4 hex digits, like "2e8a"`)
    .transform((id) => id.toLowerCase());

export const SerialMatch = z.strictObject({
  vendorId: usbId('a USB vendor id'),
  productId: usbId('a USB product id'),
  serialNumber: text('the USB serial number', 256).optional(),
});
export type SerialMatch = z.infer<typeof SerialMatch>;

/** Where the remote is plugged in: a device `path`, or a USB `match` (one of them, not both). */
export const SerialConfig = z.strictObject({
  path: text('a serial device path like /dev/serial/by-id/usb-...', 4096).optional(),
  match: SerialMatch.optional(),
  baudRate: int('a baud rate', 300, 4_000_000).default(115_200),
});
export type SerialConfig = z.infer<typeof SerialConfig>;

export const ENDPOINT_ID_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

export const EndpointConfig = z.strictObject({
  endpointId: z
    .string({ error: 'expected an endpointId as text' })
    .regex(ENDPOINT_ID_PATTERN, 'expected an endpointId of 1 to 256 characters from A-Z a-z 0-9 _ -'),
  friendlyName: text('a friendlyName', 128),
  manufacturerName: text('a manufacturerName', 128).default('pressgate'),
  description: text('a description', 128).default('pressgate USB button remote'),
  displayCategory: z
    .enum(['REMOTE', 'OTHER'], { error: 'expected a displayCategory: REMOTE or OTHER' })
    .default('REMOTE'),
});
export type EndpointConfig = z.infer<typeof EndpointConfig>;

export const UUID_V4_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const UUID_V4_MESSAGE =
  'expected a UUID v4 like 4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10; generate one with `node -e "console.log(crypto.randomUUID())"` and never change it';

export const EVENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const names = z
  .array(FriendlyName, { error: 'expected a list of names like [ { text: Top button, locale: en-US } ]' })
  .min(1, 'expected at least one name, like { text: Top button, locale: en-US }');

/** One gesture of one button, sent as a SimpleEventSource event `id`. */
export const GestureMapping = z.strictObject({
  id: z
    .string({ error: 'expected an event id as text, like Button.SinglePush.1' })
    .regex(EVENT_ID_PATTERN, 'expected an event id of 1 to 64 characters from A-Z a-z 0-9 . _ -'),
  names: names.optional(),
});
export type GestureMapping = z.infer<typeof GestureMapping>;

export const GestureMappings = z.strictObject({
  single: GestureMapping.optional(),
  double: GestureMapping.optional(),
  long: GestureMapping.optional(),
});
export type GestureMappings = z.infer<typeof GestureMappings>;

export const ButtonConfig = z.strictObject({
  button: int('a button number', 1, 16),
  instance: z.string({ error: UUID_V4_MESSAGE }).regex(UUID_V4_PATTERN, UUID_V4_MESSAGE),
  names,
  gestures: GestureMappings,
  timing: TimingOverride.optional(),
});
export type ButtonConfig = z.infer<typeof ButtonConfig>;

export const RemoteConfig = z.strictObject({
  id: z
    .string({ error: 'expected a remote id as text, like living-room' })
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a remote id of 1 to 64 characters from A-Z a-z 0-9 _ -'),
  serial: SerialConfig,
  endpoint: EndpointConfig,
  timing: Timing.prefault({}),
  buttons: z
    .array(ButtonConfig, { error: 'expected a list of buttons' })
    .min(1, 'expected at least one button')
    .max(16, 'expected at most 16 buttons'),
});
export type RemoteConfig = z.infer<typeof RemoteConfig>;

/** At most this many endpoints (remotes) per Alexa account and request. */
export const MAX_ENDPOINTS = 300;

export const PressgateConfig = z
  .strictObject({
    relay: RelayConfig.prefault({}),
    alexa: AlexaConfig,
    directives: DirectivesConfig,
    remotes: z
      .array(RemoteConfig, { error: 'expected a list of remotes (it may be empty: [])' })
      .max(MAX_ENDPOINTS, `expected at most ${MAX_ENDPOINTS} remotes (Alexa's endpoint limit)`)
      .default(() => []),
  })
  .superRefine(
    (config, ctx) =>
      checkConfigRules(config, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
    // Run on partly malformed files too, so every problem is reported at once.
    { when: () => true },
  );
/** The validated config, with every default applied. */
export type PressgateConfig = z.infer<typeof PressgateConfig>;
/** The config as written (defaults may be left out). */
export type PressgateConfigInput = z.input<typeof PressgateConfig>;
