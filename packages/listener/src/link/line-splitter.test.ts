import { describe, expect, it } from 'vitest';
import { LineSplitter, type SplitterOutput } from './line-splitter.js';

function collect(splitter: LineSplitter): SplitterOutput[] {
  const out: SplitterOutput[] = [];
  splitter.on('data', (item: SplitterOutput) => out.push(item));
  return out;
}

describe('LineSplitter', () => {
  it('splits at \\n across chunk boundaries and keeps a \\r for the codec', () => {
    const splitter = new LineSplitter();
    const out = collect(splitter);
    splitter.write(Buffer.from('B 1 10\nHEL'));
    splitter.write(Buffer.from('LO 1 rmt-1 0.1.0 4\r\n\nE 2 20 1 D'));
    expect(out).toEqual([
      { kind: 'line', text: 'B 1 10' },
      { kind: 'line', text: 'HELLO 1 rmt-1 0.1.0 4\r' },
      { kind: 'line', text: '' },
    ]);
    splitter.write(Buffer.from('\n'));
    expect(out.at(-1)).toEqual({ kind: 'line', text: 'E 2 20 1 D' });
  });

  it('decodes bytes as latin1, one character per byte', () => {
    const splitter = new LineSplitter();
    const out = collect(splitter);
    splitter.write(Buffer.from([0x23, 0x20, 0xe9, 0xff, 0x0a]));
    expect(out).toEqual([{ kind: 'line', text: '# \u00e9\u00ff' }]);
  });

  it('accepts a line of exactly the limit (plus \\r) and rejects one byte more', () => {
    const splitter = new LineSplitter({ maxLineBytes: 8 });
    const out = collect(splitter);
    splitter.write(Buffer.from('12345678\n123456789\n12345678\r\n12345678\r9\nok\n'));
    expect(out).toEqual([
      { kind: 'line', text: '12345678' },
      { kind: 'overlong', limitBytes: 8 },
      { kind: 'line', text: '12345678\r' },
      { kind: 'overlong', limitBytes: 8 },
      { kind: 'line', text: 'ok' },
    ]);
  });

  it('reports a 10 KB line without newline once, holds at most the limit, then resumes', () => {
    const splitter = new LineSplitter();
    const out = collect(splitter);
    const junk = Buffer.alloc(100, 0x41);
    let maxPending = 0;
    for (let i = 0; i < 100; i += 1) {
      splitter.write(junk);
      maxPending = Math.max(maxPending, splitter.pendingBytes);
    }
    expect(out).toEqual([{ kind: 'overlong', limitBytes: 128 }]);
    expect(maxPending).toBeLessThanOrEqual(129);
    splitter.write(Buffer.from('AAAA\nB 7 70\n'));
    expect(out).toEqual([
      { kind: 'overlong', limitBytes: 128 },
      { kind: 'line', text: 'B 7 70' },
    ]);
  });

  it('drops an unfinished line when the stream ends', async () => {
    const splitter = new LineSplitter();
    const out = collect(splitter);
    const ended = new Promise((resolve) => splitter.on('end', resolve));
    splitter.end(Buffer.from('B 1 1\nB 2'));
    await ended;
    expect(out).toEqual([{ kind: 'line', text: 'B 1 1' }]);
  });
});
