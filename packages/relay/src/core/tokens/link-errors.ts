import { isPressgateError, PressgateError } from '@pressgate/protocol';

/** The link is gone until the user relinks (disables and enables the skill). */
export function relinkError(reason: string): PressgateError {
  return new PressgateError(
    'ERR_LINK_RELINK_REQUIRED',
    `the Alexa link is broken (${reason}); disable and enable the skill in the Alexa app to relink`,
  );
}

/** An error's code for a log line, or UNKNOWN. */
export function codeOf(error: unknown): string {
  return isPressgateError(error) ? error.code : 'UNKNOWN';
}
