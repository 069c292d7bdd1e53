import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-errors.js';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x (::ffff:127.0.0.1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  // The usual loopback forms, before the general check.
  if (address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1') return true;
  const lower = address.toLowerCase();
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const v4 = lower.startsWith('::ffff:') ? lower.slice('::ffff:'.length) : lower;
  const octets = v4.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((octet) => /^[0-9]{1,3}$/.test(octet) && Number(octet) <= 255)
  );
}

/** Equal strings, compared in constant time (both sides hashed first, so lengths leak nothing). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** True when `apiToken` is set and `authorization` is `Bearer <apiToken>`. */
export function hasApiToken(authorization: string | undefined, apiToken: string | undefined): boolean {
  if (apiToken === undefined) return false;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] !== undefined && sameSecret(match[1], apiToken);
}

export type GestureAuthInput = {
  remoteAddress: string | undefined;
  authorization: string | undefined;
  /** relay.apiToken; when set every caller needs it, loopback included. */
  apiToken: string | undefined;
};

/**
 * Who may post gestures: without an API token only this host (loopback);
 * with one, anyone who sends `Authorization: Bearer <apiToken>`.
 * Throws HttpError (401/403); the messages never echo what was sent.
 */
export function checkGestureAuth(input: GestureAuthInput): void {
  if (input.apiToken === undefined) {
    if (isLoopbackAddress(input.remoteAddress)) return;
    throw new HttpError(
      'ERR_HTTP_NOT_LOOPBACK',
      `POST /v1/gestures is open to this host (loopback) only, and the request came from ${input.remoteAddress ?? 'an unknown address'}: set relay.apiToken to accept listeners on other hosts, and send it as "Authorization: Bearer <token>"`,
    );
  }
  const header = input.authorization ?? '';
  if (!hasApiToken(header, input.apiToken)) {
    throw new HttpError(
      'ERR_HTTP_UNAUTHORIZED',
      `${header === '' ? 'no Authorization header' : 'the Authorization header does not carry the API token'}: send "Authorization: Bearer <token>" with the token set as relay.apiToken`,
    );
  }
}
