import { describe, expect, it } from 'vitest';
import {
  isPressgateError,
  isPressgateErrorCode,
  PRESSGATE_ERROR_CODES,
  PressgateError,
  type PressgateErrorCode,
} from './errors.js';

describe('PressgateError', () => {
  it('carries a stable code and the wrapped cause', () => {
    const cause = new Error('EACCES');
    const error = new PressgateError('ERR_SERIAL_PERMISSION', 'permission denied', { cause });
    expect(error.code).toBe('ERR_SERIAL_PERMISSION');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
    expect(isPressgateError(error, 'ERR_SERIAL_PERMISSION')).toBe(true);
    expect(isPressgateError(error, 'ERR_SERIAL_BUSY')).toBe(false);
    expect(isPressgateError(cause)).toBe(false);
  });

  it('refuses, at compile time, a code that is in no table', () => {
    // The type check (`pnpm typecheck`) fails if either line below compiles without an error.
    // @ts-expect-error a misspelt code is not a PressgateErrorCode
    const misspelt = new PressgateError('ERR_SERIAL_PERMISION', 'typo');
    // @ts-expect-error nor is a code of an area that does not exist
    expect(isPressgateError(misspelt, 'ERR_NOWHERE_AT_ALL')).toBe(false);
    const known: PressgateErrorCode = 'ERR_LWA_INVALID_GRANT';
    expect(isPressgateErrorCode(known)).toBe(true);
    expect(isPressgateErrorCode('ERR_SERIAL_PERMISION')).toBe(false);
  });
});

describe('PRESSGATE_ERROR_CODES', () => {
  it('files every code under its own area, once', () => {
    const all: string[] = [];
    for (const [area, codes] of Object.entries(PRESSGATE_ERROR_CODES)) {
      for (const code of codes) {
        expect(code).toMatch(new RegExp(`^ERR_${area}_[A-Z0-9_]+$`));
        all.push(code);
      }
    }
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain('ERR_WIRE_ENCODE');
    expect(all).toContain('ERR_WIRE_CHECKSUM');
  });
});
