import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { msStep, parseLine, seqGap, type WireMessage } from '@pressgate/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompiledDriver,
  compileDriver,
  type DriverLine,
  runDriver,
} from './core-driver.test-helpers.js';

const VECTORS_DIR = resolve(import.meta.dirname, '../../firmware-protocol/vectors');
const U32 = 2 ** 32;

type VectorCase = {
  name: string;
  input?: string;
  nonCanonical?: boolean;
  expect: { ok: boolean; checksum?: boolean; message?: WireMessage };
};

function loadVectors(): VectorCase[] {
  return ['messages', 'fields', 'framing', 'checksum'].flatMap(
    (file) =>
      (JSON.parse(readFileSync(join(VECTORS_DIR, `${file}.json`), 'utf8')) as { cases: VectorCase[] }).cases,
  );
}

/** Parses every line (the boot `\n` aside), failing with the line that does not parse. */
function parseAll(lines: readonly DriverLine[]): { t: number; text: string; message: WireMessage }[] {
  return lines.flatMap((line, index) => {
    if (line.text === '') {
      // The `\n` a boot writes first, to end a partial line the host may hold.
      expect(lines[index + 1]?.text.startsWith('HELLO ')).toBe(true);
      return [];
    }
    const result = parseLine(line.text);
    if (!result.ok) throw new Error(`line ${JSON.stringify(line.text)}: ${result.error.code}`);
    return [{ ...line, message: result.message }];
  });
}

function sequenced(messages: readonly { message: WireMessage; t: number }[]) {
  return messages.flatMap(({ message, t }) =>
    message.type === 'edge' || message.type === 'heartbeat' ? [{ ...message, t }] : [],
  );
}

/** Checks seq +1 and ms steps equal to script time steps between consecutive sequenced lines. */
function expectContinuous(lines: ReturnType<typeof sequenced>): void {
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1];
    const next = lines[i];
    if (prev === undefined || next === undefined) continue;
    expect(seqGap(prev.seq, next.seq), `seq ${prev.seq} -> ${next.seq}`).toBe(0);
    expect(msStep(prev.ms, next.ms), `ms ${prev.ms} -> ${next.ms}`).toBe(next.t - prev.t);
  }
}

let driver: CompiledDriver;
beforeAll(async () => {
  driver = await compileDriver();
});
afterAll(async () => {
  await driver?.dispose();
});

describe('reference firmware core, against the wire vectors', () => {
  const cases = loadVectors().filter((c) => {
    const m = c.expect.message;
    return (
      c.expect.ok &&
      c.nonCanonical !== true &&
      (m?.type === 'edge' || m?.type === 'heartbeat' || (m?.type === 'hello' && m.proto === 1))
    );
  });

  it('has encoder cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases.map((c) => [c.name, c] as const))('writes exactly the vector line: %s', (_name, c) => {
    const m = c.expect.message as WireMessage;
    const checksum = c.expect.checksum === true;
    let written: string | undefined;
    if (m.type === 'hello') {
      const { lines } = runDriver(driver, '0 end\n', {
        checksum,
        deviceId: m.deviceId,
        firmware: m.firmware,
        buttons: m.buttons,
      });
      written = lines.find((l) => l.text.startsWith('HELLO'))?.text;
    } else if (m.type === 'heartbeat') {
      // The first poll sends a heartbeat with the first seq at the start time.
      const { lines } = runDriver(driver, '0 end\n', { checksum, startMs: m.ms, firstSeq: m.seq });
      written = lines.find((l) => l.text.startsWith('B '))?.text;
    } else if (m.type === 'edge') {
      // B (seq - 2), D (seq - 1) at ms - 1, then U (seq) at ms; or B (seq - 1) and D (seq) at ms.
      const down = m.edge === 'D';
      const script = down ? `0 ${m.button} 0\n0 end\n` : `0 ${m.button} 0\n1 ${m.button} 1\n1 end\n`;
      const { lines } = runDriver(driver, script, {
        checksum,
        buttons: 16,
        debounceMs: 1,
        heartbeatMs: 5000,
        startMs: (m.ms - (down ? 0 : 1) + U32) % U32,
        firstSeq: (m.seq - (down ? 1 : 2) + 65536) % 65536,
      });
      written = lines.filter((l) => l.text.startsWith('E ')).at(-1)?.text;
    }
    expect(written).toBe(c.input);
  });
});

describe('reference firmware core', () => {
  it('boots with a line break, HELLO and a heartbeat, and every line parses, with or without *HH', () => {
    for (const checksum of [false, true]) {
      const { raw, lines } = runDriver(driver, '100 2 0\n180 2 1\n9000 end\n', { checksum });
      expect(raw.startsWith(`\nHELLO 1 rmt-test 0.1.0 4${checksum ? '*' : '\n'}`)).toBe(true);
      const parsed = parseAll(lines);
      for (const line of parsed) {
        if (line.message.type === 'log') continue;
        expect(/\*[0-9A-F]{2}$/.test(line.text)).toBe(checksum);
        expect(line.text.length).toBeLessThanOrEqual(128);
      }
      expect(parsed.map((l) => l.message)).toEqual([
        { type: 'hello', proto: 1, deviceId: 'rmt-test', firmware: '0.1.0', buttons: 4 },
        { type: 'heartbeat', seq: 0, ms: 0 },
        { type: 'edge', seq: 1, ms: 100, button: 2, edge: 'D' },
        { type: 'edge', seq: 2, ms: 180, button: 2, edge: 'U' },
        { type: 'heartbeat', seq: 3, ms: 2500 },
        { type: 'heartbeat', seq: 4, ms: 5000 },
        { type: 'heartbeat', seq: 5, ms: 7500 },
      ]);
    }
  });

  it('wraps ms past 2^32 - 1 and seq past 65535 without a gap or a step back', () => {
    const startMs = U32 - 3000;
    const script = ['2990 1 0', '3003 1 1', '5000 3 0', '5100 3 1', '12000 end'].join('\n');
    const { lines } = runDriver(driver, `${script}\n`, { startMs, firstSeq: 65533, checksum: true });
    const seq = sequenced(parseAll(lines));
    expectContinuous(seq);
    expect(seq.map((l) => [l.seq, l.ms])).toContainEqual([65535, U32 - 10]); // D at 2990
    expect(seq.map((l) => [l.seq, l.ms])).toContainEqual([0, 3]); // U at 3003: both wrapped
    expect(seq.some((l) => l.ms === 0)).toBe(false);
    expect(seq.at(-1)).toMatchObject({ t: 10_000, ms: 10_000 - 3000 });
  });

  it('sends a heartbeat at least every 5000 ms, also while buttons are held and bouncing', () => {
    const steps: string[] = [];
    for (let t = 1000; t < 40_000; t += 1700) steps.push(`${t} 1 0`, `${t + 2} 1 1`, `${t + 3} 1 0`);
    steps.push('5000 2 0', '30000 2 1'); // held for 25 s
    steps.sort((a, b) => Number(a.split(' ')[0]) - Number(b.split(' ')[0]));
    for (const heartbeatMs of [2500, 5000]) {
      const { lines } = runDriver(driver, `${steps.join('\n')}\n60000 end\n`, { heartbeatMs });
      const beats = sequenced(parseAll(lines)).filter((l) => l.type === 'heartbeat');
      expect(beats.length).toBeGreaterThanOrEqual(60_000 / heartbeatMs);
      for (let i = 1; i < beats.length; i++) {
        expect((beats[i]?.t ?? 0) - (beats[i - 1]?.t ?? 0)).toBe(heartbeatMs);
      }
      expect(60_000 - (beats.at(-1)?.t ?? 0)).toBeLessThan(heartbeatMs);
    }
  });

  it('restarts with HELLO, seq 0 and ms 0, and reports a button held through the restart at once', () => {
    const script = ['1000 1 0', '1100 1 1', '4000 2 0', '6000 boot', '6500 2 1', '9000 end'].join('\n');
    const { lines } = runDriver(driver, `${script}\n`, { startMs: 777_000 });
    const parsed = parseAll(lines);
    const helloAt = parsed.flatMap((l, i) => (l.message.type === 'hello' ? [i] : []));
    expect(helloAt).toHaveLength(2);
    const after = parsed.slice((helloAt[1] ?? 0) + 1).map((l) => l.message);
    expect(after.slice(0, 3)).toEqual([
      { type: 'heartbeat', seq: 0, ms: 0 },
      { type: 'edge', seq: 1, ms: 0, button: 2, edge: 'D' },
      { type: 'edge', seq: 2, ms: 500, button: 2, edge: 'U' },
    ]);
    const before = sequenced(parsed.slice(0, helloAt[1]));
    expect(before.at(-1)?.ms).toBe(777_000 + 5000);
    expectContinuous(sequenced(parsed.slice((helloAt[1] ?? 0) + 1)));
  });

  it('answers a `?` line with HELLO at once, amid junk and overlong lines, without touching seq or ms', () => {
    const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex').toUpperCase();
    const rx = [
      ['1000', 'junk?'], // a `?` inside junk, line not ended yet
      ['1001', '\n'], // ends "junk?": not a request
      ['1500', '?\n'], // answered
      ['2000', `${'x'.repeat(300)}?\n`], // overlong: discarded to its \n
      ['2100', '??\n\x00\xff?\n?x\n ?\n'], // none of these is `?`
      ['2200', '?\r\n'], // answered
      ['2300', `?${'y'.repeat(20)}`], // overflows the buffer; its `\n` comes later
      ['2400', '\n'],
      ['2500', '\r\n?'], // `?` waiting for its line end
      ['2600', '\n'], // answered
    ];
    const script = rx.map(([t, s]) => `${t} rx ${hex(s ?? '')}`).join('\n');
    const { lines } = runDriver(driver, `${script}\n6000 end\n`);
    const parsed = parseAll(lines);
    expect(parsed.filter((l) => l.message.type === 'hello').map((l) => l.t)).toEqual([0, 1500, 2200, 2600]);
    expectContinuous(sequenced(parsed));
    expect(sequenced(parsed).map((l) => l.seq)).toEqual([0, 1, 2]);
  });

  it('debounces on the leading edge: the first transition counts at its own time, bounce is dropped', () => {
    // Press at 100 with bounce until 105, release at 300 with bounce until 306.
    const bouncy = ['100 1 0', '101 1 1', '103 1 0', '300 1 1', '302 1 0', '306 1 1'];
    // A 3 ms glitch: reported as a press lasting the debounce window, which the host drops.
    const glitch = ['1000 2 0', '1003 2 1'];
    const { lines } = runDriver(driver, `${[...bouncy, ...glitch].join('\n')}\n2000 end\n`, {
      debounceMs: 10,
    });
    const edges = sequenced(parseAll(lines)).filter((l) => l.type === 'edge');
    expect(edges.map((e) => `${e.button}${e.edge}@${e.ms}`)).toEqual([
      '1D@100',
      '1U@300',
      '2D@1000',
      '2U@1010',
    ]);
  });

  it('fails, saying what to install, when there is no C compiler', async () => {
    await expect(compileDriver('pressgate-no-such-cc')).rejects.toThrow(
      /need a C compiler, and `pressgate-no-such-cc` was not found: install gcc/,
    );
  });

  it('refuses a bad config instead of sending a bad HELLO', () => {
    expect(() => runDriver(driver, '0 end\n', { deviceId: 'bad id' })).toThrow(/exit 65/);
    expect(() => runDriver(driver, '0 end\n', { deviceId: 'x'.repeat(33) })).toThrow(/exit 65/);
    expect(() => runDriver(driver, '0 end\n', { buttons: 17 })).toThrow(/exit 65/);
    expect(() => runDriver(driver, '0 end\n', { heartbeatMs: 5001 })).toThrow(/exit 65/);
    expect(runDriver(driver, '0 end\n', { deviceId: 'x'.repeat(32), buttons: 16 }).lines[1]?.text).toBe(
      `HELLO 1 ${'x'.repeat(32)} 0.1.0 16`,
    );
  });
});
