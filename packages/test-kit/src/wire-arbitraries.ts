import {
  GESTURES,
  MAX_BUTTON,
  MAX_LINE_BYTES,
  MIN_BUTTON,
  MS_MODULO,
  SEQ_MODULO,
  type WireMessage,
} from '@pressgate/protocol';
import fc from 'fast-check';

// fast-check generators of valid protocol v1 messages (see docs/architecture.md, "Contracts"),
// shared by every test that feeds the wire codec or a listener random lines.
const seq = fc.integer({ min: 0, max: SEQ_MODULO - 1 });
const ms = fc.integer({ min: 0, max: MS_MODULO - 1 });
const button = fc.integer({ min: MIN_BUTTON, max: MAX_BUTTON });

export const helloArbitrary: fc.Arbitrary<WireMessage> = fc.record({
  type: fc.constant('hello' as const),
  proto: fc.integer({ min: 1, max: 65535 }),
  deviceId: fc.stringMatching(/^[A-Za-z0-9._-]{1,32}$/),
  firmware: fc.stringMatching(/^[A-Za-z0-9._+-]{1,32}$/),
  buttons: button,
});

export const sequencedArbitrary: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.record({
    type: fc.constant('edge' as const),
    seq,
    ms,
    button,
    edge: fc.constantFrom('D' as const, 'U' as const),
  }),
  fc.record({
    type: fc.constant('gesture' as const),
    seq,
    ms,
    button,
    gesture: fc.constantFrom(...GESTURES),
  }),
  fc.record({ type: fc.constant('heartbeat' as const), seq, ms }),
);

export const logArbitrary: fc.Arbitrary<WireMessage> = fc.record({
  type: fc.constant('log' as const),
  text: fc.string({ unit: 'grapheme-ascii', maxLength: MAX_LINE_BYTES - 2 }),
});

/** Messages that may carry a checksum: all but log lines. */
export const checksummableArbitrary: fc.Arbitrary<WireMessage> = fc.oneof(helloArbitrary, sequencedArbitrary);

export const messageArbitrary: fc.Arbitrary<WireMessage> = fc.oneof(
  helloArbitrary,
  sequencedArbitrary,
  logArbitrary,
);

/** Arbitrary bytes as the listener hands them over: one latin1 char per byte. */
export const latin1LineArbitrary: fc.Arbitrary<string> = fc
  .uint8Array({ maxLength: 300 })
  .map((bytes) => Buffer.from(bytes).toString('latin1'));
