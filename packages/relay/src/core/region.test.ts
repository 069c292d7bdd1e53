import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PressgateConfig, type PressgateConfigInput } from '@pressgate/protocol';
import {
  BUTTON_1_INSTANCE,
  captureLogs,
  freshDir,
  gatewayError,
  lwaTokens,
  type ScriptedServer,
  startScriptedServer,
  waitFor,
} from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { DeliveryRecord } from '../ports.js';
import { PressgateRelayCore } from './relay-core.js';

/** A gateway for one region: it knows the account (202) or not (403 SKILL_NEVER_ENABLED_EXCEPTION). */
const regionGateway = (knowsAccount: boolean) =>
  startScriptedServer('/v3/events', () =>
    knowsAccount ? { status: 202 } : gatewayError(403, 'SKILL_NEVER_ENABLED_EXCEPTION'),
  );

async function startCore(options: {
  dataDir: string;
  region: 'NA' | 'EU' | 'FE' | 'auto';
  gateways: Record<'NA' | 'EU' | 'FE', ScriptedServer>;
  link: boolean;
}) {
  const lwa = await startScriptedServer('/auth/o2/token', (_request, i) => lwaTokens(i + 1));
  const config = PressgateConfig.parse({
    relay: { dataDir: options.dataDir },
    alexa: {
      region: options.region,
      clientId: 'amzn1.application-oa2-client.test',
      clientSecret: 'client-secret-never-logged',
      lwaTokenUrl: lwa.url,
    },
    directives: { secret: 'directive-secret-0123456789' },
    remotes: [
      {
        id: 'living-room',
        serial: { path: '/dev/serial/by-id/living-room' },
        endpoint: { endpointId: 'living-room-remote', friendlyName: 'Living room remote' },
        buttons: [
          {
            button: 1,
            instance: BUTTON_1_INSTANCE,
            names: [{ asset: 'Alexa.Button.OnButton' }],
            gestures: { single: { id: 'Button.SinglePush.1' } },
          },
        ],
      },
    ],
  } satisfies PressgateConfigInput);
  const logs = captureLogs();
  const core = new PressgateRelayCore({
    config,
    logger: logs.logger,
    stopDrainMs: 200,
    gatewayUrls: {
      NA: options.gateways.NA.url,
      EU: options.gateways.EU.url,
      FE: options.gateways.FE.url,
    },
  });
  const records: DeliveryRecord[] = [];
  core.subscribe((event) => {
    if (event.type === 'delivery') records.push(event.record);
  });
  await core.start();
  onTestFinished(() => core.stop());
  if (options.link) await core.tokens.acceptGrant('auth-code');
  return { core, logs, records };
}

async function regions() {
  return { NA: await regionGateway(false), EU: await regionGateway(true), FE: await regionGateway(false) };
}

const eventsAt = (server: ScriptedServer) =>
  server.requests.filter(
    (request) => JSON.parse(request.body).event.header.namespace === 'Alexa.SimpleEventSource',
  );

describe('gateway regions', () => {
  it('alexa.region auto tries NA, EU, FE on the first send after linking, keeps the one that takes the token, and remembers it', async () => {
    const dataDir = await freshDir();
    const gateways = await regions();
    const first = await startCore({ dataDir, region: 'auto', gateways, link: true });
    await first.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' });
    await waitFor(
      'the event at the EU gateway',
      () => eventsAt(gateways.EU).length === 1,
      () => first.records,
    );
    expect(gateways.FE.requests).toEqual([]);
    const remembered = await waitFor(
      'region.json',
      () => readFile(join(dataDir, 'region.json'), 'utf8').then(JSON.parse, () => undefined),
      () => first.records,
    );
    expect(remembered).toEqual({ version: 1, region: 'EU' });
    expect(first.core.tokens.status().state).toBe('linked');
    const naBefore = gateways.NA.requests.length;
    await first.core.stop();

    // After a restart the remembered region is used at once: NA sees nothing more.
    const second = await startCore({ dataDir, region: 'auto', gateways, link: false });
    await second.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' });
    await waitFor(
      'the second event at EU',
      () => eventsAt(gateways.EU).length === 2,
      () => second.records,
    );
    expect(gateways.NA.requests).toHaveLength(naBefore);
    expect(second.records.every((record) => record.outcome === 'delivered')).toBe(true);
  });

  it('a wrong configured region is reported as wrong_region with the fix, not relink_required; a restart tries again', async () => {
    const dataDir = await freshDir();
    const gateways = await regions();
    const h = await startCore({ dataDir, region: 'NA', gateways, link: true });
    await h.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' });
    const record = await waitFor(
      'the refused event',
      () => h.records.find((entry) => entry.eventId === 'Button.SinglePush.1'),
      () => h.records,
    );
    expect(record).toMatchObject({ outcome: 'dead_letter', code: 'SKILL_NEVER_ENABLED_EXCEPTION' });
    expect(h.core.tokens.status()).toMatchObject({
      state: 'wrong_region',
      reason: 'SKILL_NEVER_ENABLED_EXCEPTION',
      advice: expect.stringMatching(/set alexa\.region.*auto.*relinking does not help/),
    });
    expect(h.logs.entries()).toContainEqual(
      expect.objectContaining({ level: 50, msg: expect.stringMatching(/^wrong region: sending stopped/) }),
    );
    expect(gateways.EU.requests).toEqual([]);
    await h.core.stop();

    // Fixed in the config (auto now): the mark is cleared and the next send finds EU.
    const fixed = await startCore({ dataDir, region: 'auto', gateways, link: false });
    expect(fixed.core.tokens.status().state).toBe('linked');
    await fixed.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' });
    await waitFor(
      'the event at EU',
      () => eventsAt(gateways.EU).length === 1,
      () => fixed.records,
    );
  });
});
