import { Writable } from 'node:stream';
import { type ButtonSetup, Listener, type ListenerEvents, type ListenerOptions } from '@pressgate/listener';
import type { Gesture } from '@pressgate/protocol';
import { type Logger, pino } from 'pino';
import { onTestFinished } from 'vitest';
import { TIMING } from './decoder.js';

export const HELLO = 'HELLO 1 rmt-1 0.1.0 4';

/** Button 1 maps only `single` (fires on release); button 2 is not configured. */
export const BUTTONS: ReadonlyMap<number, ButtonSetup> = new Map([
  [1, { timing: TIMING, mapped: new Set<Gesture>(['single']) }],
]);

export type LogRecord = { level: number; msg: string; [key: string]: unknown };

/** A real pino logger whose JSON lines land in `records`. */
export function testLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) records.push(JSON.parse(line) as LogRecord);
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}

export type Seen = { [K in keyof ListenerEvents]: ListenerEvents[K][0][] };

/** A listener with fast reconnects, its events recorded, stopped when the test finishes. */
export function testListener(
  serial: ListenerOptions['serial'],
  extra: Partial<ListenerOptions> = {},
): { listener: Listener; seen: Seen; records: LogRecord[] } {
  const { logger, records } = testLogger();
  const listener = new Listener({
    remoteId: 'living-room',
    serial,
    decoder: { defaults: TIMING, buttons: BUTTONS },
    logger,
    reconnect: { initialDelayMs: 30, maxDelayMs: 200 },
    helloTimeoutMs: 1000,
    ...extra,
  });
  onTestFinished(() => listener.stop());
  const seen: Seen = {
    connected: [],
    disconnected: [],
    line: [],
    press: [],
    gesture: [],
    anomaly: [],
    retry: [],
    wireError: [],
  };
  listener.on('connected', (event) => seen.connected.push(event));
  listener.on('disconnected', (event) => seen.disconnected.push(event));
  listener.on('line', (event) => seen.line.push(event));
  listener.on('press', (event) => seen.press.push(event));
  listener.on('gesture', (event) => seen.gesture.push(event));
  listener.on('anomaly', (event) => seen.anomaly.push(event));
  listener.on('retry', (event) => seen.retry.push(event));
  listener.on('wireError', (event) => seen.wireError.push(event));
  return { listener, seen, records };
}

/** What a failed wait prints: event counts and the last few of each. */
export function summary(seen: Seen): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(seen).map(([name, list]) => [
        name,
        {
          count: list.length,
          last: (list as unknown[]).slice(-3).map((item) => JSON.stringify(item).slice(0, 200)),
        },
      ]),
    ),
  );
}
