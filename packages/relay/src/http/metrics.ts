import { createRequire } from 'node:module';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryOutcome, DeliveryRecord, LinkState, RelayCore, RelayEvent } from '../ports.js';
import type { WireErrorCounts } from './wire-error-counts.js';

/** Prometheus text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const OUTCOMES: readonly DeliveryOutcome[] = [
  'delivered',
  'expired',
  'dead_letter',
  'relink_required',
  'rate_limited',
  'superseded',
];
const LINK_STATES: readonly LinkState[] = ['unlinked', 'linked', 'relink_required', 'wrong_region'];

/** The message names the core gives the records of reports (report-entries.ts); any other eventId is a gesture's. */
const REPORT_EVENT_IDS: ReadonlySet<string> = new Set(['ChangeReport', 'AddOrUpdateReport', 'DeleteReport']);

/**
 * Buckets of the decode-to-accepted latency, in seconds: a healthy relay lands in the first
 * few (a LAN hop and one HTTPS call), a retried one further out, up to maxEventAgeMs (300 s at most).
 */
export const ACCEPT_LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];

/** Whether a delivery record is of a gesture's SimpleEvent (not a ChangeReport or a discovery report). */
export function isGestureRecord(record: Pick<DeliveryRecord, 'eventId'>): boolean {
  return !REPORT_EVENT_IDS.has(record.eventId);
}

/** The relay's own package version, read once (the package.json beside src/ and dist/). */
function relayVersion(): string {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/**
 * The relay's metrics, on a Registry of their own (never prom-client's global one, so two relays
 * in one process do not clash): counters fed by the core's events since this process started,
 * gauges read from the core at scrape time, and Node.js process metrics.
 */
export class RelayMetrics {
  readonly registry = new Registry();
  readonly #core: RelayCore;
  readonly #gestures: Counter<'mapped'>;
  readonly #deliveries: Counter<'outcome'>;
  readonly #gestureDeliveries: Counter<'outcome'>;
  readonly #reportDeliveries: Counter<'outcome'>;
  readonly #acceptLatency: Histogram;
  readonly #buildInfo: Gauge<'version' | 'node'>;
  #defaultsCollected = false;
  #unsubscribe: (() => void) | undefined;

  /** `wireErrors`: the unreadable-line counts of remotes read in this process, if any. */
  constructor(core: RelayCore, wireErrors?: WireErrorCounts) {
    this.#core = core;
    const registers = [this.registry];
    this.#gestures = new Counter({
      name: 'pressgate_gestures_total',
      help: 'Gestures that reached the relay, by whether they are mapped.',
      labelNames: ['mapped'],
      registers,
    });
    this.#deliveries = new Counter({
      name: 'pressgate_deliveries_total',
      help: 'Events (gestures and reports) finished by the outbox, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.#gestureDeliveries = new Counter({
      name: 'pressgate_gesture_deliveries_total',
      help: "Gestures' events (SimpleEvent) finished by the outbox, by outcome.",
      labelNames: ['outcome'],
      registers,
    });
    this.#reportDeliveries = new Counter({
      name: 'pressgate_report_deliveries_total',
      help: 'Reports (ChangeReport, AddOrUpdateReport, DeleteReport) finished by the outbox, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of OUTCOMES) {
      this.#deliveries.inc({ outcome }, 0);
      this.#gestureDeliveries.inc({ outcome }, 0);
      this.#reportDeliveries.inc({ outcome }, 0);
    }
    this.#gestures.inc({ mapped: 'true' }, 0);
    this.#gestures.inc({ mapped: 'false' }, 0);
    this.#acceptLatency = new Histogram({
      name: 'pressgate_gesture_accept_latency_seconds',
      help: "From a gesture's decoded time (device time) to the event gateway accepting its event.",
      buckets: [...ACCEPT_LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.#buildInfo = new Gauge({
      name: 'pressgate_build_info',
      help: 'Always 1; the relay version and the Node.js version as labels.',
      labelNames: ['version', 'node'],
      registers,
    });
    this.#registerGauges(core);
    if (wireErrors !== undefined) this.#registerWireErrors(wireErrors);
  }

  /** Subscribes to the core's events and starts the process metrics; idempotent. */
  start(): void {
    if (!this.#defaultsCollected) {
      this.#defaultsCollected = true;
      this.#buildInfo.set({ version: relayVersion(), node: process.version }, 1);
      collectDefaultMetrics({ register: this.registry });
    }
    this.#unsubscribe ??= this.#core.subscribe((event) => this.#count(event));
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** The exposition text of every metric on this relay's registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  #count(event: RelayEvent): void {
    if (event.type === 'gesture') {
      this.#gestures.inc({ mapped: event.mapped ? 'true' : 'false' });
    } else if (event.type === 'delivery') {
      const record = event.record;
      this.#deliveries.inc({ outcome: record.outcome });
      if (!isGestureRecord(record)) {
        this.#reportDeliveries.inc({ outcome: record.outcome });
        return;
      }
      this.#gestureDeliveries.inc({ outcome: record.outcome });
      if (record.outcome !== 'delivered') return;
      const latencyMs = Date.parse(record.finishedAt) - Date.parse(record.createdAt);
      if (Number.isFinite(latencyMs)) this.#acceptLatency.observe(Math.max(0, latencyMs) / 1000);
    }
  }

  /** Read at scrape time from the counts /v1/status shows; bounded by their own caps. */
  #registerWireErrors(wireErrors: WireErrorCounts): void {
    new Counter({
      name: 'pressgate_wire_errors_total',
      help: 'Lines from a remote that are not protocol v1, since start, by remote and wire error code.',
      labelNames: ['remote', 'code'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [remote, count] of Object.entries(wireErrors.counts())) {
          for (const [code, n] of Object.entries(count.byCode)) this.inc({ remote, code }, n);
        }
      },
    });
  }

  #registerGauges(core: RelayCore): void {
    const registers = [this.registry];
    new Gauge({
      name: 'pressgate_outbox_pending',
      help: 'Events in the outbox waiting to be sent.',
      registers,
      collect() {
        this.set(core.outboxCounts().pending);
      },
    });
    new Gauge({
      name: 'pressgate_link_state',
      help: 'The Alexa link state: 1 for the current state, 0 for the others.',
      labelNames: ['state'],
      registers,
      collect() {
        const state = core.tokens.status().state;
        for (const candidate of LINK_STATES) this.set({ state: candidate }, candidate === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'pressgate_remote_connected',
      help: 'Whether each configured remote is connected (1) or not (0).',
      labelNames: ['remote'],
      registers,
      collect() {
        // A remote removed from the config leaves the series.
        this.reset();
        for (const remote of core.remotes()) this.set({ remote: remote.id }, remote.connected ? 1 : 0);
      },
    });
  }
}
