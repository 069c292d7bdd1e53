import { describe, expect, it } from 'vitest';
import { classifyOpenError } from './serial-errors.js';

// Messages as @serialport/bindings-cpp 13 words them (it sets no errno code).
const rows = [
  {
    text: 'Error: No such file or directory, cannot open /dev/ttyACM0',
    code: 'ERR_SERIAL_NOT_FOUND',
    says: 'plugged in',
  },
  {
    text: 'Error: Permission denied, cannot open /dev/ttyACM0',
    code: 'ERR_SERIAL_PERMISSION',
    says: 'dialout',
  },
  {
    text: 'Error Resource temporarily unavailable Cannot lock port',
    code: 'ERR_SERIAL_BUSY',
    says: 'another program',
  },
  {
    text: 'Error: Input/output error, cannot open /dev/ttyACM0',
    code: 'ERR_SERIAL_OPEN_FAILED',
    says: 'Input/output',
  },
];

describe('classifyOpenError', () => {
  it.each(rows)('$code from "$text"', ({ text, code, says }) => {
    const cause = new Error(text);
    const error = classifyOpenError('/dev/ttyACM0', cause);
    expect(error.code).toBe(code);
    expect(error.message).toContain('/dev/ttyACM0');
    expect(error.message).toContain(says);
    expect(error.cause).toBe(cause);
  });

  it('uses an errno code when there is one', () => {
    const cause = Object.assign(new Error('open failed'), { code: 'EACCES' });
    expect(classifyOpenError('/dev/ttyUSB0', cause).code).toBe('ERR_SERIAL_PERMISSION');
  });
});
