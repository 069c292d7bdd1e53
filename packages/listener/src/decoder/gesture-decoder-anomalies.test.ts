import { isPressgateError } from '@pressgate/protocol';
import { ALL, Harness, TIMING } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { GestureDecoder } from './gesture-decoder.js';

describe('GestureDecoder anomalies', () => {
  it('resets every button on a seq gap and never invents a gesture from the broken press', () => {
    const h = new Harness({ buttons: { 1: ALL, 2: ALL } });
    h.edge(1000, 1, 'D');
    h.press(2, 1010, 1100); // button 2 waits in its double window
    h.seq += 2; // two lines lost
    h.edge(1300, 1, 'U'); // the release of a press we can no longer trust: quiet
    h.waitUntil(5000);
    expect(h.seen()).toEqual([]);
    expect(h.kinds()).toEqual(['seq_gap']);
    expect(h.anomalies[0]?.detail).toContain('expected seq 3, got 5: 2 line(s) lost');
    h.press(1, 6000, 6100);
    h.waitUntil(7000);
    expect(h.seen()).toEqual(['1:single@6400']);
  });

  it('checks seq on heartbeats and device gestures too', () => {
    const h = new Harness();
    h.heartbeat(1000);
    h.seq = 7;
    h.heartbeat(2000);
    h.seq = 3;
    h.deliver({ type: 'gesture', seq: 3, ms: 3000, button: 1, gesture: 'double' }, 3000);
    expect(h.kinds()).toEqual(['seq_gap', 'seq_gap']);
    expect(h.seen()).toEqual(['1:double@3000(device)']);
  });

  it('drops a press on D while down, and its release', () => {
    const h = new Harness();
    h.edge(1000, 1, 'D');
    h.edge(1100, 1, 'D');
    h.edge(1200, 1, 'U');
    h.waitUntil(3000);
    expect(h.seen()).toEqual([]);
    expect(h.kinds()).toEqual(['double_down:1']);
    h.press(1, 4000, 4100);
    h.waitUntil(5000);
    expect(h.seen()).toEqual(['1:single@4400']);
  });

  it('resets the button on U without D, dropping the pending single', () => {
    const h = new Harness();
    h.press(1, 1000, 1100);
    h.edge(1200, 1, 'U');
    h.waitUntil(3000);
    expect(h.seen()).toEqual([]);
    expect(h.kinds()).toEqual(['up_without_down:1']);
  });

  it('ignores quietly the first release after start, the end of a press begun before', () => {
    const h = new Harness();
    h.edge(1000, 1, 'U');
    h.press(1, 2000, 2100);
    h.waitUntil(3000);
    expect(h.anomalies).toEqual([]);
    expect(h.seen()).toEqual(['1:single@2400']);
  });

  it('treats HELLO after lines as a restart: all buttons reset, seq and time re-anchored', () => {
    const h = new Harness();
    h.edge(50_000, 1, 'D');
    h.deliver({ type: 'hello', proto: 1, deviceId: 'rmt-1', firmware: '0.3.0', buttons: 4 }, 50_100);
    h.seq = 0;
    h.press(1, 100, 200, 50_000); // new uptime: small ms, fresh seq, different offset
    h.waitUntil(51_000);
    expect(h.kinds()).toEqual(['device_restart']);
    expect(h.seen()).toEqual(['1:single@500']);
  });

  it('does not count a HELLO before any line as a restart', () => {
    const h = new Harness();
    h.deliver({ type: 'hello', proto: 1, deviceId: 'rmt-1', firmware: '0.3.0', buttons: 4 }, 0);
    h.deliver({ type: 'log', text: 'booted' }, 1);
    h.press(1, 1000, 1100);
    h.waitUntil(2000);
    expect(h.anomalies).toEqual([]);
    expect(h.seen()).toEqual(['1:single@1400']);
  });

  it('detects a restart from device time stepping back over 2^31 without HELLO', () => {
    const h = new Harness();
    h.edge(90_000, 1, 'D');
    h.press(1, 10, 110, 90_100); // seq continues, so only the time step tells
    h.waitUntil(95_000);
    expect(h.kinds()).toEqual(['device_restart']);
    expect(h.seen()).toEqual(['1:single@410']);
  });

  it('decodes unknown buttons with the defaults, unmapped, one anomaly per button', () => {
    const defaults = { doublePressMs: 200, longPressMs: 500, debounceMs: 10 };
    const h = new Harness({ defaults });
    h.press(5, 1000, 1100);
    h.press(5, 1350, 1450); // 250 ms after: a double under TIMING (300), not under defaults (200)
    h.edge(2000, 5, 'D');
    h.deliver({ type: 'gesture', seq: h.seq++, ms: 2100, button: 6, gesture: 'single' }, 2100);
    h.deliver({ type: 'gesture', seq: h.seq++, ms: 2200, button: 1, gesture: 'long' }, 2200);
    h.waitUntil(3000);
    expect(h.seen()).toEqual([
      '5:single@1300!',
      '5:single@1650!',
      '6:single@2100!(device)',
      '1:long@2200(device)',
      '5:long@2500!',
    ]);
    expect(h.kinds()).toEqual(['unknown_button:5', 'unknown_button:6']);
  });

  it('drops everything on reset() and re-anchors to the next line', () => {
    const h = new Harness();
    h.press(1, 1000, 1100);
    h.edge(1200, 1, 'D');
    h.decoder.reset('port closed');
    expect(h.clock.pendingTimers).toBe(0);
    h.seq = 40;
    h.edge(1300, 1, 'U', 10_000); // after reopening: quiet, no gap, new offset
    h.press(1, 1400, 1500, 10_000);
    h.waitUntil(20_000);
    expect(h.seen()).toEqual(['1:single@1800']);
    expect(h.anomalies).toEqual([]);
  });

  it('counts gestures and anomalies', () => {
    const h = new Harness();
    h.press(1, 1000, 1010);
    h.press(1, 2000, 2100);
    h.press(1, 3000, 4000);
    h.waitUntil(5000);
    expect(h.decoder.stats()).toEqual({
      gestures: { single: 1, double: 0, long: 1 },
      anomalies: expect.objectContaining({ bounce: 1, seq_gap: 0, late_edge: 0 }),
    });
  });

  it('stop() clears the timer and ignores later lines', () => {
    const h = new Harness();
    h.edge(1000, 1, 'D');
    expect(h.clock.pendingTimers).toBe(1);
    h.decoder.stop();
    h.decoder.stop();
    expect(h.clock.pendingTimers).toBe(0);
    h.edge(1100, 1, 'U');
    h.waitUntil(5000);
    expect(h.seen()).toEqual([]);
  });

  it('refuses impossible timing with ERR_DECODER_TIMING', () => {
    const build = () =>
      new GestureDecoder({
        defaults: TIMING,
        buttons: new Map([[2, { timing: { ...TIMING, longPressMs: 10 }, mapped: new Set() }]]),
        onGesture: () => {},
      });
    expect(build).toThrow(expect.objectContaining({ code: 'ERR_DECODER_TIMING' }));
    try {
      build();
    } catch (error) {
      expect(isPressgateError(error, 'ERR_DECODER_TIMING')).toBe(true);
      expect((error as Error).message).toContain('button 2');
    }
  });
});
