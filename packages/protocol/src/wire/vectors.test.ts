import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeLine } from './encode-line.js';
import type { WireMessage } from './message.js';
import { parseLine } from './parse-line.js';
import { WIRE_ERROR_CODES } from './wire-error.js';

// The shared test vectors of firmware-protocol/vectors (format: its README.md).
type VectorCase = {
  name: string;
  input?: string;
  inputHex?: string;
  nonCanonical?: boolean;
  expect: { ok: true; checksum: boolean; message: WireMessage } | { ok: false; code: string };
};
type VectorFile = { description: string; cases: VectorCase[] };

const vectorsDir = new URL('../../../../firmware-protocol/vectors/', import.meta.url);
const files = readdirSync(vectorsDir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({ name, data: JSON.parse(readFileSync(new URL(name, vectorsDir), 'utf8')) as VectorFile }));
const allCases = files.flatMap((file) => file.data.cases.map((vector) => ({ file: file.name, vector })));

function inputOf(vector: VectorCase): string {
  if (vector.inputHex !== undefined) return Buffer.from(vector.inputHex, 'hex').toString('latin1');
  if (vector.input === undefined) throw new Error(`vector "${vector.name}" has neither input nor inputHex`);
  return vector.input;
}

describe('firmware-protocol/vectors', () => {
  it('holds at least 40 well-formed cases with unique names', () => {
    expect(files.map((file) => file.name)).toEqual(
      expect.arrayContaining(['checksum.json', 'fields.json', 'framing.json', 'messages.json']),
    );
    expect(allCases.length).toBeGreaterThanOrEqual(40);
    const names = allCases.map(({ vector }) => vector.name);
    expect(new Set(names).size).toBe(names.length);
    for (const { vector } of allCases) {
      expect((vector.input === undefined) !== (vector.inputHex === undefined), vector.name).toBe(true);
      if (!vector.expect.ok) expect(WIRE_ERROR_CODES, vector.name).toContain(vector.expect.code);
    }
  });

  it('covers every message type and every error code', () => {
    const types = new Set(
      allCases.flatMap(({ vector }) => (vector.expect.ok ? [vector.expect.message.type] : [])),
    );
    expect([...types].sort()).toEqual(['edge', 'gesture', 'heartbeat', 'hello', 'log']);
    const codes = new Set(allCases.flatMap(({ vector }) => (vector.expect.ok ? [] : [vector.expect.code])));
    expect([...codes].sort()).toEqual([...WIRE_ERROR_CODES].sort());
  });

  describe.each(files)('$name', ({ data }) => {
    it.each(data.cases)('$name', (vector) => {
      const result = parseLine(inputOf(vector));
      if (vector.expect.ok) {
        expect(result).toEqual({
          ok: true,
          message: vector.expect.message,
          checksum: vector.expect.checksum,
        });
        // A canonical valid line is exactly what an encoder writes (minus the line ending).
        const encoded = encodeLine(vector.expect.message, { checksum: vector.expect.checksum });
        if (vector.nonCanonical === true) expect(encoded).not.toBe(inputOf(vector));
        else expect(encoded).toBe(inputOf(vector));
      } else {
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.code).toBe(vector.expect.code);
          expect(result.error.message.length).toBeLessThan(400);
        }
      }
    });
  });
});
