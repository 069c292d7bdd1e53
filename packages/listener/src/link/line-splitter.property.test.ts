import { encodeLine, MAX_LINE_BYTES, type WireMessage } from '@pressgate/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type SplitterOutput } from './line-splitter.js';

/** Protocol v1 lines a remote sends, with and without a checksum. */
const wireLine: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.record({
        type: fc.constant('edge' as const),
        seq: fc.integer({ min: 0, max: 65_535 }),
        ms: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        button: fc.integer({ min: 1, max: 16 }),
        edge: fc.constantFrom('D' as const, 'U' as const),
      }),
      fc.record({
        type: fc.constant('heartbeat' as const),
        seq: fc.integer({ min: 0, max: 65_535 }),
        ms: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      }),
      fc.record({
        type: fc.constant('hello' as const),
        proto: fc.constant(1),
        deviceId: fc.stringMatching(/^[a-z0-9-]{1,16}$/),
        firmware: fc.stringMatching(/^[0-9]\.[0-9]\.[0-9]$/),
        buttons: fc.integer({ min: 1, max: 16 }),
      }),
    ),
    fc.boolean(),
  )
  .map(([message, checksum]) => encodeLine(message as WireMessage, { checksum }));

/** Printable text around the limit: some fit, some are overlong by a byte, some by far. */
const longText: fc.Arbitrary<string> = fc
  .oneof(fc.integer({ min: MAX_LINE_BYTES - 2, max: MAX_LINE_BYTES + 2 }), fc.integer({ min: 0, max: 600 }))
  .chain((length) =>
    fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
      minLength: length,
      maxLength: length,
    }),
  );

const terminatedLine = fc.record({
  text: fc.oneof(wireLine, longText),
  crlf: fc.boolean(),
});

function feed(chunks: Buffer[]): SplitterOutput[] {
  const splitter = new LineSplitter({ maxLineBytes: MAX_LINE_BYTES });
  const out: SplitterOutput[] = [];
  splitter.on('data', (item: SplitterOutput) => out.push(item));
  for (const chunk of chunks) splitter.write(chunk);
  return out;
}

/** What the wire rule says each line must become, independent of the splitter's code. */
function expected(lines: { text: string; crlf: boolean }[]): SplitterOutput[] {
  return lines.map(({ text, crlf }) =>
    text.length <= MAX_LINE_BYTES
      ? { kind: 'line', text: crlf ? `${text}\r` : text }
      : { kind: 'overlong', limitBytes: MAX_LINE_BYTES },
  );
}

describe('LineSplitter (property)', () => {
  it('gives the same lines and overlong reports however the bytes are cut into reads', () => {
    fc.assert(
      fc.property(
        fc.array(terminatedLine, { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }),
        (lines, sizes) => {
          const bytes = Buffer.from(
            lines.map(({ text, crlf }) => `${text}${crlf ? '\r\n' : '\n'}`).join(''),
            'latin1',
          );
          const chunks: Buffer[] = [];
          for (let start = 0, index = 0; start < bytes.length; index += 1) {
            const size = sizes[index % sizes.length] ?? 1;
            chunks.push(bytes.subarray(start, start + size));
            start += size;
          }
          const whole = feed([bytes]);
          expect(feed(chunks)).toEqual(whole);
          expect(whole).toEqual(expected(lines));
        },
      ),
      { numRuns: 500 },
    );
  });
});
