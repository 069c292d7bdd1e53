import { MAX_BUTTON, MIN_BUTTON, MS_MODULO, SEQ_MODULO } from './message.js';

/** Device ids: 1..32 of letters, digits, `.`, `_`, `-`. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;
/** Firmware versions: 1..32 of letters, digits, `.`, `_`, `-`, `+` (fits semver). */
export const FIRMWARE_PATTERN = /^[A-Za-z0-9._+-]{1,32}$/;

/** Inclusive range of an unsigned decimal field. */
export type FieldRange = { min: number; max: number };

export const PROTO_RANGE: FieldRange = { min: 1, max: 65535 };
export const SEQ_RANGE: FieldRange = { min: 0, max: SEQ_MODULO - 1 };
export const MS_RANGE: FieldRange = { min: 0, max: MS_MODULO - 1 };
export const BUTTON_RANGE: FieldRange = { min: MIN_BUTTON, max: MAX_BUTTON };
/** A HELLO announces how many buttons the remote has. */
export const BUTTON_COUNT_RANGE: FieldRange = { min: MIN_BUTTON, max: MAX_BUTTON };

// Canonical unsigned decimal: `0`, or a non-zero digit then digits. No sign,
// no leading zeros, at most 10 digits (enough for 2^32 - 1).
const UNSIGNED_DECIMAL = /^(?:0|[1-9][0-9]{0,9})$/;

/** The value of a canonical unsigned decimal token inside `range`, or undefined. */
export function parseUnsigned(token: string, range: FieldRange): number | undefined {
  if (!UNSIGNED_DECIMAL.test(token)) return undefined;
  const value = Number(token);
  return value >= range.min && value <= range.max ? value : undefined;
}

/** True when `value` is an integer inside `range`. */
export function isInRange(value: unknown, range: FieldRange): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** Human text for a range, for error messages: `an integer 0..65535`. */
export function describeRange(range: FieldRange): string {
  return `an integer ${range.min}..${range.max} in plain decimal (no sign, no leading zeros)`;
}
