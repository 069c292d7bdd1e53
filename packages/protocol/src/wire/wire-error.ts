import type { WireMessage } from './message.js';

/**
 * Stable codes for lines that are not valid protocol v1. Each is documented,
 * with what the host does about it, in firmware-protocol/PROTOCOL.md.
 * Callers branch on the code, never on the message text.
 */
export const WIRE_ERROR_CODES = [
  'ERR_WIRE_EMPTY',
  'ERR_WIRE_TOO_LONG',
  'ERR_WIRE_NON_ASCII',
  'ERR_WIRE_CONTROL_CHAR',
  'ERR_WIRE_CHECKSUM_FORMAT',
  'ERR_WIRE_CHECKSUM',
  'ERR_WIRE_SPACING',
  'ERR_WIRE_UNKNOWN_TYPE',
  'ERR_WIRE_FIELD_COUNT',
  'ERR_WIRE_BAD_FIELD',
] as const;
export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

/** Code of the PressgateError `encodeLine` throws for a message it cannot encode. */
export const WIRE_ENCODE_ERROR_CODE = 'ERR_WIRE_ENCODE';

/** Why a line was rejected: a stable code and a message for people. */
export type WireError = { code: WireErrorCode; message: string };

/**
 * Result of parsing one line. `checksum` is true when the line carried a
 * `*HH` suffix (which then matched).
 */
export type ParseResult =
  | { ok: true; message: WireMessage; checksum: boolean }
  | { ok: false; error: WireError };

/** A host-to-device line: `?` asks the device for its HELLO. */
export type QueryMessage = { type: 'query' };
