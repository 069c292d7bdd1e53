import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPressgateError } from './errors.js';
import {
  ReplayGuard,
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_S,
  signDirective,
  verifyDirectiveSignature,
} from './signature.js';

const SECRET = 'correct-horse-battery-staple-0123456789';
const BODY = '{"directive":{"header":{"namespace":"Alexa.Discovery","name":"Discover"}}}';
const T = 1_763_900_000;

/** The HMAC computed independently of the module, straight from the definition in docs/architecture.md. */
function referenceHex(secret: string, body: string, t: number): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

function expectFailure(
  result: ReturnType<typeof verifyDirectiveSignature>,
  code: string,
): Extract<typeof result, { ok: false }> {
  if (result.ok) {
    throw new Error(`expected ${code}, got ok (timestamp ${result.timestamp})`);
  }
  expect(result.code).toBe(code);
  expect(result.message).not.toContain(SECRET);
  expect(result.message).not.toContain(referenceHex(SECRET, BODY, T));
  return result;
}

describe('signDirective', () => {
  it('produces t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>', () => {
    expect(SIGNATURE_HEADER).toBe('x-pressgate-signature');
    expect(SIGNATURE_TOLERANCE_S).toBe(300);
    expect(signDirective(SECRET, BODY, T)).toBe(`t=${T},v1=${referenceHex(SECRET, BODY, T)}`);
  });

  it('signs bytes and the equal string alike', () => {
    const body = '{"text":"Küche ☕"}';
    expect(signDirective(SECRET, new TextEncoder().encode(body), T)).toBe(signDirective(SECRET, body, T));
  });

  it('refuses an empty secret and a fractional or negative timestamp', () => {
    expect(() => signDirective('', BODY, T)).toThrow(/directives\.secret/);
    for (const t of [T + 0.5, -1, Number.NaN]) {
      let thrown: unknown;
      try {
        signDirective(SECRET, BODY, t);
      } catch (error) {
        thrown = error;
      }
      expect(isPressgateError(thrown, 'ERR_SIGNATURE_TIMESTAMP')).toBe(true);
    }
  });
});

describe('verifyDirectiveSignature', () => {
  it('accepts a valid signature and returns its timestamp and signature', () => {
    const header = signDirective(SECRET, BODY, T);
    expect(verifyDirectiveSignature(header, BODY, SECRET, T)).toEqual({
      ok: true,
      timestamp: T,
      signature: referenceHex(SECRET, BODY, T),
    });
  });

  it('accepts a raw body given as bytes', () => {
    const header = signDirective(SECRET, BODY, T);
    expect(verifyDirectiveSignature(header, Buffer.from(BODY), SECRET, T).ok).toBe(true);
  });

  it('reports a missing header', () => {
    for (const header of [undefined, '', '   ']) {
      const failure = expectFailure(
        verifyDirectiveSignature(header, BODY, SECRET, T),
        'ERR_SIGNATURE_MISSING',
      );
      expect(failure.message).toContain('x-pressgate-signature');
    }
  });

  it.each([
    ['no v1', `t=${T}`, /no v1=/],
    ['no t', `v1=${'a'.repeat(64)}`, /no t=/],
    ['t not a number', `t=soon,v1=${'a'.repeat(64)}`, /t is "soon"/],
    ['t in milliseconds with a fraction', `t=${T}.5,v1=${'a'.repeat(64)}`, /not whole unix seconds/],
    ['two t', `t=${T},t=${T},v1=${'a'.repeat(64)}`, /more than one t=/],
    ['short v1', `t=${T},v1=abc123`, /6 characters that is not 64 hex digits/],
    ['v1 not hex', `t=${T},v1=${'z'.repeat(64)}`, /not 64 hex digits/],
    ['empty part', `t=${T},,v1=${'a'.repeat(64)}`, /empty/],
    ['no key', `=x,t=${T},v1=${'a'.repeat(64)}`, /no key/],
    ['plain garbage', 'Bearer abc', /key=value/],
    [
      'too many v1',
      `t=${T},${Array.from({ length: 9 }, () => `v1=${'a'.repeat(64)}`).join(',')}`,
      /more than 8/,
    ],
    ['overlong', `t=${T},v1=${'a'.repeat(64)},x=${'y'.repeat(3000)}`, /more than 2048/],
  ])('reports a malformed header: %s', (_name, header, detail) => {
    const failure = expectFailure(
      verifyDirectiveSignature(header, BODY, SECRET, T),
      'ERR_SIGNATURE_MALFORMED',
    );
    expect(failure.message).toMatch(detail);
    expect(failure.message).toContain('t=<unix seconds>,v1=');
  });

  it('never echoes a wrong-length signature', () => {
    const leaked = 'deadbeef'.repeat(7);
    const failure = expectFailure(
      verifyDirectiveSignature(`t=${T},v1=${leaked}`, BODY, SECRET, T),
      'ERR_SIGNATURE_MALFORMED',
    );
    expect(failure.message).not.toContain(leaked);
  });

  it('ignores unknown keys and spaces after commas', () => {
    const v1 = referenceHex(SECRET, BODY, T);
    expect(verifyDirectiveSignature(`t=${T}, v0=old, v1=${v1}`, BODY, SECRET, T).ok).toBe(true);
  });

  it('accepts exactly 300 s off in both directions and refuses 301 s', () => {
    const header = signDirective(SECRET, BODY, T);
    expect(verifyDirectiveSignature(header, BODY, SECRET, T + 300).ok).toBe(true);
    expect(verifyDirectiveSignature(header, BODY, SECRET, T - 300).ok).toBe(true);
    const old = expectFailure(verifyDirectiveSignature(header, BODY, SECRET, T + 301), 'ERR_SIGNATURE_STALE');
    expect(old.message).toMatch(/301 s old/);
    const future = expectFailure(
      verifyDirectiveSignature(header, BODY, SECRET, T - 301),
      'ERR_SIGNATURE_STALE',
    );
    expect(future.message).toMatch(/301 s in the future/);
  });

  it('refuses a signature made with another secret', () => {
    const header = signDirective('another-secret', BODY, T);
    const failure = expectFailure(
      verifyDirectiveSignature(header, BODY, SECRET, T),
      'ERR_SIGNATURE_MISMATCH',
    );
    expect(failure.message).toContain('PRESSGATE_DIRECTIVE_SECRET');
    expect(failure.message).not.toContain(referenceHex('another-secret', BODY, T));
  });

  it('refuses a body changed by one byte', () => {
    const header = signDirective(SECRET, BODY, T);
    const changed = BODY.replace('Discover"', 'Discovex"');
    expect(changed).not.toBe(BODY);
    expectFailure(verifyDirectiveSignature(header, changed, SECRET, T), 'ERR_SIGNATURE_MISMATCH');
    const bytes = Buffer.from(BODY);
    bytes[bytes.length - 1] = 0x20;
    expectFailure(verifyDirectiveSignature(header, bytes, SECRET, T), 'ERR_SIGNATURE_MISMATCH');
  });

  it('refuses a signature whose timestamp was changed', () => {
    const v1 = referenceHex(SECRET, BODY, T);
    expectFailure(verifyDirectiveSignature(`t=${T + 1},v1=${v1}`, BODY, SECRET, T), 'ERR_SIGNATURE_MISMATCH');
  });

  it('accepts any matching v1 during secret rotation and returns the one that matched', () => {
    const oldV1 = referenceHex('old-secret', BODY, T);
    const newV1 = referenceHex(SECRET, BODY, T);
    const header = `t=${T},v1=${oldV1},v1=${newV1.toUpperCase()}`;
    expect(verifyDirectiveSignature(header, BODY, SECRET, T)).toEqual({
      ok: true,
      timestamp: T,
      signature: newV1,
    });
    expect(verifyDirectiveSignature(header, BODY, 'old-secret', T)).toMatchObject({
      ok: true,
      signature: oldV1,
    });
    expectFailure(verifyDirectiveSignature(header, BODY, 'third-secret', T), 'ERR_SIGNATURE_MISMATCH');
  });

  it('throws on an empty verifier secret instead of accepting anything', () => {
    expect(() => verifyDirectiveSignature(signDirective(SECRET, BODY, T), BODY, '', T)).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNATURE_SECRET_EMPTY' }),
    );
  });
});

describe('ReplayGuard', () => {
  const sig = (n: number): string => n.toString(16).padStart(64, '0');

  it('reports a replay of an accepted signature', () => {
    const guard = new ReplayGuard({ windowS: SIGNATURE_TOLERANCE_S, maxEntries: 100 });
    const header = signDirective(SECRET, BODY, T);
    const first = verifyDirectiveSignature(header, BODY, SECRET, T);
    if (!first.ok) throw new Error(first.message);
    expect(guard.seen(first.signature, first.timestamp, T)).toBe(false);
    const again = verifyDirectiveSignature(header, BODY, SECRET, T + 10);
    if (!again.ok) throw new Error(again.message);
    expect(guard.seen(again.signature, again.timestamp, T + 10)).toBe(true);
    expect(guard.seen(sig(2), T, T + 10)).toBe(false);
  });

  it('forgets a signature once its window has passed', () => {
    const guard = new ReplayGuard({ windowS: 300, maxEntries: 100 });
    expect(guard.seen(sig(1), T, T)).toBe(false);
    expect(guard.seen(sig(2), T + 200, T + 200)).toBe(false);
    expect(guard.size).toBe(2);
    expect(guard.seen(sig(1), T, T + 300)).toBe(true);
    // At T + 301 the first has left (the timestamp check refuses it anyway); the second stays.
    expect(guard.seen(sig(3), T + 301, T + 301)).toBe(false);
    expect(guard.size).toBe(2);
    expect(guard.seen(sig(2), T + 200, T + 301)).toBe(true);
  });

  it('remembers a signature from the future until its own window ends', () => {
    const guard = new ReplayGuard({ windowS: 300, maxEntries: 10 });
    expect(guard.seen(sig(1), T + 300, T)).toBe(false);
    expect(guard.seen(sig(1), T + 300, T + 599)).toBe(true);
  });

  it('stays within maxEntries, dropping the earliest remembered first', () => {
    const guard = new ReplayGuard({ windowS: 300, maxEntries: 3 });
    for (let n = 1; n <= 5; n += 1) {
      expect(guard.seen(sig(n), T, T)).toBe(false);
      expect(guard.size).toBeLessThanOrEqual(3);
    }
    expect(guard.seen(sig(5), T, T)).toBe(true);
    expect(guard.seen(sig(4), T, T)).toBe(true);
    expect(guard.seen(sig(1), T, T)).toBe(false);
  });

  it('does not remember a signature already outside its window', () => {
    const guard = new ReplayGuard({ windowS: 300, maxEntries: 10 });
    expect(guard.seen(sig(1), T, T + 400)).toBe(false);
    expect(guard.size).toBe(0);
  });

  it('refuses nonsensical options', () => {
    expect(() => new ReplayGuard({ windowS: 0, maxEntries: 10 })).toThrow(/windowS/);
    expect(() => new ReplayGuard({ windowS: 300, maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
