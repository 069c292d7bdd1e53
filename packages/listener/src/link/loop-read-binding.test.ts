import { pbkdf2 } from 'node:crypto';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { testPtyPair, testRemote, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SerialLink } from './serial-link.js';

/** libuv's thread pool size: Node's default unless the environment sets one. */
const POOL_THREADS = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
/** Enough key stretching to keep a pool thread busy for a good while (about 1 s on a 2020s core). */
const BUSY_ITERATIONS = 3_000_000;

describe('serial reads on the event loop', () => {
  it("gets a line from a real pty while every thread of libuv's pool is busy", async () => {
    const pair = await testPtyPair();
    await testRemote(pair, { answer: 'HELLO 1 rmt-1 0.1.0 4' });
    const link = new SerialLink({ path: pair.hostPath, baudRate: 115200 });
    onTestFinished(() => link.close());
    const lines: string[] = [];
    link.on('line', (line) => lines.push(line.raw));
    await link.open();

    let poolJobsDone = 0;
    const jobs = Array.from(
      { length: POOL_THREADS },
      () =>
        new Promise<void>((resolve, reject) =>
          pbkdf2('busy', 'pool', BUSY_ITERATIONS, 64, 'sha512', (error) => {
            poolJobsDone += 1;
            if (error) reject(error);
            else resolve();
          }),
        ),
    );
    // Written straight to the device side, synchronously: a write through a port would itself
    // wait for a pool thread.
    const device = openSync(pair.devicePath, constants.O_WRONLY | constants.O_NOCTTY);
    writeSync(device, 'E 7 700 2 U\n');
    closeSync(device);

    await waitFor(
      'the line while the pool is busy',
      () => lines.includes('E 7 700 2 U'),
      () => JSON.stringify({ lines, poolJobsDone }),
    );
    // serialport's own read would have waited for a pool thread: the line comes before any job ends.
    expect(poolJobsDone).toBe(0);
    await Promise.all(jobs);
  });
});
