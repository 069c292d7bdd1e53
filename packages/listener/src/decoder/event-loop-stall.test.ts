import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, expect, it, onTestFinished } from 'vitest';
import { GestureDecoder } from './gesture-decoder.js';
import type { DecodedGesture } from './types.js';

/**
 * After the event loop stalls, Node runs due timers before reading sockets. Lines that reached
 * the host in time must still be decoded before the decoder declares a deadline passed.
 * Real timers and a real loopback socket; the stall is the subject, so it is a busy wait.
 */
describe('GestureDecoder on the real event loop', () => {
  it('reads lines received during a stall before a due deadline decides', async () => {
    const gestures: DecodedGesture[] = [];
    let gotGesture: () => void = () => {};
    const decoded = new Promise<void>((resolve) => {
      gotGesture = resolve;
    });
    const timing = { doublePressMs: 1000, longPressMs: 3000, debounceMs: 20 };
    const decoder = new GestureDecoder({
      defaults: timing,
      buttons: new Map([[1, { timing, mapped: new Set(['single', 'double'] as const) }]]),
      onGesture: (g) => {
        gestures.push(g);
        gotGesture();
      },
    });
    onTestFinished(() => decoder.stop());

    let seq = 0;
    const server = net.createServer((socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) {
          const [edge, ms] = line.split(' ');
          if (edge !== 'D' && edge !== 'U') continue;
          decoder.push({ type: 'edge', seq: seq++, ms: Number(ms), button: 1, edge });
        }
      });
    });
    server.listen(0, '127.0.0.1');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const client = net.connect(port, '127.0.0.1');
    onTestFinished(() => void client.destroy());
    await once(client, 'connect');

    // Device time 1000 is host time t0; the first press ends at 1100: single window until 2100.
    const t0 = performance.now();
    decoder.push({ type: 'heartbeat', seq: seq++, ms: 1000 }, t0);
    decoder.push({ type: 'edge', seq: seq++, ms: 1001, button: 1, edge: 'D' }, t0);
    decoder.push({ type: 'edge', seq: seq++, ms: 1100, button: 1, edge: 'U' }, t0);
    let sentAfterMs = 0;
    setImmediate(() => {
      // The second press (device 2000..2050) is sent, then the loop stalls past the deadline.
      sentAfterMs = performance.now() - t0;
      client.write('D 2000\nU 2050\n');
      while (performance.now() < t0 + 1300) {
        // stalled
      }
    });
    await decoded;
    expect(sentAfterMs, 'the test machine was too slow to send before the deadline').toBeLessThan(1000);
    expect(gestures.map((g) => `${g.gesture}@${g.deviceMs}`)).toEqual(['double@2050']);
  });
});
