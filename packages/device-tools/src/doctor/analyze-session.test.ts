import { encodeLine, parseLine, type WireMessage } from '@pressgate/protocol';
import { describe, expect, it } from 'vitest';
import { analyzeSession } from './analyze-session.js';
import type { CheckId, DoctorReport, DoctorSession, ObservedLine } from './types.js';

type Entry = [hostMs: number, raw: string];

function observed([hostMs, raw]: Entry): ObservedLine {
  const crlf = raw.endsWith('\r');
  return { hostMs, raw: crlf ? raw.slice(0, -1) : raw, result: parseLine(raw), crlf, overlong: false };
}

function session(entries: Entry[], extra: Partial<DoctorSession> = {}): DoctorSession {
  return {
    path: '/dev/ttyTEST',
    plannedMs: 6000,
    elapsedMs: 6000,
    queries: [
      { hostMs: 0, purpose: 'open' },
      { hostMs: 3000, purpose: 'mid-run' },
    ],
    lines: entries.map(observed),
    aborted: false,
    ...extra,
  };
}

const HELLO = 'HELLO 1 rmt-00a1 0.3.0 4';

/** A well-behaved device: HELLO for each `?`, heartbeats every second, button 1 pressed for 90 ms. */
function goodEntries(): Entry[] {
  const line = (message: WireMessage) => encodeLine(message);
  return [
    [5, HELLO],
    [500, line({ type: 'heartbeat', seq: 0, ms: 10_500 })],
    [1500, line({ type: 'heartbeat', seq: 1, ms: 11_500 })],
    [1700, line({ type: 'edge', seq: 2, ms: 11_700, button: 1, edge: 'D' })],
    [1790, line({ type: 'edge', seq: 3, ms: 11_790, button: 1, edge: 'U' })],
    [2500, line({ type: 'heartbeat', seq: 4, ms: 12_500 })],
    [3004, HELLO],
    [3500, line({ type: 'heartbeat', seq: 5, ms: 13_500 })],
    [4500, line({ type: 'heartbeat', seq: 6, ms: 14_500 })],
    [5500, line({ type: 'heartbeat', seq: 7, ms: 15_500 })],
  ];
}

function check(report: DoctorReport, id: CheckId) {
  const found = report.checks.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`no check ${id} in ${JSON.stringify(report.checks)}`);
  return found;
}

function notPassing(report: DoctorReport): string[] {
  return report.checks
    .filter((entry) => entry.status !== 'PASS')
    .map((entry) => `${entry.id}:${entry.status}`);
}

describe('analyzeSession', () => {
  it('passes a well-behaved device on every check and summarizes the presses', () => {
    const report = analyzeSession(session(goodEntries()));
    expect(notPassing(report)).toEqual([]);
    expect(report.status).toBe('PASS');
    expect(report.device).toEqual({ proto: 1, deviceId: 'rmt-00a1', firmware: '0.3.0', buttons: 4 });
    expect(report.buttons).toEqual([
      { button: 1, presses: 1, edges: 2, minPressMs: 90, maxPressMs: 90, shortPresses: 0, gestures: {} },
    ]);
    expect(check(report, 'hello-answer').detail).toBe('HELLO arrived 5 ms after "?"');
    expect(check(report, 'presses').detail).toBe('button 1: 1 press(es) 90 ms; not pressed: 2, 3, 4');
    expect(check(report, 'heartbeat').detail).toBe('6 heartbeats, at most 1000 ms apart');
  });

  it('accepts seq and ms wrapping, and CR LF endings, and says so', () => {
    const report = analyzeSession(
      session([
        [5, `${HELLO}\r`],
        [500, 'B 65534 4294966000\r'],
        [1500, 'B 65535 4294967000\r'],
        [2500, 'B 0 704\r'],
        [3004, `${HELLO}\r`],
        [3500, 'B 1 1704\r'],
        [4500, 'B 2 2704\r'],
        [5500, 'B 3 3704\r'],
      ]),
    );
    expect(notPassing(report)).toEqual(['presses:WARN']);
    expect(check(report, 'seq').detail).toContain('wrapped 65535 -> 0 1 time(s)');
    expect(check(report, 'clock').detail).toContain('wrapped 4294967295 -> 0');
    expect(check(report, 'line-endings').detail).toBe(
      'every line ends in CR LF (accepted: the CR is ignored)',
    );
  });

  it('fails seq on a skipped number but not on a gap a rejected line explains', () => {
    const skipped = goodEntries().map(([hostMs, raw]): Entry => [hostMs, raw.replace(/^B 6 /, 'B 9 ')]);
    const seq = check(analyzeSession(session(skipped)), 'seq');
    expect(seq).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining('seq jumped from 5 to 9 (3 missing)'),
    });

    const corrupted = goodEntries().map(
      ([hostMs, raw]): Entry => [hostMs, raw === 'B 6 14500' ? 'B 6 14500*00' : raw],
    );
    const report = analyzeSession(session(corrupted));
    expect(check(report, 'seq')).toMatchObject({
      status: 'PASS',
      detail: expect.stringContaining('1 gap(s) explained'),
    });
    expect(check(report, 'checksum')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining('"B 6 14500*00"'),
    });
    expect(report.errors).toEqual([
      {
        code: 'ERR_WIRE_CHECKSUM',
        count: 1,
        example: '"B 6 14500*00"',
        message: expect.stringContaining('expected checksum'),
      },
    ]);
  });

  it('fails the mid-run query when answering it resets seq and ms', () => {
    const entries = goodEntries().map(([hostMs, raw]): Entry => {
      const match = /^B (\d) (\d+)$/.exec(raw);
      if (match === null || hostMs < 3004) return [hostMs, raw];
      return [hostMs, `B ${Number(match[1]) - 5} ${Number(match[2]) - 13_000}`];
    });
    const report = analyzeSession(session(entries));
    expect(check(report, 'query-mid-run')).toMatchObject({
      status: 'FAIL',
      detail: 'after the HELLO for "?", ms went back from 12500 to 500',
    });
  });

  it('warns on a HELLO nobody asked for, and does not count the restart as a gap or a backwards clock', () => {
    const entries: Entry[] = [
      ...goodEntries().slice(0, 6),
      [2700, HELLO],
      [3500, 'B 0 300'],
      [4500, 'B 1 1300'],
    ];
    const report = analyzeSession(session(entries, { queries: [{ hostMs: 0, purpose: 'open' }] }));
    expect(check(report, 'identity')).toMatchObject({
      status: 'WARN',
      detail: expect.stringContaining('the device restarted'),
    });
    expect(check(report, 'seq').status).toBe('PASS');
    expect(check(report, 'clock').status).toBe('PASS');
  });

  it('fails the clock when ms goes backwards without a HELLO', () => {
    const backwards = goodEntries().map(
      ([hostMs, raw]): Entry => [hostMs, raw === 'B 7 15500' ? 'B 7 14000' : raw],
    );
    expect(check(analyzeSession(session(backwards)), 'clock')).toMatchObject({
      status: 'FAIL',
      detail: 'ms went back from 14500 to 14000 (seq 6 -> 7) with no HELLO',
    });
  });

  it('measures drift in ppm and warns on a clock 5% fast', () => {
    const fast = goodEntries().map(([hostMs, raw]): Entry => {
      const match = /^B (\d) (\d+)$/.exec(raw);
      return match === null ? [hostMs, raw] : [hostMs, `B ${match[1]} ${10_000 + Math.round(hostMs * 1.05)}`];
    });
    const clock = check(
      analyzeSession(session(fast.filter(([, raw]) => !raw.startsWith('E ')).map(renumber()))),
      'clock',
    );
    expect(clock).toMatchObject({ status: 'WARN', detail: expect.stringContaining('+50000 ppm') });
  });

  it('fails heartbeats more than 5 s apart and warns when the run is too short to judge', () => {
    const sparse = analyzeSession(
      session(
        [
          [5, HELLO],
          [100, 'B 0 100'],
          [5700, 'B 1 5700'],
          [3004, HELLO],
        ],
        { elapsedMs: 6000 },
      ),
    );
    expect(check(sparse, 'heartbeat')).toMatchObject({
      status: 'FAIL',
      detail: 'two heartbeats 5600 ms apart (device time)',
    });
    const short = analyzeSession(session([[5, HELLO]], { elapsedMs: 2000, plannedMs: 2000 }));
    expect(check(short, 'heartbeat').status).toBe('WARN');
  });

  it('fails D twice without U, a button above the HELLO count, and E mixed with G', () => {
    const report = analyzeSession(
      session([
        [5, HELLO],
        [500, 'E 0 500 1 D'],
        [600, 'E 1 600 1 D'],
        [700, 'E 2 700 5 D'],
        [800, 'G 3 800 1 single'],
        [900, 'B 4 900'],
      ]),
    );
    expect(check(report, 'edges')).toMatchObject({
      status: 'FAIL',
      detail: 'button 1: D at seq 1 after D at seq 0',
    });
    expect(check(report, 'button-range')).toMatchObject({
      status: 'FAIL',
      detail: 'E for button 5 (seq 2) but HELLO announced 4 button(s)',
    });
    expect(check(report, 'edge-or-gesture')).toMatchObject({
      status: 'FAIL',
      detail: 'button 1 sent E (seq 0) and G (seq 3) lines',
    });
  });

  it('flags presses and releases shorter than the 20 ms debounce', () => {
    const report = analyzeSession(
      session([
        [5, HELLO],
        [500, 'E 0 500 2 D'],
        [508, 'E 1 508 2 U'],
        [520, 'E 2 520 2 D'],
        [600, 'E 3 600 2 U'],
      ]),
    );
    expect(check(report, 'presses')).toMatchObject({
      status: 'WARN',
      detail: expect.stringContaining(
        'button 2: 1 press(es) under 20 ms; button 2: up for only 12 ms before seq 2',
      ),
    });
    expect(report.buttons[0]).toMatchObject({
      button: 2,
      presses: 2,
      minPressMs: 8,
      maxPressMs: 80,
      shortPresses: 1,
    });
  });

  it('ignores a cut-off first line and blank lines, lists other errors by code, and notes an overlong line', () => {
    const entries: Entry[] = [
      [1, '1 2 D'],
      ...goodEntries(),
      [5600, ''],
      [5700, 'B 8 15700 '],
      [5800, 'B 9 0x1'],
    ];
    const input = session(entries);
    input.lines.push({
      ...observed([5900, '']),
      overlong: true,
      result: { ok: false, error: { code: 'ERR_WIRE_TOO_LONG', message: 'too long' } },
    });
    const report = analyzeSession(input);
    expect(report.errors.map((error) => [error.code, error.count])).toEqual([
      ['ERR_WIRE_SPACING', 1],
      ['ERR_WIRE_BAD_FIELD', 1],
      ['ERR_WIRE_TOO_LONG', 1],
    ]);
    expect(check(report, 'parse')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(
        /^3 of 13 lines rejected: ERR_WIRE_SPACING x1 \(e\.g\. "B 8 15700 "\).*the first line "1 2 D" was ignored/,
      ),
    });
    expect(check(report, 'line-length')).toMatchObject({
      status: 'FAIL',
      detail: '1 line(s) longer than 128 bytes were discarded',
    });
  });

  it('fails HELLO and identity when "?" gets no answer, saying what came instead', () => {
    const report = analyzeSession(session(goodEntries().filter(([, raw]) => raw !== HELLO)));
    expect(check(report, 'hello-answer')).toMatchObject({
      status: 'FAIL',
      detail: 'no HELLO within 1500 ms of "?": 2 other line(s) arrived, no HELLO',
    });
    expect(check(report, 'identity')).toMatchObject({ status: 'FAIL', detail: 'no valid HELLO arrived' });
    expect(check(report, 'query-mid-run').status).toBe('FAIL');
    expect(report.status).toBe('FAIL');
  });
});

/** Renumbers seq from 0 so that dropping lines leaves no gap. */
function renumber() {
  let seq = 0;
  return ([hostMs, raw]: Entry): Entry => {
    const match = /^([BEG]) \d+ (.*)$/.exec(raw);
    if (match === null) return [hostMs, raw];
    const line: Entry = [hostMs, `${match[1]} ${seq} ${match[2]}`];
    seq += 1;
    return line;
  };
}
