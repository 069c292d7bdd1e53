/**
 * What the soak does at each step: the faults it injects (by kind, weighted), the gestures it
 * sends, and reading back what the relay and the emulator saw.
 */
import type { Acknowledged } from './ledger.js';
import type { Prng } from './prng.js';
import type { SoakRig } from './soak-rig.js';

/** The relay's default gateway and LWA request timeout: a held answer past it is a timeout. */
export const RELAY_TIMEOUT_MS = 10_000;
/**
 * Access tokens are expired at most this often: more than one expiry within one event's
 * lifetime (maxEventAgeMs, 30 s) makes its retry see a 401 with a freshly refreshed token,
 * which the relay rightly takes as a broken link (relink_required). Real tokens last an hour.
 */
export const TOKEN_EXPIRY_SPACING_MS = 35_000;

export type FaultKind =
  | 'gateway429'
  | 'gateway500'
  | 'gateway503'
  | 'gatewayTimeout'
  | 'gatewayDrop'
  | 'gatewayCut'
  | 'gatewayEndlessBody'
  | 'lwaOutage'
  | 'lwaEndlessBody'
  | 'tokenExpiry'
  | 'remoteUnplug'
  | 'relayKill'
  | 'stalledStreams';

export const WEIGHTS: Record<FaultKind, number> = {
  gateway429: 3,
  gateway500: 3,
  gateway503: 3,
  gatewayTimeout: 1,
  gatewayDrop: 2,
  gatewayCut: 2,
  gatewayEndlessBody: 2,
  lwaOutage: 2,
  lwaEndlessBody: 1,
  tokenExpiry: 2,
  remoteUnplug: 2,
  relayKill: 1,
  stalledStreams: 2,
};

export type Soak = {
  rig: SoakRig;
  prng: Prng;
  acknowledged: Map<string, Acknowledged>;
  injected: Record<string, number>;
  pressed: number;
  posted: number;
  refused: number;
  replugAtMs: number | undefined;
  lastExpiryAtMs: number;
};

/** Expires the access tokens unless that happened less than TOKEN_EXPIRY_SPACING_MS ago. */
export function expireTokens(soak: Soak): boolean {
  if (Date.now() - soak.lastExpiryAtMs < TOKEN_EXPIRY_SPACING_MS) return false;
  soak.lastExpiryAtMs = Date.now();
  soak.rig.state.tokens.expireAccessTokens();
  return true;
}

export async function inject(soak: Soak, kind: FaultKind): Promise<void> {
  const { rig, prng } = soak;
  const { faults } = rig.state;
  soak.injected[kind] = (soak.injected[kind] ?? 0) + 1;
  const times = prng.int(1, 3);
  const repeat = <T>(fault: T): T[] => Array.from({ length: times }, () => fault);
  switch (kind) {
    case 'gateway429':
      faults.addGatewayFaults(repeat({ status: 429 }));
      return;
    case 'gateway500':
      faults.addGatewayFaults(repeat({ status: 500 }));
      return;
    case 'gateway503':
      faults.addGatewayFaults(repeat({ status: 503 }));
      return;
    case 'gatewayTimeout':
      faults.addGatewayFaults([{ delayMs: RELAY_TIMEOUT_MS + 1_000 }]);
      return;
    case 'gatewayDrop':
      faults.addGatewayFaults(repeat({ drop: true }));
      return;
    case 'gatewayCut':
      // At the body: the 202 was read, so the event counts as sent. At the start: no answer
      // at all after the gateway took the event, so the retry is a duplicate.
      faults.addGatewayFaults([{ cut: true, at: prng.chance(0.5) ? 'start' : 'body' }]);
      return;
    case 'gatewayEndlessBody':
      faults.addGatewayFaults([{ endless: true, status: prng.chance(0.5) ? 500 : 429 }]);
      return;
    case 'lwaOutage': {
      const outage = (['unavailable', 'drop', 'hang'] as const)[prng.int(0, 2)] ?? 'unavailable';
      faults.setLwaFault({ kind: outage, requests: times });
      expireTokens(soak);
      return;
    }
    case 'lwaEndlessBody':
      faults.setLwaFault({ kind: 'endless', requests: 1 });
      expireTokens(soak);
      return;
    case 'tokenExpiry':
      if (!expireTokens(soak)) soak.injected[kind] = (soak.injected[kind] ?? 1) - 1;
      return;
    case 'remoteUnplug':
      await rig.unplug();
      soak.replugAtMs = Date.now() + prng.int(500, 3_000);
      return;
    case 'relayKill':
      await rig.killAndRestart();
      return;
    case 'stalledStreams':
      if (rig.stalledClients < 50) rig.stallStreams(prng.int(2, 8));
      return;
  }
}

export async function postGesture(soak: Soak): Promise<void> {
  soak.posted += 1;
  const gesture = soak.prng.chance(0.5) ? 'single' : 'double';
  try {
    const response = await fetch(`${soak.rig.relay.url}/v1/gestures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ remoteId: 'living-room', button: 1, gesture, at: new Date().toISOString() }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { messageId?: string };
    if (response.status === 202 && typeof body.messageId === 'string') {
      soak.acknowledged.set(body.messageId, { source: 'http', atMs: Date.now() });
    } else soak.refused += 1;
  } catch {
    // The relay was down or killed mid-request: not acknowledged, so not owed.
    soak.refused += 1;
  }
}

export async function press(soak: Soak): Promise<void> {
  const remote = soak.rig.remote;
  if (remote === undefined) return;
  soak.pressed += 1;
  try {
    if (soak.prng.chance(0.6)) await remote.single(1);
    else await remote.double(1);
  } catch {
    // Unplugged under the press: nothing was acknowledged.
  }
}

/** Gestures the serial remote got queued, from every relay process's "gesture queued" lines. */
export function collectPtyAcknowledgements(soak: Soak): void {
  for (const line of soak.rig.allLogs()) {
    if (line.msg === 'gesture queued' && typeof line.messageId === 'string') {
      if (!soak.acknowledged.has(line.messageId)) {
        soak.acknowledged.set(line.messageId, { source: 'pty', atMs: Number(line.time ?? 0) });
      }
    }
  }
}

export function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

export function sumEndless(records: readonly { endlessBytes?: number }[]): number {
  return records.reduce((sum, record) => sum + (record.endlessBytes ?? 0), 0);
}

export async function outboxPending(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${url}/v1/status`, { signal: AbortSignal.timeout(5_000) });
    const status = (await response.json()) as { outbox?: { pending?: number } };
    return status.outbox?.pending;
  } catch {
    return undefined;
  }
}
