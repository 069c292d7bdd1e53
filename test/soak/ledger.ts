/**
 * The soak's accounting: every gesture the relay acknowledged (a 202 with a messageId, or a
 * "gesture queued" log line for a press on the serial remote) must end delivered (seen by
 * the gateway) or recorded with an outcome and a reason. Duplicates at the gateway are only
 * allowed where the relay could not know its send landed: an answer cut off, an answer held
 * past the relay's timeout (the gateway still takes the event), or a SIGKILL.
 */
import type { AcceptedEvent, GatewayRequestRecord } from '@pressgate/emulator';

export type LogLine = Record<string, unknown>;

export type Acknowledged = { source: 'http' | 'pty'; atMs: number };

/** Outcomes the relay records for an event it gave up on, with a reason. */
export const RECORDED_OUTCOMES = ['expired', 'dead_letter', 'relink_required', 'rate_limited'] as const;
export type RecordedOutcome = (typeof RECORDED_OUTCOMES)[number];

export type LedgerInput = {
  acknowledged: ReadonlyMap<string, Acknowledged>;
  /** Log lines of every relay process of the run, in order. */
  logs: readonly LogLine[];
  /** What the gateway accepted (events with an eventId are gestures). */
  accepted: readonly AcceptedEvent[];
  /** Every gateway request, for the answers cut off after acceptance. */
  requests: readonly GatewayRequestRecord[];
  /** When the relay was SIGKILLed, epoch ms. */
  killsAtMs: readonly number[];
};

export type Ledger = {
  acknowledged: { http: number; pty: number };
  delivered: number;
  recorded: Record<RecordedOutcome, number>;
  /** Reason code -> count, over every recorded outcome. */
  reasons: Record<string, number>;
  /** Extra copies at the gateway, by what explains them. */
  duplicates: { afterCut: number; afterTimeout: number; afterCrash: number; unexplained: string[] };
  /** Acknowledged, neither delivered nor recorded: the invariant's failures. */
  vanished: string[];
  /** Recorded with an outcome but no reason code. */
  withoutReason: string[];
  /** Delivered gestures whose acknowledgement the soak never saw (lost to a crash or cut). */
  deliveredUnacknowledged: number;
};

export function settle(input: LedgerInput): Ledger {
  const copies = new Map<string, number[]>();
  for (const event of input.accepted) {
    if (event.eventId === undefined) continue;
    const times = copies.get(event.messageId) ?? [];
    times.push(Date.parse(event.at));
    copies.set(event.messageId, times);
  }
  const cut = new Set(
    input.requests
      .filter((request) => request.outcome === 'cut' && request.cutAfter === 'accepted')
      .map((request) => request.messageId),
  );
  const held = new Set(
    input.requests.filter((request) => request.delayedMs !== undefined).map((request) => request.messageId),
  );
  const outcomes = new Map<string, LogLine>();
  for (const line of input.logs) {
    const { messageId, outcome } = line;
    if (typeof messageId !== 'string' || typeof outcome !== 'string') continue;
    if ((RECORDED_OUTCOMES as readonly string[]).includes(outcome)) outcomes.set(messageId, line);
  }

  const ledger: Ledger = {
    acknowledged: { http: 0, pty: 0 },
    delivered: 0,
    recorded: { expired: 0, dead_letter: 0, relink_required: 0, rate_limited: 0 },
    reasons: {},
    duplicates: { afterCut: 0, afterTimeout: 0, afterCrash: 0, unexplained: [] },
    vanished: [],
    withoutReason: [],
    deliveredUnacknowledged: 0,
  };
  for (const [messageId, ack] of input.acknowledged) {
    ledger.acknowledged[ack.source] += 1;
    const times = copies.get(messageId);
    if (times !== undefined) {
      ledger.delivered += 1;
      for (let index = 1; index < times.length; index += 1) {
        const [previous, current] = [times[index - 1] ?? 0, times[index] ?? 0];
        if (cut.has(messageId)) ledger.duplicates.afterCut += 1;
        else if (held.has(messageId)) ledger.duplicates.afterTimeout += 1;
        else if (input.killsAtMs.some((kill) => kill >= previous && kill <= current)) {
          ledger.duplicates.afterCrash += 1;
        } else ledger.duplicates.unexplained.push(messageId);
      }
      continue;
    }
    const line = outcomes.get(messageId);
    if (line === undefined) {
      ledger.vanished.push(messageId);
      continue;
    }
    const outcome = line.outcome as RecordedOutcome;
    ledger.recorded[outcome] += 1;
    const reason = typeof line.code === 'string' ? line.code : undefined;
    if (reason === undefined) ledger.withoutReason.push(messageId);
    const key = `${outcome}:${reason ?? 'none'}`;
    ledger.reasons[key] = (ledger.reasons[key] ?? 0) + 1;
  }
  for (const messageId of copies.keys()) {
    if (!input.acknowledged.has(messageId)) ledger.deliveredUnacknowledged += 1;
  }
  return ledger;
}

/** One summary line per category. */
export function describeLedger(ledger: Ledger): string[] {
  const { acknowledged, recorded, duplicates } = ledger;
  return [
    `acknowledged: ${acknowledged.http + acknowledged.pty} (http 202: ${acknowledged.http}, pty queued: ${acknowledged.pty})`,
    `delivered: ${ledger.delivered}`,
    `expired: ${recorded.expired}`,
    `dead-lettered: ${recorded.dead_letter}`,
    `relink required: ${recorded.relink_required}`,
    `rate-limited: ${recorded.rate_limited}`,
    `reasons: ${JSON.stringify(ledger.reasons)}`,
    `duplicates: after a cut answer ${duplicates.afterCut}, after a timeout ${duplicates.afterTimeout}, after a SIGKILL ${duplicates.afterCrash}, unexplained ${duplicates.unexplained.length}`,
    `vanished: ${ledger.vanished.length}${ledger.vanished.length > 0 ? ` ${JSON.stringify(ledger.vanished.slice(0, 10))}` : ''}`,
    `recorded without a reason: ${ledger.withoutReason.length}`,
    `delivered without an acknowledgement seen (cut by a crash): ${ledger.deliveredUnacknowledged}`,
  ];
}
