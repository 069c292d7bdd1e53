import { withScopeToken } from '@pressgate/protocol';
import type { DeliveryRecord } from '@pressgate/relay';
import {
  type Clock,
  Delivery,
  GatewayClient,
  LwaClient,
  Outbox,
  TokenManager,
} from '@pressgate/relay/internals';
import { onTestFinished } from 'vitest';
import { freshDir } from './fresh-dir.js';
import { captureLogs } from './logs.js';
import { lwaTokens, type ScriptedHandler, startScriptedServer } from './scripted-server.js';
import { waitFor } from './wait-for.js';

/** When delivery started a send (epoch ms) and the timeout it asked for. */
export type SendStart = { at: number; timeoutMs?: number };

export type DeliveryHarnessOptions = {
  gateway: ScriptedHandler;
  lwa?: ScriptedHandler;
  linked?: boolean;
  maxEventAgeMs?: number;
  requestTimeoutMs?: number;
  dataDir?: string;
  start?: boolean;
  rateLimit?: { burst: number; perMinute: number };
  maxInFlight?: number;
  /** Delivery's clock (default: the system's). */
  clock?: Clock;
};

/** Real LWA + gateway servers, real files, the real token manager, outbox and delivery. */
export async function startDeliveryHarness(options: DeliveryHarnessOptions) {
  const dataDir = options.dataDir ?? (await freshDir('pressgate-relay-'));
  const lwa = await startScriptedServer('/auth/o2/token', options.lwa ?? ((_request, i) => lwaTokens(i + 1)));
  const gateway = await startScriptedServer('/v3/events', options.gateway);
  const logs = captureLogs();
  const tokens = new TokenManager({
    dataDir,
    lwa: new LwaClient({ tokenUrl: lwa.url, clientId: 'amzn1.client', clientSecret: 'client-secret-xyz' }),
    logger: logs.logger,
  });
  await tokens.start();
  onTestFinished(() => tokens.stop());
  if (options.linked !== false) await tokens.acceptGrant('auth-code-xyz');
  const outbox = new Outbox({ dataDir });
  await outbox.open();
  const client = new GatewayClient({ url: gateway.url, requestTimeoutMs: options.requestTimeoutMs ?? 2_000 });
  const records: DeliveryRecord[] = [];
  // The real client, with each send's start (delivery's clock, Date.now) and time budget recorded.
  const sends: SendStart[] = [];
  const delivery = new Delivery({
    outbox,
    tokens,
    gateway: {
      send: (message, token, signal, timeoutMs) => {
        sends.push(timeoutMs === undefined ? { at: Date.now() } : { at: Date.now(), timeoutMs });
        return client.send(message, token, signal, timeoutMs);
      },
    },
    withScopeToken: (message, token) => withScopeToken(message as never, token),
    maxEventAgeMs: options.maxEventAgeMs ?? 30_000,
    logger: logs.logger,
    onRecord: (record) => records.push(record),
    networkBackoffMs: { initial: 50, max: 200 },
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  onTestFinished(async () => {
    await delivery.stop(100);
    await client.close();
    await outbox.close();
  });
  if (options.start !== false) delivery.start();
  const waitForRecords = (count: number, timeoutMs = 10_000) =>
    waitFor(
      `${count} delivery records`,
      () => (records.length >= count ? records : undefined),
      () => ({ records, requests: gateway.requests.length }),
      timeoutMs,
    );
  return { dataDir, lwa, gateway, logs, tokens, outbox, client, delivery, records, sends, waitForRecords };
}
