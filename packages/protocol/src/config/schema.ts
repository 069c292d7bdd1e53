// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax, not a mistaken template
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
  doublePressMs: int('doublePressMs (ms)', 50, 2000)
    .default(300)
    .meta({ description: 'Longest gap in ms between two presses that still makes a double press.' }),
  longPressMs: int('longPressMs (ms)', 100, 10_000)
    .default(800)
    .meta({ description: 'How long in ms a button must be held to count as a long press.' }),
  debounceMs: int('debounceMs (ms)', 0, 200)
    .default(20)
    .meta({ description: 'Edges closer together than this many ms are contact bounce and ignored.' }),
});
export type Timing = z.infer<typeof Timing>;

export const DEFAULT_TIMING: Readonly<Timing> = Object.freeze({
  doublePressMs: 300,
  longPressMs: 800,
  debounceMs: 20,
});

/** Per-button timing: any key given overrides the remote's timing. */
export const TimingOverride = z.strictObject({
  doublePressMs: int('doublePressMs (ms)', 50, 2000)
    .optional()
    .meta({ description: "This button's double-press gap in ms, instead of the remote's." }),
  longPressMs: int('longPressMs (ms)', 100, 10_000)
    .optional()
    .meta({ description: "This button's long-press hold time in ms, instead of the remote's." }),
  debounceMs: int('debounceMs (ms)', 0, 200)
    .optional()
    .meta({ description: "This button's debounce in ms, instead of the remote's." }),
});
export type TimingOverride = z.infer<typeof TimingOverride>;

export const RelayConfig = z.strictObject({
  host: text('a host name or IP address to listen on', 253).default('127.0.0.1').meta({
    description:
      'Address the relay listens on. Keep 127.0.0.1 unless a reverse proxy or tunnel on another host needs it.',
  }),
  port: int('a TCP port', 0, 65_535).default(8787).meta({
    description:
      'TCP port of the relay (status page, /v1/status, /metrics, /alexa/directive); 0 picks a free one.',
  }),
  dataDir: text('a directory for tokens and the outbox', 4096).default('./data').meta({
    description:
      'Directory for the Alexa tokens and the outbox of events not yet delivered; relative to the config file.',
  }),
  apiToken: secret('an API token for POST /v1/gestures', 16).optional().meta({
    description:
      'Bearer token POST /v1/gestures requires from every host (at least 16 characters); write ${PRESSGATE_API_TOKEN} to keep it out of the file.',
  }),
});
export type RelayConfig = z.infer<typeof RelayConfig>;

/** `auto`: try NA, EU, FE in turn on the first send after linking and keep the one that takes the token. */
export const AlexaRegion = z.enum(['NA', 'EU', 'FE', 'auto'], {
  error: 'expected a region: NA, EU, FE or auto',
});
export type AlexaRegion = z.infer<typeof AlexaRegion>;

/**
 * Button events per endpoint that may reach Amazon: a token bucket of `burst` events, refilled
 * at `perMinute`. Far above human pressing; it stops a stuck or chattering button.
 */
export const AlexaRateLimit = z.strictObject({
  burst: int('rateLimit.burst (events)', 1, 10_000)
    .default(20)
    .meta({ description: 'Button events one endpoint may send at once before the limit holds them back.' }),
  perMinute: int('rateLimit.perMinute (events per minute)', 1, 600_000)
    .default(120)
    .meta({ description: 'Rate at which the bucket refills, in button events per minute.' }),
});
export type AlexaRateLimit = z.infer<typeof AlexaRateLimit>;

export const AlexaConfig = z.strictObject({
  region: AlexaRegion.default('NA').meta({
    description:
      'Region of the Alexa event gateway: NA (North America), EU (Europe, India), FE (Far East), or auto (find it on the first send after linking).',
  }),
  clientId: secret("the skill's Alexa Client Id", 1).meta({
    description:
      "The skill's Alexa Client Id (Build > Permissions > Send Alexa Events in the developer console).",
  }),
  clientSecret: secret("the skill's Alexa Client Secret", 1).meta({
    description:
      "The skill's Alexa Client Secret; write ${PRESSGATE_CLIENT_SECRET} to take it from the environment.",
  }),
  gatewayUrl: httpUrl('the event gateway URL')
    .optional()
    .meta({ description: "Event gateway URL instead of the region's (for tests and the emulator)." }),
  lwaTokenUrl: httpUrl('the LWA token URL')
    .optional()
    .meta({ description: "Login with Amazon token URL instead of Amazon's (for tests and the emulator)." }),
  maxEventAgeMs: int('maxEventAgeMs (ms)', 1000, 300_000).default(30_000).meta({
    description:
      'An event not delivered within this many ms of the press is dropped as expired, so a late press never fires a routine.',
  }),
  rateLimit: AlexaRateLimit.default({ burst: 20, perMinute: 120 }).meta({
    description:
      'Token bucket per endpoint for button events reaching Amazon: burst events at once, refilled at perMinute.',
  }),
});
export type AlexaConfig = z.infer<typeof AlexaConfig>;

/** An MQTT topic prefix: levels of A-Z a-z 0-9 _ . - separated by /, no wildcards. */
export const MQTT_TOPIC_PREFIX_PATTERN = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

/**
 * The broker the relay connects out to when directives.transport is mqtt
 * (docs/mqtt.md). cert, key and ca are paths to PEM files, read at start.
 */
export const DirectivesMqttConfig = z.strictObject({
  url: z
    .url({
      protocol: /^(?:mqtts?|wss?)$/,
      error:
        'expected the broker URL as mqtt://, mqtts://, ws:// or wss://, like mqtts://broker.example.net:8883',
    })
    .meta({
      description: 'Broker URL: mqtt://, mqtts://, ws:// or wss://, like mqtts://broker.example.net:8883.',
    }),
  clientId: z
    .string({ error: 'expected an MQTT clientId as text' })
    .regex(
      /^[A-Za-z0-9_.:-]{1,128}$/,
      'expected an MQTT clientId of 1 to 128 characters from A-Z a-z 0-9 _ . : -',
    )
    .meta({ description: 'MQTT client id of the relay at the broker (unique per broker).' }),
  username: secret('an MQTT username', 1)
    .optional()
    .meta({ description: 'MQTT username, if the broker wants one.' }),
  password: secret('an MQTT password', 1).optional().meta({
    description: 'MQTT password; write ${PRESSGATE_MQTT_PASSWORD} to take it from the environment.',
  }),
  cert: text('a path to the client certificate (PEM)', 4096)
    .optional()
    .meta({ description: 'Path to the client certificate (PEM) for mutual TLS, read at start.' }),
  key: text('a path to the client private key (PEM)', 4096)
    .optional()
    .meta({ description: 'Path to the client private key (PEM) for mutual TLS, read at start.' }),
  ca: text('a path to the CA certificate(s) to trust (PEM)', 4096)
    .optional()
    .meta({ description: "Path to the CA certificate(s) (PEM) to trust instead of the system's." }),
  topicPrefix: z
    .string({ error: 'expected a topicPrefix as text, like pressgate/living-room' })
    .max(200, 'expected a topicPrefix of at most 200 characters')
    .regex(
      MQTT_TOPIC_PREFIX_PATTERN,
      'expected a topicPrefix like pressgate/living-room: levels of A-Z a-z 0-9 _ . - separated by /, no + or #, no leading or trailing /',
    )
    .meta({
      description:
        'Topic prefix the directives arrive under and the answers go to, like pressgate/living-room.',
    }),
});
export type DirectivesMqttConfig = z.infer<typeof DirectivesMqttConfig>;

export const DirectivesConfig = z.strictObject({
  secret: secret('a directive signing secret shared with the skill forwarder', 16).meta({
    description:
      "Secret (at least 16 characters) the skill's forwarder signs directives with; the same on both sides. Write ${PRESSGATE_DIRECTIVE_SECRET}.",
  }),
  transport: z
    .enum(['https', 'mqtt'], { error: 'expected a transport: https or mqtt' })
    .default('https')
    .meta({
      description:
        'How directives reach the relay: https (the forwarder POSTs to /alexa/directive) or mqtt (the relay subscribes at a broker).',
    }),
  mqtt: DirectivesMqttConfig.optional().meta({ description: 'The broker, when transport is mqtt.' }),
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
  vendorId: usbId('a USB vendor id').meta({
    description: 'USB vendor id as 4 hex digits in quotes, like "2e8a" (see pressgate ports).',
  }),
  productId: usbId('a USB product id').meta({
    description: 'USB product id as 4 hex digits in quotes, like "000a".',
  }),
  serialNumber: text('the USB serial number', 256)
    .optional()
    .meta({ description: 'USB serial number, to tell identical boards apart.' }),
});
export type SerialMatch = z.infer<typeof SerialMatch>;

/** Where the remote is plugged in: a device `path`, or a USB `match` (one of them, not both). */
export const SerialConfig = z.strictObject({
  path: text('a serial device path like /dev/serial/by-id/usb-...', 4096).optional().meta({
    description:
      'Serial device path; prefer a stable /dev/serial/by-id/usb-... name. Give path or match, not both.',
  }),
  match: SerialMatch.optional().meta({
    description: 'Find the port by USB ids instead of a path. Give path or match, not both.',
  }),
  baudRate: int('a baud rate', 300, 4_000_000)
    .default(115_200)
    .meta({ description: 'Baud rate of a UART remote; USB CDC remotes ignore it.' }),
});
export type SerialConfig = z.infer<typeof SerialConfig>;

export const ENDPOINT_ID_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

export const EndpointConfig = z.strictObject({
  endpointId: z
    .string({ error: 'expected an endpointId as text' })
    .regex(ENDPOINT_ID_PATTERN, 'expected an endpointId of 1 to 256 characters from A-Z a-z 0-9 _ -')
    .meta({ description: 'Id of the device at Alexa; never change it, or routines built on it break.' }),
  friendlyName: text('a friendlyName', 128).meta({
    description: 'The name the Alexa app shows for this remote.',
  }),
  manufacturerName: text('a manufacturerName', 128)
    .default('pressgate')
    .meta({ description: 'Manufacturer shown in the Alexa app.' }),
  description: text('a description', 128)
    .default('pressgate USB button remote')
    .meta({ description: 'Description shown in the Alexa app.' }),
  displayCategory: z
    .enum(['REMOTE', 'OTHER'], { error: 'expected a displayCategory: REMOTE or OTHER' })
    .default('REMOTE')
    .meta({ description: 'Device category (icon) in the Alexa app: REMOTE or OTHER.' }),
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
    .regex(EVENT_ID_PATTERN, 'expected an event id of 1 to 64 characters from A-Z a-z 0-9 . _ -')
    .meta({
      description:
        'The event id sent to Alexa for this gesture, like Button.SinglePush.1; routines are built on it.',
    }),
  names: names.optional().meta({
    description:
      'Names of this gesture in the Alexa app: an event asset like Alexa.Button.SinglePush, or text with a locale.',
  }),
});
export type GestureMapping = z.infer<typeof GestureMapping>;

export const GestureMappings = z.strictObject({
  single: GestureMapping.optional().meta({ description: 'What a single press sends.' }),
  double: GestureMapping.optional().meta({ description: 'What a double press sends.' }),
  long: GestureMapping.optional().meta({ description: 'What a long press (held for longPressMs) sends.' }),
});
export type GestureMappings = z.infer<typeof GestureMappings>;

export const ButtonConfig = z.strictObject({
  button: int('a button number', 1, 16).meta({
    description: "The button's number as the remote sends it (1 to 16).",
  }),
  instance: z
    .string({ error: UUID_V4_MESSAGE })
    .regex(UUID_V4_PATTERN, UUID_V4_MESSAGE)
    .meta({ description: 'A UUID v4 naming this button at Alexa; generate it once and never change it.' }),
  names: names.meta({
    description:
      'Names of this button in the Alexa app: a button asset like Alexa.Button.TopButton, or text with a locale.',
  }),
  gestures: GestureMappings.meta({ description: 'What each gesture of this button sends to Alexa.' }),
  timing: TimingOverride.optional().meta({
    description: "Timing for this button only; keys left out use the remote's.",
  }),
});
export type ButtonConfig = z.infer<typeof ButtonConfig>;

export const RemoteConfig = z.strictObject({
  id: z
    .string({ error: 'expected a remote id as text, like living-room' })
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a remote id of 1 to 64 characters from A-Z a-z 0-9 _ -')
    .meta({
      description: 'Short id of the remote in logs, /v1/status and the status page, like living-room.',
    }),
  serial: SerialConfig.meta({ description: 'Where the remote is plugged in.' }),
  endpoint: EndpointConfig.meta({ description: 'How the remote appears in the Alexa app.' }),
  timing: Timing.prefault({}).meta({
    description: 'How presses are told apart (single, double, long) on this remote.',
  }),
  buttons: z
    .array(ButtonConfig, { error: 'expected a list of buttons' })
    .min(1, 'expected at least one button')
    .max(16, 'expected at most 16 buttons')
    .meta({ description: 'The buttons of this remote and what their gestures send.' }),
});
export type RemoteConfig = z.infer<typeof RemoteConfig>;

/** At most this many endpoints (remotes) per Alexa account and request. */
export const MAX_ENDPOINTS = 300;

export const PressgateConfig = z
  .strictObject({
    relay: RelayConfig.prefault({}).meta({ description: 'Where the relay listens and keeps its data.' }),
    alexa: AlexaConfig.meta({ description: "The Alexa skill's credentials and the event gateway." }),
    directives: DirectivesConfig.meta({
      description: "How Alexa's directives reach the relay, and their signing secret.",
    }),
    remotes: z
      .array(RemoteConfig, { error: 'expected a list of remotes (it may be empty: [])' })
      .max(MAX_ENDPOINTS, `expected at most ${MAX_ENDPOINTS} remotes (Alexa's endpoint limit)`)
      .default(() => [])
      .meta({ description: 'The USB button remotes, each an Alexa device.' }),
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
