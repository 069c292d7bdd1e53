import { readFile } from 'node:fs/promises';
import { startHttpHarness, waitFor } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { isGestureRecord, RelayMetrics } from './metrics.js';
import { WireErrorCounts } from './wire-error-counts.js';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The samples of a Prometheus 0.0.4 text exposition; throws on a line it cannot read. */
function parseExposition(text: string): {
  samples: Sample[];
  types: Map<string, string>;
  helps: Set<string>;
} {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') types.set(meta[2] as string, meta[3] as string);
      else helps.add(meta[2] as string);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!sample) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = pair[2] as string;
    }
    samples.push({ name: sample[1] as string, labels, value: Number(sample[3]) });
  }
  return { samples, types, helps };
}

function value(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = samples.find(
    (sample) =>
      sample.name === name &&
      Object.keys(labels).length === Object.keys(sample.labels).length &&
      Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted),
  );
  return found?.value;
}

describe('GET /metrics', () => {
  it('counts gesture deliveries apart from reports and times decode to accepted, per relay', {
    timeout: 30_000,
  }, async () => {
    const one = await startHttpHarness();
    const two = await startHttpHarness();
    await one.link();
    // A ChangeReport (a report, not a gesture): the remote came up while linked.
    await one.core.setRemoteStatus('living-room', { connected: true, deviceId: 'rmt-1', firmware: '1.0.0' });
    // Decoded 1.5 s ago: the latency counts from the gesture's own time, not from the request.
    const at = new Date(Date.now() - 1_500).toISOString();
    expect(
      (await one.postGesture({ remoteId: 'living-room', button: 1, gesture: 'single', at })).statusCode,
    ).toBe(202);
    await one.postGesture({ remoteId: 'living-room', button: 2, gesture: 'double' });

    const scrape = async (h: typeof one) => {
      const response = await h.app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      return parseExposition(response.body);
    };
    const parsed = await waitFor(
      'a gesture and a report delivered in /metrics',
      async () => {
        const result = await scrape(one);
        const gestures = value(result.samples, 'pressgate_gesture_deliveries_total', {
          outcome: 'delivered',
        });
        const reports = value(result.samples, 'pressgate_report_deliveries_total', { outcome: 'delivered' });
        return gestures === 1 && reports === 1 ? result : undefined;
      },
      () => one.core.recentDeliveries(),
    );
    const { samples, types, helps } = parsed;
    // The metrics /metrics had before prom-client, same names and labels.
    expect(value(samples, 'pressgate_gestures_total', { mapped: 'true' })).toBe(1);
    expect(value(samples, 'pressgate_gestures_total', { mapped: 'false' })).toBe(1);
    expect(value(samples, 'pressgate_deliveries_total', { outcome: 'delivered' })).toBe(2);
    expect(value(samples, 'pressgate_deliveries_total', { outcome: 'dead_letter' })).toBe(0);
    expect(value(samples, 'pressgate_outbox_pending')).toBe(0);
    expect(value(samples, 'pressgate_link_state', { state: 'linked' })).toBe(1);
    expect(value(samples, 'pressgate_link_state', { state: 'unlinked' })).toBe(0);
    expect(value(samples, 'pressgate_remote_connected', { remote: 'living-room' })).toBe(1);
    expect(types.get('pressgate_deliveries_total')).toBe('counter');
    expect(types.get('pressgate_outbox_pending')).toBe('gauge');
    expect(value(samples, 'pressgate_gesture_deliveries_total', { outcome: 'expired' })).toBe(0);

    // The histogram: one observation of about 1.5 s (above the 1 s bucket, inside 2.5 s).
    expect(types.get('pressgate_gesture_accept_latency_seconds')).toBe('histogram');
    expect(value(samples, 'pressgate_gesture_accept_latency_seconds_count')).toBe(1);
    expect(value(samples, 'pressgate_gesture_accept_latency_seconds_bucket', { le: '1' })).toBe(0);
    expect(value(samples, 'pressgate_gesture_accept_latency_seconds_bucket', { le: '2.5' })).toBe(1);
    expect(value(samples, 'pressgate_gesture_accept_latency_seconds_bucket', { le: '+Inf' })).toBe(1);
    const sum = value(samples, 'pressgate_gesture_accept_latency_seconds_sum') ?? 0;
    expect(sum).toBeGreaterThanOrEqual(1.5);
    expect(sum).toBeLessThan(2.5);

    // Build info and the process / Node.js metrics.
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(value(samples, 'pressgate_build_info', { version, node: process.version })).toBe(1);
    expect(value(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    // Every family has its HELP.
    for (const name of types.keys()) expect(helps.has(name), `HELP of ${name}`).toBe(true);

    // The second relay in this process has its own registry: none of the first one's counts.
    const other = (await scrape(two)).samples;
    expect(value(other, 'pressgate_gestures_total', { mapped: 'true' })).toBe(0);
    expect(value(other, 'pressgate_deliveries_total', { outcome: 'delivered' })).toBe(0);
    expect(value(other, 'pressgate_gesture_accept_latency_seconds_count')).toBe(0);
    expect(value(other, 'pressgate_link_state', { state: 'unlinked' })).toBe(1);
    expect(value(other, 'pressgate_build_info', { version, node: process.version })).toBe(1);
  });

  it('tells a gesture record from a report record by its event id', () => {
    expect(isGestureRecord({ eventId: 'Button.SinglePush.1' })).toBe(true);
    for (const eventId of ['ChangeReport', 'AddOrUpdateReport', 'DeleteReport']) {
      expect(isGestureRecord({ eventId })).toBe(false);
    }
  });
});

describe('RelayMetrics', () => {
  it('shows the wire-error counts of this process and every outcome, rate_limited included', async () => {
    const h = await startHttpHarness();
    const wireErrors = new WireErrorCounts();
    wireErrors.record('living-room', 'ERR_WIRE_CHECKSUM');
    wireErrors.record('living-room', 'ERR_WIRE_CHECKSUM');
    wireErrors.record('living-room', 'ERR_WIRE_UNKNOWN_TYPE');
    const metrics = new RelayMetrics(h.core, wireErrors);
    const { samples } = parseExposition(await metrics.render());
    const wire = (code: string) =>
      value(samples, 'pressgate_wire_errors_total', { remote: 'living-room', code });
    expect(wire('ERR_WIRE_CHECKSUM')).toBe(2);
    expect(wire('ERR_WIRE_UNKNOWN_TYPE')).toBe(1);
    for (const outcome of ['rate_limited', 'superseded']) {
      expect(value(samples, 'pressgate_deliveries_total', { outcome }), outcome).toBe(0);
    }
  });
});
