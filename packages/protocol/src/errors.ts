import { WIRE_ENCODE_ERROR_CODE, WIRE_ERROR_CODES } from './wire/wire-error.js';

/**
 * Every error code pressgate uses, one table per area. A code has the form `ERR_<AREA>_<WHAT>`
 * and is stable: callers branch on it, logs and HTTP bodies carry it. PressgateError takes only
 * a code from these tables, so a misspelt code is a compile error. A new code is added here,
 * in its area's table, before any part can throw it.
 *
 * The emulator (its own EmulatorError, independent of the code it stands in for) and the skill
 * forwarder (failure values, not exceptions) carry their codes in the same form; they are listed
 * so that every `ERR_` code in the repository has one home.
 */
export const PRESSGATE_ERROR_CODES = {
  /** Alexa message builders: values Amazon would reject. */
  ALEXA: ['ERR_ALEXA_SCOPE_TOKEN', 'ERR_ALEXA_TIMESTAMP'],
  /** The gesture decoder's options. */
  DECODER: ['ERR_DECODER_TIMING'],
  /** `pressgate demo`. */
  DEMO: [
    'ERR_DEMO_BROKER',
    'ERR_DEMO_LINK',
    'ERR_DEMO_MOSQUITTO_MISSING',
    'ERR_DEMO_REMOTE',
    'ERR_DEMO_TIMEOUT',
  ],
  /** The local LWA and gateway stand-in, about misuse of its own API. */
  EMULATOR: [
    'ERR_EMULATOR_BAD_CONTROL_REQUEST',
    'ERR_EMULATOR_BAD_FAULT',
    'ERR_EMULATOR_BAD_OPTIONS',
    'ERR_EMULATOR_BODY_TOO_LARGE',
    'ERR_EMULATOR_REQUEST_FAILED',
  ],
  /** The reference firmware running in simavr, driven from the host. */
  FIRMWARE_SIM: [
    'ERR_FIRMWARE_SIM_COMMAND',
    'ERR_FIRMWARE_SIM_EXITED',
    'ERR_FIRMWARE_SIM_MISSING',
    'ERR_FIRMWARE_SIM_START',
    'ERR_FIRMWARE_SIM_STATE',
  ],
  /** The skill's Lambda forwarder. */
  FORWARDER: [
    'ERR_FORWARDER_BAD_EVENT',
    'ERR_FORWARDER_CONFIG',
    'ERR_FORWARDER_NO_RELAY',
    'ERR_FORWARDER_RELAY_BODY',
    'ERR_FORWARDER_RELAY_STATUS',
    'ERR_FORWARDER_TIMEOUT',
    'ERR_FORWARDER_UNREACHABLE',
  ],
  /** The Alexa event gateway did not answer (its own answers carry Amazon's codes). */
  GATEWAY: ['ERR_GATEWAY_BODY_TOO_LARGE', 'ERR_GATEWAY_NETWORK', 'ERR_GATEWAY_TIMEOUT'],
  /** The relay's HTTP face. */
  HTTP: [
    'ERR_HTTP_BAD_JSON',
    'ERR_HTTP_BAD_REQUEST',
    'ERR_HTTP_BODY_TOO_LARGE',
    'ERR_HTTP_CROSS_SITE',
    'ERR_HTTP_FOREIGN_HOST',
    'ERR_HTTP_INTERNAL',
    'ERR_HTTP_INVALID_BODY',
    'ERR_HTTP_NOT_FOUND',
    'ERR_HTTP_NOT_LOOPBACK',
    'ERR_HTTP_TOO_MANY_STREAMS',
    'ERR_HTTP_UNAUTHORIZED',
    'ERR_HTTP_UNSUPPORTED_MEDIA_TYPE',
  ],
  /** A gesture handed to the relay (in process or `POST /v1/gestures`). */
  INGEST: [
    'ERR_INGEST_BAD_TIME',
    'ERR_INGEST_FAILED',
    'ERR_INGEST_FUTURE_TIME',
    'ERR_INGEST_UNKNOWN_REMOTE',
    'ERR_INGEST_UNMAPPED',
  ],
  /** The account link between the relay and Alexa. */
  LINK: ['ERR_LINK_RELINK_REQUIRED', 'ERR_LINK_UNLINKED', 'ERR_LINK_WRONG_REGION'],
  /** A listener's options. */
  LISTENER: ['ERR_LISTENER_BUTTON_RANGE', 'ERR_LISTENER_CONFIG'],
  /** Login with Amazon. `ERR_LWA_UNKNOWN` names a failure that carried no code of its own. */
  LWA: [
    'ERR_LWA_BAD_RESPONSE',
    'ERR_LWA_BODY_TOO_LARGE',
    'ERR_LWA_INVALID_CLIENT',
    'ERR_LWA_INVALID_GRANT',
    'ERR_LWA_UNAVAILABLE',
    'ERR_LWA_UNKNOWN',
  ],
  /** The durable outbox. */
  /** Directives over an outbound MQTT connection. */
  MQTT: ['ERR_MQTT_BUSY', 'ERR_MQTT_CREDENTIALS_READ', 'ERR_MQTT_NO_RESPONSE_TOPIC'],
  OUTBOX: ['ERR_OUTBOX_EXPIRED', 'ERR_OUTBOX_RATE_LIMITED'],
  /** The pseudo-terminal pair (socat). */
  PTY: ['ERR_PTY_SOCAT_FAILED', 'ERR_PTY_SOCAT_MISSING', 'ERR_PTY_TIMEOUT'],
  /** The relay's lifecycle. */
  RELAY: ['ERR_RELAY_NOT_STARTED', 'ERR_RELAY_STOPPED'],
  /** The serial link to a remote. */
  SERIAL: [
    'ERR_SERIAL_AMBIGUOUS',
    'ERR_SERIAL_BUSY',
    'ERR_SERIAL_DISCONNECTED',
    'ERR_SERIAL_GARBAGE',
    'ERR_SERIAL_NOT_FOUND',
    'ERR_SERIAL_NO_HELLO',
    'ERR_SERIAL_OPEN_FAILED',
    'ERR_SERIAL_PERMISSION',
    'ERR_SERIAL_SILENT',
  ],
  /** Signed directives (`X-Pressgate-Signature`). */
  SIGNATURE: [
    'ERR_SIGNATURE_MALFORMED',
    'ERR_SIGNATURE_MISMATCH',
    'ERR_SIGNATURE_MISSING',
    'ERR_SIGNATURE_OPTIONS',
    'ERR_SIGNATURE_REPLAY',
    'ERR_SIGNATURE_SECRET_EMPTY',
    'ERR_SIGNATURE_STALE',
    'ERR_SIGNATURE_TIMESTAMP',
  ],
  /** The virtual remote (`pressgate simulate`). */
  SIM: ['ERR_SIM_BUTTON', 'ERR_SIM_CLOSED', 'ERR_SIM_OPEN'],
  /** Files in the relay's data folder (tokens, outbox, ledgers). */
  STORE: [
    'ERR_STORE_CORRUPT',
    'ERR_STORE_DATA_DIR',
    'ERR_STORE_READ',
    'ERR_STORE_UNSAFE_FILE',
    'ERR_STORE_WRITE',
  ],
  /** Protocol v1 lines: the parse codes, and the one `encodeLine` throws. */
  WIRE: [...WIRE_ERROR_CODES, WIRE_ENCODE_ERROR_CODE],
} as const;

/** The areas of the code tables, e.g. `SERIAL`. */
export type PressgateErrorArea = keyof typeof PRESSGATE_ERROR_CODES;

/** Every code of one area, e.g. `PressgateErrorCodeOf<'LWA'>`. */
export type PressgateErrorCodeOf<Area extends PressgateErrorArea> =
  (typeof PRESSGATE_ERROR_CODES)[Area][number];

/** Every code of every area. */
export type PressgateErrorCode = PressgateErrorCodeOf<PressgateErrorArea>;

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(PRESSGATE_ERROR_CODES).flat());

/** True when `code` is one of the tables' codes (for codes read back from files or the network). */
export function isPressgateErrorCode(code: string): code is PressgateErrorCode {
  return KNOWN_CODES.has(code);
}

/**
 * The one error base class of pressgate. Every error a caller may branch on
 * carries a stable `code` of the form `ERR_<AREA>_<WHAT>`; callers branch on
 * `code`, never on message text. A wrapped error travels as `cause`.
 */
export class PressgateError extends Error {
  readonly code: PressgateErrorCode;

  constructor(code: PressgateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PressgateError';
    this.code = code;
  }
}

/** True when `error` is a PressgateError, optionally with the given code. */
export function isPressgateError(error: unknown, code?: PressgateErrorCode): error is PressgateError {
  return error instanceof PressgateError && (code === undefined || error.code === code);
}
