import type { AddressInfo } from 'node:net';
import {
  addOrUpdateReport,
  CLIENT_ID,
  CLIENT_SECRET,
  discoverResponse,
  simpleEvent,
  tokenForm,
  waitFor,
} from '@pressgate/test-kit';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildEmulatorApp, createEmulatorState } from './app.js';
import { type Emulator, startEmulator } from './start-emulator.js';

async function started(logger?: pino.Logger): Promise<Emulator> {
  const emulator = await startEmulator({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    ...(logger === undefined ? {} : { logger }),
  });
  onTestFinished(() => emulator.close());
  return emulator;
}

async function fetchTokens(emulator: Emulator, code: string) {
  const response = await fetch(emulator.lwaTokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: tokenForm({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

function sendEvent(url: string, token: string, body: unknown, signal?: AbortSignal) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

async function control(emulator: Emulator, path: string, body?: unknown) {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

describe('startEmulator on a real port', () => {
  it('serves LWA, the gateway and the control API over HTTP', async () => {
    const emulator = await started();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.lwaTokenUrl).toBe(`${emulator.url}/auth/o2/token`);
    expect(emulator.gatewayUrl).toBe(`${emulator.url}/v3/events`);

    const { code } = (await control(emulator, 'authorization-codes')) as { code: string };
    const tokens = await fetchTokens(emulator, code);
    await control(emulator, 'discovery', discoverResponse());
    const response = await sendEvent(
      emulator.gatewayUrl,
      tokens.access_token,
      simpleEvent(tokens.access_token),
    );
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    const accepted = await (await fetch(`${emulator.url}/_emulator/accepted`)).json();
    expect(accepted).toEqual(emulator.accepted());
    expect(accepted).toHaveLength(1);
  });

  it('drops the connection for an injected drop, then answers normally', async () => {
    const emulator = await started();
    const tokens = await fetchTokens(emulator, emulator.issueAuthorizationCode());
    emulator.injectGatewayFaults([{ drop: true }]);
    const body = addOrUpdateReport(tokens.access_token);
    await expect(sendEvent(emulator.gatewayUrl, tokens.access_token, body)).rejects.toThrow(TypeError);
    expect((await sendEvent(emulator.gatewayUrl, tokens.access_token, body)).status).toBe(202);
    expect(emulator.requests().map((r) => r.outcome)).toEqual(['dropped', 'accepted']);
  });

  it('holds an injected delay past the client timeout, then still handles the event', async () => {
    const emulator = await started();
    const tokens = await fetchTokens(emulator, emulator.issueAuthorizationCode());
    emulator.injectGatewayFaults([{ delayMs: 300 }]);
    const body = addOrUpdateReport(tokens.access_token);
    await expect(
      sendEvent(emulator.gatewayUrl, tokens.access_token, body, AbortSignal.timeout(50)),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    const record = await waitFor(
      'the delayed request to be handled',
      () => emulator.requests()[0],
      () => emulator.requests(),
    );
    expect(record).toMatchObject({ outcome: 'accepted', status: 202, delayedMs: 300 });
    expect(emulator.accepted().map((e) => e.messageId)).toEqual([body.event.header.messageId]);
  });

  it('holds every gateway request for gatewayDelayMs, then accepts it; an injected fault replaces it', async () => {
    const delayMs = 150;
    const emulator = await startEmulator({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      gatewayDelayMs: delayMs,
    });
    onTestFinished(() => emulator.close());
    const tokens = await fetchTokens(emulator, emulator.issueAuthorizationCode());
    const body = addOrUpdateReport(tokens.access_token);
    const startedAt = performance.now();
    expect((await sendEvent(emulator.gatewayUrl, tokens.access_token, body)).status).toBe(202);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(delayMs - 1);
    const [request] = emulator.requests();
    const [accepted] = emulator.accepted();
    // Received at `request.at`, accepted (and answered) after the delay.
    expect(Date.parse(accepted?.at ?? '') - Date.parse(request?.at ?? '')).toBeGreaterThanOrEqual(
      delayMs - 1,
    );
    // The same split in real time with a fraction of a ms, inside the client's own round trip.
    const { receivedAtMs = Number.NaN, answeredAtMs = Number.NaN } = request ?? {};
    expect(answeredAtMs - receivedAtMs).toBeGreaterThanOrEqual(delayMs - 1);
    expect(receivedAtMs).toBeGreaterThanOrEqual(performance.timeOrigin + startedAt);
    expect(answeredAtMs).toBeLessThanOrEqual(Date.now() + 1);
    emulator.injectGatewayFaults([{ status: 503 }]);
    const injectedAt = performance.now();
    expect((await sendEvent(emulator.gatewayUrl, tokens.access_token, body)).status).toBe(503);
    expect(performance.now() - injectedAt).toBeLessThan(delayMs);
  });

  it('refuses a gatewayDelayMs that is negative, fractional or over a minute', () => {
    for (const gatewayDelayMs of [-1, 1.5, 60_001]) {
      expect(() =>
        createEmulatorState({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, gatewayDelayMs }),
      ).toThrow(expect.objectContaining({ code: 'ERR_EMULATOR_BAD_OPTIONS' }));
    }
  });

  it('drops LWA connections during an injected outage until cleared', async () => {
    const emulator = await started();
    emulator.injectLwaFault({ kind: 'drop' });
    const code = emulator.issueAuthorizationCode();
    const form = {
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    };
    const post = () =>
      fetch(emulator.lwaTokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: tokenForm(form),
      });
    await expect(post()).rejects.toThrow(TypeError);
    await expect(post()).rejects.toThrow(TypeError);
    emulator.injectLwaFault({ kind: 'clear' });
    expect((await post()).status).toBe(200);
    expect(emulator.tokenRequests().map((r) => r.outcome)).toEqual(['dropped', 'dropped', 'issued']);
  });

  it('closes at once while a request is held by a long delay', async () => {
    const state = createEmulatorState({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const app = buildEmulatorApp(state);
    onTestFinished(() => app.close());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    state.injectGatewayFaults([{ delayMs: 60_000 }]);
    const pending = sendEvent(`http://127.0.0.1:${port}/v3/events`, 'Atza|x', {});
    const outcome = pending.then(
      (response) => `answered ${response.status}`,
      () => 'failed',
    );
    await waitFor(
      'the request to take the delay',
      () => (state.faults.pendingGatewayFaults() === 0 ? true : undefined),
      () => state.requests(),
    );
    const startedAt = Date.now();
    await app.close();
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(await outcome).toBe('failed');
    expect(state.requests()).toMatchObject([{ outcome: 'dropped', delayedMs: 60_000 }]);
  });

  it('logs outcomes as JSON without tokens, codes or the client secret', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const emulator = await started(logger);
    const code = emulator.issueAuthorizationCode();
    const tokens = await fetchTokens(emulator, code);
    await sendEvent(emulator.gatewayUrl, tokens.access_token, addOrUpdateReport(tokens.access_token));
    await sendEvent(emulator.gatewayUrl, 'Atza|wrong-token', simpleEvent(tokens.access_token));
    const entries = lines.map((line) => JSON.parse(line) as { msg: string; code?: string });
    expect(entries.map((e) => e.msg)).toEqual(
      expect.arrayContaining(['LWA tokens issued', 'gateway request accepted', 'gateway request rejected']),
    );
    expect(entries.find((e) => e.msg === 'gateway request rejected')?.code).toBe(
      'INVALID_ACCESS_TOKEN_EXCEPTION',
    );
    const text = lines.join('\n');
    for (const secret of [
      code,
      tokens.access_token,
      tokens.refresh_token,
      CLIENT_SECRET,
      'Atza|wrong-token',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('closes idempotently', async () => {
    const emulator = await started();
    await Promise.all([emulator.close(), emulator.close()]);
    await expect(fetch(`${emulator.url}/_emulator/accepted`)).rejects.toThrow(TypeError);
  });
});
