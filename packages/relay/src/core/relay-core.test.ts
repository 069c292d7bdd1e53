import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPressgateError, PressgateConfig, type PressgateConfigInput } from '@pressgate/protocol';
import {
  BUTTON_1_INSTANCE,
  captureLogs,
  freshDir,
  gatewayError,
  lwaTokens,
  type ScriptedHandler,
  simpleEntry,
  startScriptedServer,
  waitFor,
} from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RelayEvent } from '../ports.js';
import { REDACT_PATHS } from '../relay-logger.js';
import { PressgateRelayCore } from './relay-core.js';

const CLIENT_SECRET = 'client-secret-never-logged';
const AUTH_CODE = 'auth-code-never-logged';

function remote(
  id: string,
  endpointId: string,
  instance = BUTTON_1_INSTANCE,
): PressgateConfigInput['remotes'] extends (infer R)[] | undefined ? R : never {
  return {
    id,
    serial: { path: `/dev/serial/by-id/${id}` },
    endpoint: { endpointId, friendlyName: `${id} remote` },
    buttons: [
      {
        button: 1,
        instance,
        names: [{ asset: 'Alexa.Button.OnButton' }],
        gestures: { single: { id: 'Button.SinglePush.1' }, double: { id: 'Button.DoublePush.1' } },
      },
    ],
  };
}

async function startCore(options: {
  gateway?: ScriptedHandler;
  dataDir?: string;
  remotes?: PressgateConfigInput['remotes'];
  link?: boolean;
}) {
  const dataDir = options.dataDir ?? (await freshDir());
  const lwa = await startScriptedServer('/auth/o2/token', (_request, i) => lwaTokens(i + 1));
  const gateway = await startScriptedServer('/v3/events', options.gateway ?? (() => ({ status: 202 })));
  const config = configFor(dataDir, gateway.url, lwa.url, options.remotes);
  const logs = captureLogs();
  const core = new PressgateRelayCore({ config, logger: logs.logger, stopDrainMs: 200 });
  const events: RelayEvent[] = [];
  core.subscribe((event) => events.push(event));
  await core.start();
  onTestFinished(() => core.stop());
  if (options.link === true) await core.tokens.acceptGrant(AUTH_CODE);
  const records = () => events.flatMap((event) => (event.type === 'delivery' ? [event.record] : []));
  const deliveries = (count: number) =>
    waitFor(
      `${count} deliveries`,
      () => (records().length >= count ? records() : undefined),
      () => ({ deliveries: records(), requests: gateway.requests.length }),
      10_000,
    );
  return { dataDir, lwa, gateway, config, logs, core, events, deliveries };
}

function configFor(
  dataDir: string,
  gatewayUrl: string,
  lwaTokenUrl: string,
  remotes?: PressgateConfigInput['remotes'],
) {
  return PressgateConfig.parse({
    relay: { dataDir },
    alexa: {
      region: 'NA',
      clientId: 'amzn1.application-oa2-client.test',
      clientSecret: CLIENT_SECRET,
      gatewayUrl,
      lwaTokenUrl,
    },
    directives: { secret: 'directive-secret-0123456789' },
    remotes: remotes ?? [remote('living-room', 'living-room-remote')],
  } satisfies PressgateConfigInput);
}

const bodies = (requests: { body: string }[]) => requests.map((request) => JSON.parse(request.body));

describe('PressgateRelayCore', () => {
  it('ingests a mapped gesture: durable, sent with the device time, reported to subscribers', async () => {
    const h = await startCore({ link: true });
    const at = new Date(Date.now() - 200).toISOString();
    const result = await h.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'double', at });
    expect(result).toMatchObject({
      ok: true,
      endpointId: 'living-room-remote',
      eventId: 'Button.DoublePush.1',
    });
    const [record] = await h.deliveries(1);
    expect(record).toMatchObject({ outcome: 'delivered', createdAt: at });
    const [sent] = bodies(h.gateway.requests);
    expect(sent.event.header).toMatchObject({
      namespace: 'Alexa.SimpleEventSource',
      instance: BUTTON_1_INSTANCE,
    });
    expect(sent.event.header.messageId).toBe(result.ok ? result.messageId : '');
    expect(sent.event.payload).toEqual({ id: 'Button.DoublePush.1', timestamp: at });
    expect(sent.event.endpoint.scope).toEqual({ type: 'BearerToken', token: 'Atza|access-1' });
    expect(h.events.map((event) => event.type)).toEqual(['link', 'gesture', 'delivery']);
    expect(h.events[1]).toMatchObject({ type: 'gesture', mapped: true, eventId: 'Button.DoublePush.1' });
    expect(h.core.outboxCounts()).toEqual({
      pending: 0,
      delivered: 1,
      expired: 0,
      deadLetter: 0,
      rateLimited: 0,
      superseded: 0,
    });
    expect(h.core.recentDeliveries()).toEqual([record]);
  });

  it('returns unmapped and unknown-remote results without sending, and still shows the gesture', async () => {
    const h = await startCore({ link: true });
    const unmapped = await h.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'long' });
    const unknown = await h.core.ingest({ remoteId: 'kitchen', button: 1, gesture: 'single' });
    expect(unmapped).toMatchObject({ ok: false, code: 'ERR_INGEST_UNMAPPED' });
    expect(unknown).toMatchObject({ ok: false, code: 'ERR_INGEST_UNKNOWN_REMOTE' });
    expect(h.events.filter((event) => event.type === 'gesture')).toEqual([
      expect.objectContaining({ remoteId: 'living-room', mapped: false }),
      expect.objectContaining({ remoteId: 'kitchen', mapped: false }),
    ]);
    expect(h.core.outboxCounts().pending).toBe(0);
    expect(h.gateway.requests).toHaveLength(0);
  });

  it('keeps an unlinked event across a restart and sends it later with its original messageId', async () => {
    const first = await startCore({});
    const result = await first.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' });
    expect(first.core.outboxCounts().pending).toBe(1);
    await first.core.stop();
    expect(first.gateway.requests).toHaveLength(0);
    const stale = simpleEntry('living-room-remote', Date.now() - 60_000);
    const file = JSON.parse(await readFile(join(first.dataDir, 'outbox.json'), 'utf8'));
    file.pending.push(stale);
    await writeFile(join(first.dataDir, 'outbox.json'), JSON.stringify(file));
    await writeFile(
      join(first.dataDir, 'tokens.json'),
      JSON.stringify({
        version: 1,
        accessToken: 'Atza|stored',
        refreshToken: 'Atzr|stored',
        accessTokenExpiresAt: Date.now() + 3600_000,
      }),
    );
    const second = await startCore({ dataDir: first.dataDir });
    const records = await second.deliveries(2);
    const byId = new Map(records.map((record) => [record.messageId, record]));
    expect(byId.get(result.ok ? result.messageId : '')).toMatchObject({ outcome: 'delivered', attempts: 1 });
    expect(byId.get(stale.messageId)).toMatchObject({
      outcome: 'expired',
      attempts: 0,
      code: 'ERR_OUTBOX_EXPIRED',
    });
    expect(byId.get(stale.messageId)?.description).toMatch(/maxEventAgeMs/);
    expect(bodies(second.gateway.requests).map((body) => body.event.header.messageId)).toEqual([
      result.ok ? result.messageId : 'missing',
    ]);
    expect(second.gateway.requests[0]?.headers.authorization).toBe('Bearer Atza|stored');
  });

  it('sends a ChangeReport when a remote connects or disconnects, once per change, only when linked', async () => {
    const h = await startCore({});
    await h.core.setRemoteStatus('living-room', { connected: true, deviceId: 'rmt-00a1', firmware: '0.3.0' });
    expect(h.core.outboxCounts().pending).toBe(0);
    // Linking reports the state that changed while unlinked.
    await h.core.tokens.acceptGrant(AUTH_CODE);
    await h.deliveries(1);
    await h.core.setRemoteStatus('living-room', { connected: false });
    await h.core.setRemoteStatus('living-room', { connected: false });
    await h.core.setRemoteStatus('living-room', { connected: true });
    await h.deliveries(3);
    const reports = bodies(h.gateway.requests);
    expect(reports.map((body) => body.event.header.name)).toEqual([
      'ChangeReport',
      'ChangeReport',
      'ChangeReport',
    ]);
    expect(reports.map((body) => body.event.payload.change.properties[0].value.value)).toEqual([
      'OK',
      'UNREACHABLE',
      'OK',
    ]);
    expect(reports[0].event.endpoint).toEqual({
      scope: { type: 'BearerToken', token: 'Atza|access-1' },
      endpointId: 'living-room-remote',
    });
    expect(h.core.connectivity('living-room-remote')).toBe('OK');
    expect(h.core.connectivity('nope')).toBeUndefined();
    expect(h.core.remotes()).toEqual([
      expect.objectContaining({
        id: 'living-room',
        connected: true,
        deviceId: 'rmt-00a1',
        firmware: '0.3.0',
      }),
    ]);
    expect(h.events.filter((event) => event.type === 'remote')).toHaveLength(4);
  });

  it('after relinking, reports a connectivity change made while relink_required, for known remotes only', async () => {
    const h = await startCore({
      link: true,
      remotes: [
        remote('living-room', 'living-room-remote'),
        remote('hall', 'hall-remote', '0d6f3b2e-7c10-4c1e-9a55-4f0c8a3e2b7d'),
      ],
    });
    await h.core.setRemoteStatus('living-room', { connected: true });
    await h.deliveries(1);
    await h.core.tokens.markRelinkRequired('SKILL_DISABLED_EXCEPTION');
    await h.core.setRemoteStatus('living-room', { connected: false });
    expect(h.core.outboxCounts().pending).toBe(0);
    await h.core.tokens.acceptGrant(AUTH_CODE);
    await h.deliveries(2);
    const reports = bodies(h.gateway.requests);
    expect(reports).toHaveLength(2);
    // The hall remote was never seen by a listener: nothing is claimed about it.
    expect(reports.map((body) => body.event.endpoint.endpointId)).toEqual([
      'living-room-remote',
      'living-room-remote',
    ]);
    expect(reports.map((body) => body.event.payload.change.properties[0].value.value)).toEqual([
      'OK',
      'UNREACHABLE',
    ]);
    expect(reports[1].event.endpoint.scope.token).toBe('Atza|access-2');
  });

  it('keeps failures apart from deliveries in recentFailures', async () => {
    const h = await startCore({
      link: true,
      gateway: (_request, i) => (i === 0 ? gatewayError(400, 'INVALID_REQUEST_EXCEPTION') : { status: 202 }),
    });
    await h.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' });
    await h.deliveries(1);
    await h.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'double' });
    const records = await h.deliveries(2);
    expect(records.map((record) => record.outcome).sort()).toEqual(['dead_letter', 'delivered']);
    expect(h.core.recentFailures()).toEqual([
      expect.objectContaining({ outcome: 'dead_letter', code: 'INVALID_REQUEST_EXCEPTION' }),
    ]);
    expect(h.core.recentDeliveries()).toHaveLength(2);
  });

  it('refuses an at more than 5 s ahead of its clock and clamps a slightly early one to now', async () => {
    const h = await startCore({ link: true });
    const ahead = new Date(Date.now() + 60_000).toISOString();
    const refused = await h.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single', at: ahead });
    expect(refused).toMatchObject({ ok: false, code: 'ERR_INGEST_FUTURE_TIME' });
    expect(refused.ok ? '' : refused.message).toMatch(/ahead of the relay's clock.*NTP/);
    expect(h.core.outboxCounts().pending).toBe(0);
    const before = Date.now();
    const slightly = new Date(before + 3_000).toISOString();
    const accepted = await h.core.ingest({
      remoteId: 'living-room',
      button: 1,
      gesture: 'single',
      at: slightly,
    });
    const after = Date.now();
    expect(accepted.ok).toBe(true);
    const [record] = await h.deliveries(1);
    const sent = Date.parse(bodies(h.gateway.requests)[0].event.payload.timestamp);
    expect(sent).toBeGreaterThanOrEqual(before);
    expect(sent).toBeLessThanOrEqual(after);
    expect(Date.parse(record?.createdAt ?? '')).toBe(sent);
  });

  it('announces added and changed endpoints with AddOrUpdateReport and removed ones with DeleteReport', async () => {
    const h = await startCore({
      link: true,
      remotes: [
        remote('living-room', 'living-room-remote'),
        remote('hall', 'hall-remote', '0d6f3b2e-7c10-4c1e-9a55-4f0c8a3e2b7d'),
      ],
    });
    const next = configFor(h.dataDir, h.config.alexa.gatewayUrl ?? '', h.config.alexa.lwaTokenUrl ?? '', [
      remote('living-room', 'living-room-remote'),
      remote('kitchen', 'kitchen-remote', '9b2d7c1e-3f4a-4b5c-8d6e-7f8091a2b3c4'),
    ]);
    await h.core.updateConfig(next);
    await h.deliveries(2);
    const [add, remove] = bodies(h.gateway.requests);
    expect(add.event.header.name).toBe('AddOrUpdateReport');
    expect(
      add.event.payload.endpoints.map((endpoint: { endpointId: string }) => endpoint.endpointId),
    ).toEqual(['kitchen-remote']);
    expect(add.event.payload.scope).toEqual({ type: 'BearerToken', token: 'Atza|access-1' });
    expect(remove.event.header.name).toBe('DeleteReport');
    expect(remove.event.payload.endpoints).toEqual([{ endpointId: 'hall-remote' }]);
    expect(h.core.discoveryEndpoints().map((endpoint) => endpoint.endpointId)).toEqual([
      'living-room-remote',
      'kitchen-remote',
    ]);
  });

  it('announces on start what the config changed while the relay was down, from the persisted announced set', async () => {
    const hall = remote('hall', 'hall-remote', '0d6f3b2e-7c10-4c1e-9a55-4f0c8a3e2b7d');
    const first = await startCore({
      link: true,
      remotes: [remote('living-room', 'living-room-remote'), hall],
    });
    // Linking announces nothing new: the first start recorded the config's endpoints as announced.
    await first.core.stop();
    expect(first.gateway.requests).toHaveLength(0);
    const announced = JSON.parse(await readFile(join(first.dataDir, 'announced.json'), 'utf8'));
    expect(Object.keys(announced.endpoints)).toEqual(['living-room-remote', 'hall-remote']);

    // Edited while down: hall removed, kitchen added. The tokens in the data dir keep it linked.
    const kitchen = remote('kitchen', 'kitchen-remote', '9b2d7c1e-3f4a-4b5c-8d6e-7f8091a2b3c4');
    const second = await startCore({
      dataDir: first.dataDir,
      remotes: [remote('living-room', 'living-room-remote'), kitchen],
    });
    await second.deliveries(2);
    const [add, remove] = bodies(second.gateway.requests);
    expect(add.event.header.name).toBe('AddOrUpdateReport');
    expect(add.event.payload.endpoints.map((e: { endpointId: string }) => e.endpointId)).toEqual([
      'kitchen-remote',
    ]);
    expect(remove.event.header.name).toBe('DeleteReport');
    expect(remove.event.payload.endpoints).toEqual([{ endpointId: 'hall-remote' }]);
    await second.core.stop();

    // Announced once: the next start has nothing to say.
    const third = await startCore({
      dataDir: first.dataDir,
      remotes: [remote('living-room', 'living-room-remote'), kitchen],
    });
    await third.core.stop();
    expect(third.gateway.requests).toHaveLength(0);
  });

  it('stop waits a bounded time for a hung send, keeps the event pending on disk, and refuses ingest', async () => {
    const h = await startCore({ gateway: () => 'hang', link: true });
    const result = await h.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' });
    await waitFor('the send to reach the gateway', () =>
      h.gateway.requests.length === 1 ? true : undefined,
    );
    const started = performance.now();
    await h.core.stop();
    expect(performance.now() - started).toBeLessThan(2_000);
    const file = JSON.parse(await readFile(join(h.dataDir, 'outbox.json'), 'utf8'));
    expect(file.pending.map((entry: { messageId: string }) => entry.messageId)).toEqual([
      result.ok ? result.messageId : 'missing',
    ]);
    const error = await h.core
      .ingest({ remoteId: 'living-room', button: 1, gesture: 'single' })
      .catch((caught: unknown) => caught);
    expect(isPressgateError(error, 'ERR_RELAY_STOPPED')).toBe(true);
  });

  it('never logs a token, refresh token, client secret or authorization code', async () => {
    const h = await startCore({
      gateway: (_request, i) =>
        i === 0 ? gatewayError(401, 'INVALID_ACCESS_TOKEN_EXCEPTION') : { status: 202 },
      link: true,
    });
    await h.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' });
    await h.deliveries(1);
    // Second line of defence: redaction catches secrets passed in by mistake.
    h.logs.logger.info({ accessToken: 'Atza|leak', headers: { authorization: 'Bearer Atza|leak' } }, 'oops');
    await h.core.stop();
    expect(h.lwa.requests).toHaveLength(2);
    expect(h.logs.lines.length).toBeGreaterThan(5);
    for (const line of h.logs.lines) {
      for (const secret of ['Atza|', 'Atzr|', CLIENT_SECRET, AUTH_CODE, 'Bearer ']) {
        expect(line, `log line leaks ${secret}`).not.toContain(secret);
      }
    }
    expect(REDACT_PATHS).toContain('accessToken');
    const delivered = h.logs.entries().find((line) => line.msg === 'event delivered');
    expect(delivered).toMatchObject({ endpointId: 'living-room-remote', status: 202, attempts: 2 });
    expect(typeof delivered?.latencyMs).toBe('number');
  });
});
