import { isPressgateError, PressgateError } from '@pressgate/protocol';
import { WRONG_REGION_ADVICE } from './token-file.js';

/** The link is gone until the user relinks (disables and enables the skill). */
export function relinkError(reason: string): PressgateError {
  return new PressgateError(
    'ERR_LINK_RELINK_REQUIRED',
    `the Alexa link is broken (${reason}); disable and enable the skill in the Alexa app to relink`,
  );
}

/** Sending stopped: the configured gateway region does not know this account. */
export function wrongRegionError(reason: string): PressgateError {
  return new PressgateError('ERR_LINK_WRONG_REGION', `wrong region (${reason}): ${WRONG_REGION_ADVICE}`);
}

/** An error's code for a log line, or UNKNOWN. */
export function codeOf(error: unknown): string {
  return isPressgateError(error) ? error.code : 'UNKNOWN';
}
