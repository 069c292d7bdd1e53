import { checksummableArbitrary, latin1LineArbitrary, messageArbitrary } from '@pressgate/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeLine } from './encode-line.js';
import { parseLine } from './parse-line.js';
import { WIRE_ERROR_CODES } from './wire-error.js';

const MESSAGE_TYPES = ['hello', 'edge', 'gesture', 'heartbeat', 'log'];

function expectWellShaped(result: ReturnType<typeof parseLine>): void {
  if (result.ok) {
    expect(MESSAGE_TYPES).toContain(result.message.type);
    expect(typeof result.checksum).toBe('boolean');
  } else {
    expect(WIRE_ERROR_CODES).toContain(result.error.code);
    expect(result.error.message.length).toBeGreaterThan(0);
    expect(result.error.message.length).toBeLessThan(400);
  }
}

describe('parseLine', () => {
  it('never throws on arbitrary bytes and returns a result of the right shape', () => {
    fc.assert(
      fc.property(latin1LineArbitrary, (line) => {
        expectWellShaped(parseLine(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary UTF-16 strings, which are not bytes at all', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (line) => expectWellShaped(parseLine(line))),
    );
  });

  it('never throws on valid lines with random edits', () => {
    const edited = fc
      .tuple(messageArbitrary, fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean())
      .map(([message, checksum, at, byte, insert]) => {
        const line = encodeLine(message, { checksum });
        const index = at % (line.length + 1);
        return line.slice(0, index) + String.fromCharCode(byte) + line.slice(insert ? index : index + 1);
      });
    fc.assert(
      fc.property(edited, (line) => expectWellShaped(parseLine(line))),
      { numRuns: 1000 },
    );
  });

  it('rejects a checksummed line with one changed byte, or reads a different message', () => {
    const flipped = fc
      .tuple(checksummableArbitrary, fc.nat(), fc.integer({ min: 1, max: 255 }))
      .map(([message, at, delta]) => {
        const line = encodeLine(message, { checksum: true });
        const index = at % line.length;
        const byte = (line.charCodeAt(index) + delta) % 256;
        return { message, line: line.slice(0, index) + String.fromCharCode(byte) + line.slice(index + 1) };
      });
    fc.assert(
      fc.property(flipped, ({ message, line }) => {
        const result = parseLine(line);
        if (result.ok) expect(result.message).not.toEqual(message);
      }),
      { numRuns: 2000 },
    );
  });

  it('ignores exactly one trailing CR', () => {
    expect(parseLine('B 1 2\r')).toEqual({
      ok: true,
      message: { type: 'heartbeat', seq: 1, ms: 2 },
      checksum: false,
    });
    const twice = parseLine('B 1 2\r\r');
    expect(twice.ok ? twice.message : twice.error.code).toBe('ERR_WIRE_CONTROL_CHAR');
  });

  it('counts the 128-byte limit without the CR', () => {
    const line = `# ${'a'.repeat(126)}`;
    expect(parseLine(`${line}\r`).ok).toBe(true);
    const over = parseLine(`${line}a\r`);
    expect(over.ok ? over.message : over.error.code).toBe('ERR_WIRE_TOO_LONG');
  });

  it('says what arrived, escaped and cut short, and never echoes a long line back', () => {
    const huge = parseLine(`E 1 2 3 D ${'x'.repeat(10_000)}`);
    expect(huge.ok).toBe(false);
    if (!huge.ok) {
      expect(huge.error.message).toContain('10010 bytes');
      expect(huge.error.message).toContain('more characters');
      expect(huge.error.message.length).toBeLessThan(300);
    }
    const binary = parseLine('E 1 2\u0000 3 D');
    expect(binary.ok).toBe(false);
    if (!binary.ok) {
      expect(binary.error.message).toContain('\\x00');
      expect(binary.error.message).not.toContain('\u0000');
    }
  });

  it('names the field, the expected range and the value that arrived', () => {
    const result = parseLine('E 1 2 17 D');
    expect(result).toEqual({
      ok: false,
      error: { code: 'ERR_WIRE_BAD_FIELD', message: expect.stringMatching(/button.*1\.\.16.*"17"/) },
    });
  });

  it('reports the expected and received checksum', () => {
    const result = parseLine('B 7 5000*71');
    expect(result).toEqual({
      ok: false,
      error: { code: 'ERR_WIRE_CHECKSUM', message: expect.stringMatching(/expected checksum 70.*got 71/) },
    });
  });
});
