import { z } from 'zod';
import { PressgateError } from '../errors.js';

const DATE_TIME = String.raw`(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d`;
const ALEXA_TIMESTAMP_PATTERN = new RegExp(String.raw`^${DATE_TIME}(?:\.\d{1,3})?Z$`);
/** Any ISO 8601 date-time with a zone: `Z` or an offset, any number of fraction digits. */
const ISO_WITH_ZONE_PATTERN = new RegExp(
  String.raw`^${DATE_TIME}(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$`,
);

function isCalendarDate(value: string, pattern = ALEXA_TIMESTAMP_PATTERN): boolean {
  const match = pattern.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return Number(match[3]) <= daysInMonth;
}

/**
 * A timestamp as Alexa takes it (SimpleEventSource `payload.timestamp`,
 * `timeOfSample`): UTC ISO 8601 ending in `Z`, 0 to 3 fraction digits after
 * a `.`, e.g. `2026-11-22T16:20:50.52Z`.
 */
export const AlexaTimestamp = z
  .string()
  .refine(isCalendarDate, 'a UTC ISO 8601 time ending in Z with 0 to 3 fraction digits');
export type AlexaTimestamp = z.infer<typeof AlexaTimestamp>;

/** `date` as an Alexa timestamp: UTC, millisecond precision, ending in `Z`. */
export function toAlexaTimestamp(date: Date | number): string {
  const time = typeof date === 'number' ? date : date.getTime();
  const text = Number.isFinite(time) ? new Date(time).toISOString() : '';
  if (!ALEXA_TIMESTAMP_PATTERN.test(text)) {
    throw new PressgateError(
      'ERR_ALEXA_TIMESTAMP',
      `expected a valid date between the years 0000 and 9999, got ${Number.isFinite(time) ? `${time} ms since the epoch` : 'an invalid date'}: pass a real Date or epoch milliseconds`,
    );
  }
  return text;
}

/**
 * A time the caller gives as a Date, epoch milliseconds or an ISO 8601
 * string, as an Alexa timestamp. A string already in Alexa's form is kept
 * as is (its precision is the device's); another ISO 8601 time with a zone
 * (an offset, or more fraction digits) is converted to UTC.
 */
export function normalizeAlexaTimestamp(time: Date | number | string): string {
  if (typeof time !== 'string') return toAlexaTimestamp(time);
  if (isCalendarDate(time)) return time;
  if (isCalendarDate(time, ISO_WITH_ZONE_PATTERN)) {
    const parsed = Date.parse(time);
    if (Number.isFinite(parsed)) return toAlexaTimestamp(parsed);
  }
  throw new PressgateError(
    'ERR_ALEXA_TIMESTAMP',
    `expected an ISO 8601 time with a zone, like 2026-11-22T16:20:50.52Z, got ${JSON.stringify(time.slice(0, 40))}: send UTC ending in Z`,
  );
}
