import { createHmac, timingSafeEqual } from 'node:crypto';
import { PressgateError } from './errors.js';

/**
 * Signatures on `POST /alexa/directive` (see docs/architecture.md, "Contracts").
 *
 * The skill's Lambda forwarder signs the exact bytes it sends:
 *   X-Pressgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * The relay recomputes the HMAC over the raw body it received, accepts a
 * timestamp at most SIGNATURE_TOLERANCE_S away from its own clock (either
 * direction) and refuses a signature it has already accepted (ReplayGuard).
 * Several `v1=` entries may be sent while a secret is rotated: one match is
 * enough. Unknown keys (a future `v2=`) are ignored.
 */

/** The header name, lower case as Node and Fastify present incoming headers. */
export const SIGNATURE_HEADER = 'x-pressgate-signature';

/** How far (seconds, either direction) a signature's timestamp may be from the verifier's clock. */
export const SIGNATURE_TOLERANCE_S = 300;

/** Longest header accepted; a real one with a few v1 entries is well under 1 KiB. */
const MAX_HEADER_LENGTH = 2048;
/** At most this many v1 entries are compared (rotation needs two). */
const MAX_SIGNATURES = 8;
/** A hex SHA-256 HMAC. */
const V1_PATTERN = /^[0-9a-fA-F]{64}$/;
const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;

export type SignatureFailureCode =
  | 'ERR_SIGNATURE_MISSING'
  | 'ERR_SIGNATURE_MALFORMED'
  | 'ERR_SIGNATURE_STALE'
  | 'ERR_SIGNATURE_MISMATCH';

export type SignatureVerification =
  | { ok: true; timestamp: number; signature: string }
  | { ok: false; code: SignatureFailureCode; message: string };

const HEADER_SHAPE = `'t=<unix seconds>,v1=<64 hex digits of HMAC-SHA256(secret, "<t>.<raw body>")>'`;

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new PressgateError(
      'ERR_SIGNATURE_SECRET_EMPTY',
      'the directive secret is empty: set directives.secret (PRESSGATE_DIRECTIVE_SECRET) to a long random string',
    );
  }
}

function computeSignature(secret: string, rawBody: string | Uint8Array, unixSeconds: number): Buffer {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${unixSeconds}.`, 'utf8');
  if (typeof rawBody === 'string') {
    hmac.update(rawBody, 'utf8');
  } else {
    hmac.update(rawBody);
  }
  return hmac.digest();
}

/** The header value for `rawBody` sent at `unixSeconds` (whole seconds since the epoch). */
export function signDirective(secret: string, rawBody: string | Uint8Array, unixSeconds: number): string {
  assertSecret(secret);
  if (!Number.isSafeInteger(unixSeconds) || unixSeconds < 0) {
    throw new PressgateError(
      'ERR_SIGNATURE_TIMESTAMP',
      `expected whole unix seconds (a non-negative integer), got ${String(unixSeconds)}: pass Math.floor(Date.now() / 1000)`,
    );
  }
  return `t=${unixSeconds},v1=${computeSignature(secret, rawBody, unixSeconds).toString('hex')}`;
}

type ParsedHeader = { ok: true; timestamp: number; signatures: string[] } | { ok: false; message: string };

function malformed(detail: string): ParsedHeader {
  return { ok: false, message: `malformed ${SIGNATURE_HEADER} header: ${detail}; expected ${HEADER_SHAPE}` };
}

function parseHeader(header: string): ParsedHeader {
  if (header.length > MAX_HEADER_LENGTH) {
    return malformed(`${header.length} characters, more than ${MAX_HEADER_LENGTH}`);
  }
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const rawPart of header.split(',')) {
    const part = rawPart.trim();
    const equals = part.indexOf('=');
    if (equals <= 0) {
      return malformed(`a part without "key=value" (${part.length === 0 ? 'empty' : 'no key'})`);
    }
    const key = part.slice(0, equals);
    const value = part.slice(equals + 1);
    if (key === 't') {
      if (timestamp !== undefined) {
        return malformed('more than one t=');
      }
      if (!TIMESTAMP_PATTERN.test(value)) {
        // The timestamp is not secret; show a bounded prefix so the sender can see what it did.
        return malformed(`t is ${JSON.stringify(value.slice(0, 20))}, not whole unix seconds`);
      }
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!V1_PATTERN.test(value)) {
        // Never echo a signature, not even a wrong one: say only its shape.
        return malformed(`a v1 of ${value.length} characters that is not 64 hex digits`);
      }
      if (signatures.length >= MAX_SIGNATURES) {
        return malformed(`more than ${MAX_SIGNATURES} v1 entries`);
      }
      signatures.push(value.toLowerCase());
    }
  }
  if (timestamp === undefined) {
    return malformed('no t=');
  }
  if (signatures.length === 0) {
    return malformed('no v1=');
  }
  return { ok: true, timestamp, signatures };
}

/**
 * Check a directive's signature header against the raw body as received.
 * Expected bad input is a returned value; the message never contains the
 * secret or the expected signature. On success `signature` is the matching
 * v1 (lower-case hex): feed it to a ReplayGuard.
 */
export function verifyDirectiveSignature(
  header: string | undefined,
  rawBody: string | Uint8Array,
  secret: string,
  nowUnixSeconds: number,
): SignatureVerification {
  assertSecret(secret);
  if (header === undefined || header.trim().length === 0) {
    return {
      ok: false,
      code: 'ERR_SIGNATURE_MISSING',
      message: `no ${SIGNATURE_HEADER} header: expected ${HEADER_SHAPE}; sign with the skill forwarder and the shared directives.secret`,
    };
  }
  const parsed = parseHeader(header);
  if (!parsed.ok) {
    return { ok: false, code: 'ERR_SIGNATURE_MALFORMED', message: parsed.message };
  }
  const skewS = nowUnixSeconds - parsed.timestamp;
  if (Math.abs(skewS) > SIGNATURE_TOLERANCE_S) {
    const direction = skewS > 0 ? 'old' : 'in the future';
    return {
      ok: false,
      code: 'ERR_SIGNATURE_STALE',
      message:
        `signature timestamp ${parsed.timestamp} is ${Math.abs(skewS)} s ${direction}, more than ` +
        `${SIGNATURE_TOLERANCE_S} s from this clock (${Math.floor(nowUnixSeconds)}): sync the clocks ` +
        '(NTP) of the relay host and the sender, and sign each request when it is sent',
    };
  }
  const expected = computeSignature(secret, rawBody, parsed.timestamp);
  for (const candidate of parsed.signatures) {
    const given = Buffer.from(candidate, 'hex');
    // Length first: timingSafeEqual throws on different lengths.
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return { ok: true, timestamp: parsed.timestamp, signature: candidate };
    }
  }
  return {
    ok: false,
    code: 'ERR_SIGNATURE_MISMATCH',
    message:
      `no v1 signature (of ${parsed.signatures.length}) matches the body: check that the forwarder's ` +
      "PRESSGATE_DIRECTIVE_SECRET equals the relay's directives.secret and that nothing between them rewrites the body",
  };
}

export type ReplayGuardOptions = {
  /** How long (seconds) after its timestamp a signature is remembered; use SIGNATURE_TOLERANCE_S. */
  windowS: number;
  /** Memory bound: beyond this many live signatures the oldest remembered are forgotten first. */
  maxEntries: number;
};

/**
 * Remembers accepted signatures while their timestamp could still pass the
 * tolerance check, so a captured request cannot be sent again. Entries leave
 * when `timestamp + windowS` is in the past; the map never holds more than
 * `maxEntries` (past that, the earliest remembered go first: a flood of
 * valid signed requests, which only a secret holder can produce, shortens
 * memory instead of growing it).
 */
export class ReplayGuard {
  readonly #windowS: number;
  readonly #maxEntries: number;
  /** signature -> unix second after which it is stale anyway. Insertion ordered. */
  readonly #expiries = new Map<string, number>();
  #lastSweepS = Number.NEGATIVE_INFINITY;

  constructor(options: ReplayGuardOptions) {
    if (!(Number.isFinite(options.windowS) && options.windowS > 0)) {
      throw new PressgateError(
        'ERR_SIGNATURE_OPTIONS',
        `ReplayGuard windowS must be a positive number of seconds, got ${String(options.windowS)}`,
      );
    }
    if (!(Number.isSafeInteger(options.maxEntries) && options.maxEntries > 0)) {
      throw new PressgateError(
        'ERR_SIGNATURE_OPTIONS',
        `ReplayGuard maxEntries must be a positive integer, got ${String(options.maxEntries)}`,
      );
    }
    this.#windowS = options.windowS;
    this.#maxEntries = options.maxEntries;
  }

  /** How many signatures are remembered right now (for tests and metrics). */
  get size(): number {
    return this.#expiries.size;
  }

  /**
   * True when `signature` was already seen and is still inside its window
   * (a replay: refuse the request). Otherwise remembers it and returns false.
   */
  seen(signature: string, timestamp: number, nowUnixSeconds: number): boolean {
    this.#evictExpired(nowUnixSeconds);
    const key = signature.toLowerCase();
    const knownExpiry = this.#expiries.get(key);
    if (knownExpiry !== undefined && knownExpiry >= nowUnixSeconds) {
      return true;
    }
    const expiry = timestamp + this.#windowS;
    if (expiry < nowUnixSeconds) {
      // Already outside the window: the timestamp check refuses it; nothing to remember.
      return false;
    }
    this.#expiries.delete(key);
    while (this.#expiries.size >= this.#maxEntries) {
      const oldest = this.#expiries.keys().next();
      if (oldest.done === true) {
        break;
      }
      this.#expiries.delete(oldest.value);
    }
    this.#expiries.set(key, expiry);
    return false;
  }

  #evictExpired(nowUnixSeconds: number): void {
    // One full sweep per second of clock at most, and whenever the map is full.
    if (nowUnixSeconds - this.#lastSweepS < 1 && this.#expiries.size < this.#maxEntries) {
      return;
    }
    this.#lastSweepS = nowUnixSeconds;
    for (const [key, expiry] of this.#expiries) {
      if (expiry < nowUnixSeconds) {
        this.#expiries.delete(key);
      }
    }
  }
}
