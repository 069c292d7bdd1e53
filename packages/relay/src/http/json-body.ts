import { HttpError } from './http-errors.js';

/**
 * The JSON value of a raw request body. Malformed JSON is an expected
 * refusal (400); the message names the position, never the content.
 */
export function parseJsonBody(rawBody: string): unknown {
  if (rawBody.trim() === '') {
    throw new HttpError('ERR_HTTP_BAD_JSON', 'the body is empty: expected a JSON object');
  }
  try {
    return JSON.parse(rawBody) as unknown;
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new HttpError(
      'ERR_HTTP_BAD_JSON',
      `the body is not valid JSON${position === undefined ? '' : ` (error at character ${position})`}: send one JSON object with Content-Type application/json`,
    );
  }
}
