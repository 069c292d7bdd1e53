import { ALL, Harness } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

/** Releases apply at once and open a guard of debounceMs (20): a D inside it is release bounce. */
describe('GestureDecoder release debounce', () => {
  it('keeps an immediate single when the release chatters, and adds nothing', () => {
    const h = new Harness({ buttons: { 1: ['single', 'long'] } });
    h.press(1, 1000, 1100);
    expect(h.seen()).toEqual(['1:single@1100']);
    h.edge(1103, 1, 'D');
    h.edge(1105, 1, 'U');
    h.edge(1108, 1, 'D');
    h.edge(1110, 1, 'U');
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:single@1100']);
    expect(h.kinds()).toEqual(['bounce:1', 'bounce:1']);
    expect(h.anomalies[0]?.detail).toContain('3 ms after the release');
  });

  it('swallows chatter that lasts longer than one debounce window, edge after edge', () => {
    // Each edge within 20 ms of the one before; 1100..1160 in all, three times debounceMs.
    const chatter = [1115, 1118, 1133, 1136, 1150, 1160] as const;
    for (const mapped of [['single', 'long'], ALL] as const) {
      const h = new Harness({ buttons: { 1: mapped } });
      h.press(1, 1000, 1100);
      for (const [index, ms] of chatter.entries()) h.edge(ms, 1, index % 2 === 0 ? 'D' : 'U');
      h.waitUntil(5000);
      // with double mapped, no bounce turns the single into a double
      expect(h.seen()).toEqual([mapped.length === 2 ? '1:single@1100' : '1:single@1400']);
      expect(h.kinds()).toEqual(['bounce:1', 'bounce:1', 'bounce:1']);
    }
  });

  it.each([
    { gapMs: 19, seen: ['1:single@1400'], kinds: ['bounce:1'] },
    { gapMs: 20, seen: ['1:double@1200'], kinds: [] },
  ])(
    'treats a D $gapMs ms after the release as bounce below debounceMs, else as a press',
    ({ gapMs, seen, kinds }) => {
      const h = new Harness();
      h.press(1, 1000, 1100);
      h.press(1, 1100 + gapMs, 1200);
      h.waitUntil(5000);
      expect(h.seen()).toEqual(seen);
      expect(h.kinds()).toEqual(kinds);
    },
  );

  it('measures the guard from the last bounce edge, then takes a real press', () => {
    const h = new Harness({ buttons: { 1: ['single', 'long'] } });
    h.press(1, 1000, 1100);
    h.edge(1110, 1, 'D');
    h.edge(1115, 1, 'U'); // guard now ends at 1135
    h.press(1, 1134, 1180); // bounce, swallowed with its U; the guard now ends at 1200
    h.press(1, 1200, 1300); // 20 ms after the last bounce edge: a press
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:single@1100', '1:single@1300']);
    expect(h.kinds()).toEqual(['bounce:1', 'bounce:1']);
  });

  it('ends the press at a glitch mid-hold and swallows the rest of the hold (documented trade-off)', () => {
    const h = new Harness({ buttons: { 1: ['single', 'long'] } });
    h.edge(1000, 1, 'D');
    h.edge(1400, 1, 'U'); // the contact opens for 10 ms while the finger stays down
    expect(h.seen()).toEqual(['1:single@1400']);
    h.edge(1410, 1, 'D');
    h.waitUntil(2500); // past where the hold would have become long
    h.edge(2500, 1, 'U'); // the real release: the end of the swallowed hold
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:single@1400']);
    expect(h.kinds()).toEqual(['bounce:1']);
    h.press(1, 6000, 6100);
    expect(h.seen()).toEqual(['1:single@1400', '1:single@6100']);
  });

  it('opens the double window at a glitch mid-hold when double is mapped, and never fires long', () => {
    const h = new Harness();
    h.edge(1000, 1, 'D');
    h.edge(1795, 1, 'U');
    h.edge(1806, 1, 'D');
    h.waitUntil(2094);
    expect(h.seen()).toEqual([]);
    h.waitUntil(2095);
    expect(h.seen()).toEqual(['1:single@2095']);
    h.edge(3000, 1, 'U');
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:single@2095']);
  });

  it('lets a glitch after long end the hold without a second gesture', () => {
    const h = new Harness({ buttons: { 1: ['single', 'long'] } });
    h.edge(1000, 1, 'D');
    h.waitUntil(1800);
    expect(h.seen()).toEqual(['1:long@1800']);
    h.edge(2500, 1, 'U');
    h.edge(2505, 1, 'D');
    h.edge(3000, 1, 'U');
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:long@1800']);
    expect(h.kinds()).toEqual(['bounce:1']);
    h.press(1, 3100, 3200);
    expect(h.seen()).toEqual(['1:long@1800', '1:single@3200']);
  });

  it('keeps the press debounce trailing: a U within debounceMs of its D drops both, no timer left', () => {
    const h = new Harness({ buttons: { 1: ['single', 'long'] } });
    h.edge(1000, 1, 'D');
    h.edge(1010, 1, 'U');
    h.waitUntil(5000);
    expect(h.seen()).toEqual([]);
    expect(h.kinds()).toEqual(['bounce:1']);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('reports D during release bounce (a lost U) as double_down and drops the press', () => {
    const h = new Harness({ buttons: { 1: ['single', 'long'] } });
    h.press(1, 1000, 1100);
    h.edge(1105, 1, 'D');
    h.edge(1200, 1, 'D');
    h.edge(1300, 1, 'U');
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:single@1100']);
    expect(h.kinds()).toEqual(['bounce:1', 'double_down:1']);
  });
});
