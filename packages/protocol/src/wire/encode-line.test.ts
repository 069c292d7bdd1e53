import { messageArbitrary } from '@pressgate/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPressgateError } from '../errors.js';
import { xorChecksum } from './checksum.js';
import { encodeLine } from './encode-line.js';
import type { WireMessage } from './message.js';
import { parseLine } from './parse-line.js';

function encodeErrorOf(message: unknown): string {
  try {
    encodeLine(message as WireMessage);
  } catch (error) {
    if (isPressgateError(error, 'ERR_WIRE_ENCODE')) return error.message;
    throw error;
  }
  throw new Error(`expected ERR_WIRE_ENCODE for ${JSON.stringify(message)}, got a line`);
}

describe('encodeLine', () => {
  it('round-trips every valid message through parseLine, with and without checksum', () => {
    fc.assert(
      fc.property(messageArbitrary, fc.boolean(), (message, checksum) => {
        const line = encodeLine(message, { checksum });
        expect(line.length).toBeLessThanOrEqual(128);
        expect(line).toMatch(/^[\x20-\x7e]+$/);
        expect(parseLine(line)).toEqual({ ok: true, message, checksum: checksum && message.type !== 'log' });
        expect(parseLine(`${line}\r`)).toEqual(parseLine(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the canonical forms, without the line ending', () => {
    expect(encodeLine({ type: 'hello', proto: 1, deviceId: 'rmt-00a1', firmware: '0.3.0', buttons: 4 })).toBe(
      'HELLO 1 rmt-00a1 0.3.0 4',
    );
    expect(encodeLine({ type: 'edge', seq: 17, ms: 2138, button: 1, edge: 'D' }, { checksum: true })).toBe(
      'E 17 2138 1 D*3E',
    );
    expect(encodeLine({ type: 'gesture', seq: 0, ms: 4294967295, button: 16, gesture: 'long' })).toBe(
      'G 0 4294967295 16 long',
    );
    expect(encodeLine({ type: 'heartbeat', seq: 65535, ms: 0 })).toBe('B 65535 0');
    expect(encodeLine({ type: 'log', text: 'hi *there*' }, { checksum: true })).toBe('# hi *there*');
    expect(encodeLine({ type: 'log', text: '' })).toBe('#');
    expect(encodeLine({ type: 'query' })).toBe('?');
    expect(encodeLine({ type: 'query' }, { checksum: true })).toBe('?');
  });

  it.each([
    ['seq 65536', { type: 'heartbeat', seq: 65536, ms: 0 }, /seq.*65536/],
    ['negative seq', { type: 'heartbeat', seq: -1, ms: 0 }, /seq/],
    ['fractional ms', { type: 'heartbeat', seq: 1, ms: 1.5 }, /ms.*1\.5/],
    ['ms 2^32', { type: 'heartbeat', seq: 1, ms: 2 ** 32 }, /ms.*4294967296/],
    ['NaN ms', { type: 'heartbeat', seq: 1, ms: Number.NaN }, /ms.*NaN/],
    ['button 0', { type: 'edge', seq: 1, ms: 1, button: 0, edge: 'D' }, /button/],
    ['button 17', { type: 'gesture', seq: 1, ms: 1, button: 17, gesture: 'single' }, /button.*17/],
    ['edge x', { type: 'edge', seq: 1, ms: 1, button: 1, edge: 'x' }, /edge/],
    ['gesture triple', { type: 'gesture', seq: 1, ms: 1, button: 1, gesture: 'triple' }, /gesture.*triple/],
    ['proto 0', { type: 'hello', proto: 0, deviceId: 'a', firmware: '1', buttons: 1 }, /proto/],
    [
      'deviceId with a space',
      { type: 'hello', proto: 1, deviceId: 'a b', firmware: '1', buttons: 1 },
      /deviceId/,
    ],
    ['empty firmware', { type: 'hello', proto: 1, deviceId: 'a', firmware: '', buttons: 1 }, /firmware/],
    ['buttons 17', { type: 'hello', proto: 1, deviceId: 'a', firmware: '1', buttons: 17 }, /buttons/],
    ['log text with a newline', { type: 'log', text: 'a\nB 1 2' }, /log text.*\\x0A/],
    ['log text of 127 bytes', { type: 'log', text: 'x'.repeat(127) }, /128 bytes.*129/],
    ['unknown type', { type: 'reboot' }, /unknown message type/],
  ])('throws ERR_WIRE_ENCODE for %s', (_name, message, pattern) => {
    expect(encodeErrorOf(message)).toMatch(pattern);
  });
});

describe('xorChecksum', () => {
  it('XORs every byte into two uppercase hex digits', () => {
    expect(xorChecksum('')).toBe('00');
    expect(xorChecksum('E 17 2138 1 D')).toBe('3E');
    expect(xorChecksum('B 7 5000')).toBe('70');
    expect(xorChecksum('\u00ff')).toBe('FF');
    expect(xorChecksum('\u0001')).toBe('01');
  });
});
