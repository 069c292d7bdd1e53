import { Harness } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

const WRAP = 2 ** 32;

describe('GestureDecoder thresholds', () => {
  it.each([
    { pressMs: 19, seen: [], kinds: ['bounce:1'] },
    { pressMs: 20, seen: ['1:single@1320'], kinds: [] },
  ])('a press of $pressMs ms (debounceMs 20)', ({ pressMs, seen, kinds }) => {
    const h = new Harness();
    h.press(1, 1000, 1000 + pressMs);
    h.waitUntil(5000);
    expect(h.seen()).toEqual(seen);
    expect(h.kinds()).toEqual(kinds);
  });

  it.each([
    { pressMs: 799, seen: ['1:single@2099'] },
    { pressMs: 800, seen: ['1:long@1800'] },
  ])('a press of $pressMs ms (longPressMs 800)', ({ pressMs, seen }) => {
    const h = new Harness();
    h.press(1, 1000, 1000 + pressMs);
    h.waitUntil(5000);
    expect(h.seen()).toEqual(seen);
  });

  it('fires long exactly at the threshold while still held, once, and nothing on release', () => {
    const h = new Harness();
    h.edge(1000, 1, 'D');
    h.waitUntil(1799);
    expect(h.seen()).toEqual([]);
    h.waitUntil(1800);
    expect(h.seen()).toEqual(['1:long@1800']);
    h.waitUntil(9000);
    h.edge(9000, 1, 'U');
    h.waitUntil(12_000);
    expect(h.seen()).toEqual(['1:long@1800']);
  });

  it.each([
    { gapMs: 299, seen: ['1:double@1499'] },
    { gapMs: 300, seen: ['1:single@1400', '1:single@1800'] },
  ])('a second press $gapMs ms after the release (doublePressMs 300)', ({ gapMs, seen }) => {
    const h = new Harness();
    h.press(1, 1000, 1100);
    h.press(1, 1100 + gapMs, 1200 + gapMs);
    h.waitUntil(5000);
    expect(h.seen()).toEqual(seen);
  });

  it('waits out the double window before single when double is mapped', () => {
    const h = new Harness();
    h.press(1, 1000, 1100);
    h.waitUntil(1399);
    expect(h.seen()).toEqual([]);
    h.waitUntil(1400);
    expect(h.seen()).toEqual(['1:single@1400']);
  });

  it('fires single inside the push of the release when double is not mapped', () => {
    const h = new Harness({ buttons: { 1: ['single', 'long'] } });
    h.edge(1000, 1, 'D');
    h.waitUntil(1099);
    expect(h.seen()).toEqual([]);
    h.edge(1100, 1, 'U');
    expect(h.seen()).toEqual(['1:single@1100']);
    expect(h.lagsMs()).toEqual([0]);
    expect(h.clock.pendingTimers).toBe(0);
    // a quick second press is a second single, not an unmapped double
    h.press(1, 1200, 1300);
    expect(h.seen()).toEqual(['1:single@1100', '1:single@1300']);
    h.waitUntil(2000);
    expect(h.seen()).toEqual(['1:single@1100', '1:single@1300']);
  });

  it('fires double inside the push of the second release', () => {
    const h = new Harness();
    h.press(1, 1000, 1100);
    h.edge(1200, 1, 'D');
    h.waitUntil(1299);
    expect(h.seen()).toEqual([]);
    h.edge(1300, 1, 'U');
    expect(h.seen()).toEqual(['1:double@1300']);
    expect(h.lagsMs()).toEqual([0]);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('decodes a triple press as double then single', () => {
    const h = new Harness();
    h.press(1, 1000, 1100);
    h.press(1, 1200, 1300);
    h.press(1, 1400, 1500);
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:double@1300', '1:single@1800']);
  });

  it('decodes tap then hold as long alone', () => {
    const h = new Harness();
    h.press(1, 1000, 1100);
    h.edge(1200, 1, 'D');
    h.waitUntil(2000);
    expect(h.seen()).toEqual(['1:long@2000']);
    h.edge(3000, 1, 'U');
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:long@2000']);
  });
});

describe('GestureDecoder chatter', () => {
  it('ignores bounce when the contact closes and opens', () => {
    const h = new Harness();
    h.edge(1000, 1, 'D');
    h.edge(1003, 1, 'U');
    h.edge(1005, 1, 'D');
    h.edge(1200, 1, 'U');
    h.edge(1204, 1, 'D');
    h.edge(1207, 1, 'U');
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:single@1500']);
    expect(h.kinds()).toEqual(['bounce:1', 'bounce:1']);
  });

  it('keeps a double when the second release chatters', () => {
    const h = new Harness();
    h.press(1, 1000, 1100);
    h.edge(1200, 1, 'D');
    h.edge(1300, 1, 'U');
    expect(h.seen()).toEqual(['1:double@1300']);
    h.edge(1302, 1, 'D');
    h.edge(1304, 1, 'U');
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:double@1300']);
    expect(h.kinds()).toEqual(['bounce:1']);
  });

  it('does not let a noise press in the double window turn a single into a double', () => {
    const h = new Harness();
    h.press(1, 1000, 1100);
    h.edge(1390, 1, 'D');
    h.edge(1405, 1, 'U');
    expect(h.seen()).toEqual(['1:single@1400']);
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:single@1400']);
  });
});

describe('GestureDecoder buttons and time', () => {
  it('decodes interleaved buttons independently', () => {
    const h = new Harness({ buttons: { 1: ['single', 'double', 'long'], 2: ['single', 'double', 'long'] } });
    h.edge(1000, 1, 'D');
    h.edge(1050, 2, 'D');
    h.edge(1100, 1, 'U');
    h.edge(1150, 1, 'D');
    h.edge(1250, 1, 'U');
    h.edge(1900, 2, 'U');
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:double@1250', '2:long@1850']);
  });

  it('decodes across the u32 ms wrap', () => {
    const h = new Harness();
    h.press(1, WRAP - 100, WRAP + 50);
    h.edge(WRAP + 1000, 1, 'D');
    h.waitUntil(WRAP + 3000);
    expect(h.seen()).toEqual(['1:single@350', '1:long@1800']);
    expect(h.anomalies).toEqual([]);
  });

  it('treats seq 65535 -> 0 as in order', () => {
    const h = new Harness();
    h.seq = 65534;
    h.press(1, 1000, 1100);
    h.press(1, 1200, 1300);
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:double@1300']);
    expect(h.anomalies).toEqual([]);
  });

  it('decodes a burst of lines by device time, long after they happened', () => {
    const h = new Harness();
    h.heartbeat(500);
    h.burst(4000, [
      [1000, 1, 'D'],
      [1100, 1, 'U'],
      [1200, 1, 'D'],
      [1300, 1, 'U'],
    ]);
    h.waitUntil(4000);
    expect(h.seen()).toEqual(['1:double@1300']);
    expect(h.anomalies).toEqual([]);
  });

  it('takes the offset from the least-delayed line', () => {
    const h = new Harness();
    h.press(1, 1000, 1100, 3000); // the first lines come 3 s late
    h.edge(1150, 1, 'D', 2950); // this one 2.95 s: long is due at host 1950 + 2950
    h.waitUntil(4899);
    expect(h.seen()).toEqual([]);
    h.waitUntil(4900);
    expect(h.seen()).toEqual(['1:long@1950']);
  });

  it('honours a delayed edge that arrives before the host timer fires', () => {
    const h = new Harness();
    h.heartbeat(500);
    h.press(1, 1000, 1100);
    h.edge(1250, 1, 'D', 140);
    h.edge(1350, 1, 'U', 140);
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:double@1350']);
  });

  it('drops an edge that arrives after the timer decided, rather than contradict it', () => {
    const h = new Harness();
    h.heartbeat(500);
    h.press(1, 1000, 1100);
    h.edge(1250, 1, 'D', 400);
    expect(h.seen()).toEqual(['1:single@1400']);
    h.edge(1350, 1, 'U', 400);
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:single@1400']);
    expect(h.kinds()).toEqual(['late_edge:1']);
    h.press(1, 6000, 6100);
    h.waitUntil(7000);
    expect(h.seen()).toEqual(['1:single@1400', '1:single@6400']);
  });
});
