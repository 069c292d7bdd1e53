import { buildSimpleEvent, newMessageId, withScopeToken } from '@pressgate/protocol';
import { onTestFinished } from 'vitest';
import type { DeliveryRecord } from '../../ports.js';
import { Outbox } from '../outbox/outbox.js';
import type { OutboxEntry } from '../outbox/outbox-file.js';
import {
  captureLogs,
  lwaTokens,
  makeTempDir,
  type ScriptedHandler,
  startScriptedServer,
  waitFor,
} from '../test-support.test-helpers.js';
import { LwaClient } from '../tokens/lwa-client.js';
import { TokenManager } from '../tokens/token-manager.js';
import { Delivery } from './delivery.js';
import { GatewayClient } from './gateway-client.js';

export const INSTANCE = '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10';

/** When delivery started a send (epoch ms) and the timeout it asked for. */
export type SendStart = { at: number; timeoutMs?: number };

export type HarnessOptions = {
  gateway: ScriptedHandler;
  lwa?: ScriptedHandler;
  linked?: boolean;
  maxEventAgeMs?: number;
  requestTimeoutMs?: number;
  dataDir?: string;
  start?: boolean;
};

/** Real LWA + gateway servers, real files, the real token manager, outbox and delivery. */
export async function startHarness(options: HarnessOptions) {
  const dataDir = options.dataDir ?? (await makeTempDir());
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

/** An outbox entry for a SimpleEvent created at `createdAt` (epoch ms). */
export function simpleEntry(
  endpointId = 'living-room',
  createdAt = Date.now(),
  eventId = 'Button.SinglePush.1',
  enqueuedAt = Date.now(),
): OutboxEntry {
  const messageId = newMessageId();
  const message = buildSimpleEvent({
    endpointId,
    instance: INSTANCE,
    eventId,
    timestamp: createdAt,
    messageId,
  });
  return {
    messageId,
    endpointId,
    eventId,
    createdAt: new Date(createdAt).toISOString(),
    enqueuedAt: new Date(enqueuedAt).toISOString(),
    message: message as unknown as Record<string, unknown>,
  };
}

export type SentEvent = {
  messageId: string;
  scopeToken: string;
  endpointId: string;
};

export function parseSent(body: string): SentEvent & { raw: Record<string, unknown> } {
  const raw = JSON.parse(body) as {
    event: { header: { messageId: string }; endpoint: { scope: { token: string }; endpointId: string } };
  };
  return {
    raw: raw as unknown as Record<string, unknown>,
    messageId: raw.event.header.messageId,
    scopeToken: raw.event.endpoint.scope.token,
    endpointId: raw.event.endpoint.endpointId,
  };
}
