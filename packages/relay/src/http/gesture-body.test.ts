import { describe, expect, it } from 'vitest';
import { GestureBody, readGestureBody } from './gestures-route.js';

/** Bodies around every bound of GestureBody, valid and not. */
const BODIES: unknown[] = [
  { remoteId: 'living-room', button: 1, gesture: 'single' },
  { remoteId: 'r', button: 16, gesture: 'long' },
  { remoteId: 'x'.repeat(64), button: 2, gesture: 'double' },
  { remoteId: 'x'.repeat(65), button: 2, gesture: 'double' },
  { remoteId: '', button: 1, gesture: 'single' },
  { remoteId: 'r', button: 0, gesture: 'single' },
  { remoteId: 'r', button: 17, gesture: 'single' },
  { remoteId: 'r', button: 1.5, gesture: 'single' },
  { remoteId: 'r', button: '1', gesture: 'single' },
  { remoteId: 'r', button: 1, gesture: 'triple' },
  { remoteId: 'r', button: 1, gesture: 'toString' },
  { remoteId: 7, button: 1, gesture: 'single' },
  { remoteId: 'r', button: 1 },
  { remoteId: 'r', button: 1, gesture: 'single', extra: true },
  { remoteId: 'r', button: 1, gesture: 'single', at: '2026-12-06T21:00:00.123Z' },
  { remoteId: 'r', button: 1, gesture: 'single', at: '2026-12-06T21:00:00Z' },
  { remoteId: 'r', button: 1, gesture: 'single', at: '2026-12-06T21:00:00.123+01:00' },
  { remoteId: 'r', button: 1, gesture: 'single', at: '2026-02-30T21:00:00.000Z' },
  { remoteId: 'r', button: 1, gesture: 'single', at: 'yesterday' },
  { remoteId: 'r', button: 1, gesture: 'single', at: null },
  { remoteId: 'r', button: 1, at: '2026-12-06T21:00:00.123Z', extra: 1 },
  JSON.parse('{"remoteId":"r","button":1,"gesture":"single","__proto__":{"x":1}}'),
  [1, 2, 3],
  null,
  'single',
  42,
];

describe('readGestureBody (the hand-checked common shape of POST /v1/gestures)', () => {
  it('takes exactly what GestureBody takes, with the same result, and leaves the rest to it', () => {
    for (const body of BODIES) {
      const quick = readGestureBody(body);
      const parsed = GestureBody.safeParse(body);
      if (quick !== undefined) {
        expect(parsed.success, JSON.stringify(body)).toBe(true);
        expect(quick, JSON.stringify(body)).toStrictEqual(parsed.data);
      }
    }
  });

  it('checks the usual bodies itself, with and without at', () => {
    expect(readGestureBody({ remoteId: 'r', button: 3, gesture: 'long' })).toStrictEqual({
      remoteId: 'r',
      button: 3,
      gesture: 'long',
    });
    const at = new Date().toISOString();
    expect(readGestureBody({ remoteId: 'r', button: 1, gesture: 'double', at })).toStrictEqual({
      remoteId: 'r',
      button: 1,
      gesture: 'double',
      at,
    });
  });
});
