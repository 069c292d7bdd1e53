import { PressgateError } from '@pressgate/protocol';

/** Every code the serial link and the listener report. */
export const SERIAL_ERROR_CODES = [
  'ERR_SERIAL_NOT_FOUND',
  'ERR_SERIAL_AMBIGUOUS',
  'ERR_SERIAL_PERMISSION',
  'ERR_SERIAL_BUSY',
  'ERR_SERIAL_OPEN_FAILED',
  'ERR_SERIAL_GARBAGE',
  'ERR_SERIAL_NO_HELLO',
  'ERR_SERIAL_DISCONNECTED',
  'ERR_SERIAL_SILENT',
] as const;
export type SerialErrorCode = (typeof SERIAL_ERROR_CODES)[number];

export function serialError(code: SerialErrorCode, message: string, cause?: unknown): PressgateError {
  return new PressgateError(code, message, cause === undefined ? undefined : { cause });
}

/**
 * Turn a failure to open a serial port into an actionable error. The native
 * binding gives messages, not errno codes ("No such file or directory, cannot
 * open ...", "Cannot lock port"), so this is the one place that reads them.
 */
export function classifyOpenError(path: string, error: unknown): PressgateError {
  const text = error instanceof Error ? error.message : String(error);
  const errno = (error as { code?: unknown } | null)?.code;
  if (errno === 'ENOENT' || /no such file|ENOENT/i.test(text)) {
    return serialError(
      'ERR_SERIAL_NOT_FOUND',
      `serial port ${path} does not exist: is the remote plugged in? \`pressgate ports\` lists the ports this machine sees`,
      error,
    );
  }
  if (errno === 'EACCES' || /permission denied|EACCES/i.test(text)) {
    return serialError(
      'ERR_SERIAL_PERMISSION',
      `permission denied on ${path}: add the service user to the dialout group (sudo usermod -aG dialout <user>, then log in again)`,
      error,
    );
  }
  if (errno === 'EBUSY' || /cannot lock port|resource busy|temporarily unavailable|EBUSY/i.test(text)) {
    return serialError(
      'ERR_SERIAL_BUSY',
      `serial port ${path} is busy: another program has it open (a serial terminal, ModemManager, another pressgate); close it and pressgate retries`,
      error,
    );
  }
  return serialError('ERR_SERIAL_OPEN_FAILED', `could not open serial port ${path}: ${text}`, error);
}
