import { describe, expect, it } from 'vitest';
import { isPressgateError, PressgateError } from './errors.js';

describe('PressgateError', () => {
  it('carries a stable code and the wrapped cause', () => {
    const cause = new Error('EACCES');
    const error = new PressgateError('ERR_SERIAL_PERMISSION', 'permission denied', { cause });
    expect(error.code).toBe('ERR_SERIAL_PERMISSION');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
    expect(isPressgateError(error, 'ERR_SERIAL_PERMISSION')).toBe(true);
    expect(isPressgateError(error, 'ERR_OTHER')).toBe(false);
    expect(isPressgateError(cause)).toBe(false);
  });
});
