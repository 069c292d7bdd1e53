import type { Emulator } from '@pressgate/emulator';
import type { RelayEvent } from '@pressgate/relay';
import type { Service, ServiceGesture } from '../service/service.js';
import type { GestureReport } from './demo-output.js';

/**
 * Follows each gesture the service handles to its outcome: a delivery record
 * from the relay and the event as the emulator accepted it. `onDone` runs once
 * per gesture (at once for an unmapped one).
 */
export class DeliveryTracker {
  readonly reports: GestureReport[] = [];
  readonly #pending = new Map<string, GestureReport>();
  readonly #early = new Map<string, { event: Extract<RelayEvent, { type: 'delivery' }>; atMs: number }>();
  readonly #emulator: Emulator;
  readonly #onDone: (report: GestureReport) => void;
  readonly #unsubscribe: () => void;
  readonly #onGesture = (gesture: ServiceGesture): void => this.#gesture(gesture);
  readonly #service: Service;

  constructor(service: Service, emulator: Emulator, onDone: (report: GestureReport) => void) {
    this.#service = service;
    this.#emulator = emulator;
    this.#onDone = onDone;
    service.on('gesture', this.#onGesture);
    this.#unsubscribe = service.relay.core.subscribe((event) => {
      if (event.type === 'delivery') this.#delivery(event, performance.now());
    });
  }

  /** Gestures finished so far (delivered or not). */
  get finished(): number {
    return this.reports.length - this.#pending.size;
  }

  stop(): void {
    this.#service.off('gesture', this.#onGesture);
    this.#unsubscribe();
  }

  #gesture(gesture: ServiceGesture): void {
    const report: GestureReport = { gesture };
    this.reports.push(report);
    if (!gesture.result.ok) {
      this.#onDone(report);
      return;
    }
    const messageId = gesture.result.messageId;
    this.#pending.set(messageId, report);
    // The delivery can finish before ingest() returned to the service.
    const early = this.#early.get(messageId);
    if (early !== undefined) {
      this.#early.delete(messageId);
      this.#delivery(early.event, early.atMs);
    }
  }

  #delivery(event: Extract<RelayEvent, { type: 'delivery' }>, atMs: number): void {
    const { record } = event;
    if (record.eventId === 'ChangeReport' || record.eventId.endsWith('Report')) return;
    const report = this.#pending.get(record.messageId);
    if (report === undefined) {
      this.#early.set(record.messageId, { event, atMs });
      return;
    }
    this.#pending.delete(record.messageId);
    report.record = record;
    if (record.outcome === 'delivered') {
      report.acceptedAtMs = atMs;
      const accepted = this.#emulator.accepted().find((entry) => entry.messageId === record.messageId);
      if (accepted !== undefined) {
        report.accepted = accepted;
        // The gateway's own accept time, not the relay's delivery record: that record follows
        // the relay's durable write of the outcome, a disk sync that is no part of the latency
        // a person feels. `at` has whole ms, so the middle of its ms is used (+-0.5 ms).
        report.acceptedAtMs = Math.min(atMs, Date.parse(accepted.at) + 0.5 - performance.timeOrigin);
      }
    }
    this.#onDone(report);
  }
}
