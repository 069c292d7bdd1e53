import type { AcceptedEvent } from '@pressgate/emulator';
import type { DeliveryRecord } from '@pressgate/relay';
import type { ServiceGesture } from '../service/service.js';

/** One delivered (or failed) gesture as the demo shows it. */
export type GestureReport = {
  gesture: ServiceGesture;
  record?: DeliveryRecord;
  accepted?: AcceptedEvent;
  /**
   * When the gateway accepted it, on the performance.now() timeline: the emulator's accept time
   * (whole ms, midpoint used), else when the relay recorded the delivery.
   */
  acceptedAtMs?: number;
};

const SECRET_KEYS = new Set(['token', 'access_token', 'refresh_token']);

/** The message as the gateway accepted it, on one line; any token value replaced. */
export function compactEvent(message: unknown): string {
  return JSON.stringify(message, (key, value: unknown) =>
    SECRET_KEYS.has(key) && typeof value === 'string' ? '<redacted>' : value,
  );
}

function ms(value: number): string {
  return `${Math.max(0, Math.round(value))} ms`;
}

/** `  button 1  double  -> Button.DoublePush.1  delivered  decoded->accepted 9 ms  device->accepted 21 ms` and the event. */
export function formatReport(report: GestureReport, label = ''): string[] {
  const { gesture, record, accepted, acceptedAtMs } = report;
  const head = `${label}button ${gesture.button}  ${gesture.gesture.padEnd(6)}`;
  if (!gesture.result.ok) {
    const why =
      gesture.result.code === 'ERR_INGEST_UNMAPPED' ? 'not mapped: shown, not sent' : gesture.result.message;
    return [`${head}  ${why}`];
  }
  const eventId = gesture.result.eventId.padEnd(20);
  if (record === undefined) return [`${head}  -> ${eventId} not delivered yet`];
  if (record.outcome !== 'delivered' || acceptedAtMs === undefined) {
    return [`${head}  -> ${eventId} ${record.outcome}${record.code ? ` (${record.code})` : ''}`];
  }
  const decodedToAccepted = acceptedAtMs - gesture.decodedAtMs;
  const deviceToAccepted = performance.timeOrigin + acceptedAtMs - Date.parse(gesture.at);
  const lines = [
    `${head}  -> ${eventId} delivered  decoded->accepted ${ms(decodedToAccepted).padStart(6)}  ` +
      `device->accepted ${ms(deviceToAccepted).padStart(6)}`,
  ];
  if (accepted !== undefined) lines.push(`      ${compactEvent(accepted.message)}`);
  return lines;
}

export function formatSummary(reports: readonly GestureReport[]): string {
  const delivered = reports.filter((report) => report.record?.outcome === 'delivered').length;
  const latencies = reports
    .filter((report) => report.acceptedAtMs !== undefined)
    .map((report) => (report.acceptedAtMs ?? 0) - report.gesture.decodedAtMs)
    .sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)];
  const plural = reports.length === 1 ? 'gesture' : 'gestures';
  return (
    `${reports.length} ${plural}, ${delivered} delivered` +
    (median === undefined ? '' : `; median decoded->accepted ${ms(median)}`)
  );
}
