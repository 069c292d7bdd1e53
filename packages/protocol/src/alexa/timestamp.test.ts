import { describe, expect, it } from 'vitest';
import { isPressgateError } from '../errors.js';
import { AlexaMessageId, newMessageId } from './envelope.js';
import { AlexaTimestamp, normalizeAlexaTimestamp, toAlexaTimestamp } from './timestamp.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('toAlexaTimestamp', () => {
  it('formats a Date and epoch milliseconds as UTC with ms precision ending in Z', () => {
    expect(toAlexaTimestamp(new Date('2026-11-22T17:20:50.52+01:00'))).toBe('2026-11-22T16:20:50.520Z');
    expect(toAlexaTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02T03:04:05.006Z');
  });

  it('throws ERR_ALEXA_TIMESTAMP for an invalid date or a year past 9999', () => {
    expect(() => toAlexaTimestamp(new Date('nonsense'))).toThrow(/invalid date/);
    expect(() => toAlexaTimestamp(Number.NaN)).toThrow();
    try {
      toAlexaTimestamp(Date.UTC(10000, 0, 1));
      expect.unreachable('a five-digit year has no Alexa form');
    } catch (error) {
      expect(isPressgateError(error, 'ERR_ALEXA_TIMESTAMP')).toBe(true);
    }
  });
});

describe('AlexaTimestamp', () => {
  it.each([
    '2026-11-22T16:20:50.52Z',
    '2026-11-22T16:20:50Z',
    '2026-11-22T16:20:50.5Z',
    '2026-11-22T16:20:50.520Z',
    '2028-02-29T00:00:00Z',
    '2000-02-29T23:59:59.999Z',
  ])('accepts %s', (value) => {
    expect(AlexaTimestamp.safeParse(value).success).toBe(true);
  });

  it.each([
    ['the colon typo on Amazon page', '2026-11-22T16:20:50:52Z'],
    ['an offset', '2026-11-22T16:20:50.52+00:00'],
    ['no zone', '2026-11-22T16:20:50.52'],
    ['four fraction digits', '2026-11-22T16:20:50.5200Z'],
    ['a dot without digits', '2026-11-22T16:20:50.Z'],
    ['a lowercase z', '2026-11-22T16:20:50z'],
    ['hour 24', '2026-11-22T24:00:00Z'],
    ['February 30', '2026-02-30T00:00:00Z'],
    ['February 29 in a common year', '2026-02-29T00:00:00Z'],
    ['February 29 in 1900', '1900-02-29T00:00:00Z'],
    ['April 31', '2026-04-31T00:00:00Z'],
    ['a date only', '2026-11-22'],
  ])('rejects %s', (_label, value) => {
    expect(AlexaTimestamp.safeParse(value).success).toBe(false);
  });
});

describe('normalizeAlexaTimestamp', () => {
  it('keeps a string already in Alexa form unchanged, keeping its precision', () => {
    expect(normalizeAlexaTimestamp('2026-11-22T16:20:50.52Z')).toBe('2026-11-22T16:20:50.52Z');
    expect(normalizeAlexaTimestamp('2026-11-22T16:20:50Z')).toBe('2026-11-22T16:20:50Z');
  });

  it('converts an offset or microsecond ISO time to UTC milliseconds', () => {
    expect(normalizeAlexaTimestamp('2026-11-22T17:20:50.52+01:00')).toBe('2026-11-22T16:20:50.520Z');
    expect(normalizeAlexaTimestamp('2026-11-22T16:20:50.123456Z')).toBe('2026-11-22T16:20:50.123Z');
  });

  it('takes Date and epoch milliseconds', () => {
    expect(normalizeAlexaTimestamp(Date.UTC(2026, 10, 22, 16, 20, 50, 520))).toBe('2026-11-22T16:20:50.520Z');
    expect(normalizeAlexaTimestamp(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });

  it.each(['yesterday', 'Nov 22 2026 16:20', '2026-11-22T16:20:50', '2026-02-30T00:00:00+01:00'])(
    'rejects %j with ERR_ALEXA_TIMESTAMP',
    (value) => {
      expect(() => normalizeAlexaTimestamp(value)).toThrow(
        expect.objectContaining({ code: 'ERR_ALEXA_TIMESTAMP' }),
      );
    },
  );
});

describe('message ids', () => {
  it('newMessageId mints distinct UUID v4 values that pass AlexaMessageId', () => {
    const first = newMessageId();
    const second = newMessageId();
    expect(first).toMatch(UUID_V4);
    expect(second).toMatch(UUID_V4);
    expect(first).not.toBe(second);
    expect(AlexaMessageId.safeParse(first).success).toBe(true);
  });

  it('AlexaMessageId takes 1 to 127 letters, digits and dashes only', () => {
    expect(AlexaMessageId.safeParse('a').success).toBe(true);
    expect(AlexaMessageId.safeParse('A-'.repeat(63).concat('b')).success).toBe(true);
    expect(AlexaMessageId.safeParse('a'.repeat(128)).success).toBe(false);
    expect(AlexaMessageId.safeParse('').success).toBe(false);
    expect(AlexaMessageId.safeParse('abc_def').success).toBe(false);
    expect(AlexaMessageId.safeParse('abc def').success).toBe(false);
  });
});
