import {
  gatewayError,
  parseSent,
  type Reply,
  readOutboxOnDisk,
  simpleEntry,
  startDeliveryHarness,
  waitFor,
} from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../shared/clock.js';

const ok: Reply = { status: 202 };
const gaps = (times: number[]) => times.slice(1).map((at, i) => at - (times[i] ?? 0));

describe('delivery', () => {
  it('has the event on disk once enqueue resolves (the send runs alongside), sends it with the token, and removes it', async () => {
    let onDiskAtSend: unknown;
    let enqueued: Promise<void> = Promise.resolve();
    const h = await startDeliveryHarness({
      gateway: async () => {
        // The answer waits for the append: what is on disk then is what a 202 promised.
        await enqueued;
        const file = await readOutboxOnDisk(h.dataDir);
        onDiskAtSend = file.pending.map((entry: { messageId: string }) => entry.messageId);
        return ok;
      },
    });
    const entry = simpleEntry();
    enqueued = h.delivery.enqueue(entry);
    await enqueued;
    const [record] = await h.waitForRecords(1);
    expect(onDiskAtSend).toEqual([entry.messageId]);
    expect(record).toMatchObject({
      outcome: 'delivered',
      status: 202,
      attempts: 1,
      messageId: entry.messageId,
    });
    const [request] = h.gateway.requests;
    expect(request?.headers.authorization).toBe('Bearer Atza|access-1');
    expect(request?.headers['content-type']).toBe('application/json');
    const sent = parseSent(request?.body ?? '{}');
    expect(sent).toMatchObject({
      messageId: entry.messageId,
      scopeToken: 'Atza|access-1',
      endpointId: 'living-room',
    });
    const file = await readOutboxOnDisk(h.dataDir);
    expect(file.pending).toEqual([]);
    expect(file.rawText).not.toContain('Atza|');
    expect(h.outbox.counts()).toEqual({
      pending: 0,
      delivered: 1,
      expired: 0,
      deadLetter: 0,
      rateLimited: 0,
      superseded: 0,
    });
  });

  it('treats 204 as delivered', async () => {
    const h = await startDeliveryHarness({ gateway: () => ({ status: 204 }) });
    await h.delivery.enqueue(simpleEntry());
    expect((await h.waitForRecords(1))[0]).toMatchObject({ outcome: 'delivered', status: 204 });
  });

  it('resends 503, 500 and 429 at least 1 s apart, then delivers', async () => {
    const script: Reply[] = [
      gatewayError(503, 'SERVICE_UNAVAILABLE_EXCEPTION'),
      gatewayError(500, 'INTERNAL_SERVICE_EXCEPTION'),
      gatewayError(429, 'THROTTLING_EXCEPTION'),
      ok,
    ];
    const h = await startDeliveryHarness({ gateway: (_request, i) => script[i] ?? ok });
    const entry = simpleEntry();
    await h.delivery.enqueue(entry);
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({ outcome: 'delivered', status: 202, attempts: 4 });
    const times = h.gateway.requests.map((request) => request.at);
    expect(times).toHaveLength(4);
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(1000);
    expect(new Set(h.gateway.requests.map((request) => parseSent(request.body).messageId))).toEqual(
      new Set([entry.messageId]),
    );
    const warnings = h.logs
      .entries()
      .filter((line) => line.level === 40 && line.msg === 'gateway asked to resend');
    expect(warnings).toHaveLength(3);
  });

  it('gives up after 3 resends of 429 and dead-letters with the code', async () => {
    const h = await startDeliveryHarness({
      gateway: () => gatewayError(429, 'THROTTLING_EXCEPTION', 'slow down'),
    });
    await h.delivery.enqueue(simpleEntry());
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({
      outcome: 'dead_letter',
      status: 429,
      code: 'THROTTLING_EXCEPTION',
      description: 'slow down',
      attempts: 4,
    });
    expect(h.gateway.requests).toHaveLength(4);
    for (const gap of gaps(h.gateway.requests.map((request) => request.at)))
      expect(gap).toBeGreaterThanOrEqual(1000);
    expect(h.outbox.counts()).toMatchObject({ pending: 0, deadLetter: 1, rateLimited: 0, superseded: 0 });
    expect(h.logs.entries().some((line) => line.level === 50 && line.msg === 'event dead letter')).toBe(true);
  });

  it('on 401 refreshes once and resends with the new token', async () => {
    const h = await startDeliveryHarness({
      gateway: (_request, i) => (i === 0 ? gatewayError(401, 'INVALID_ACCESS_TOKEN_EXCEPTION') : ok),
    });
    await h.delivery.enqueue(simpleEntry());
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({ outcome: 'delivered', attempts: 2 });
    expect(h.gateway.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer Atza|access-1',
      'Bearer Atza|access-2',
    ]);
    expect(parseSent(h.gateway.requests[1]?.body ?? '').scopeToken).toBe('Atza|access-2');
    expect(h.lwa.requests.map((request) => new URLSearchParams(request.body).get('grant_type'))).toEqual([
      'authorization_code',
      'refresh_token',
    ]);
    expect(h.tokens.status().state).toBe('linked');
  });

  it('a second 401 after the refresh means relink_required', async () => {
    const h = await startDeliveryHarness({
      gateway: () => gatewayError(401, 'INVALID_ACCESS_TOKEN_EXCEPTION'),
    });
    await h.delivery.enqueue(simpleEntry());
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({ outcome: 'relink_required', status: 401, attempts: 2 });
    expect(h.gateway.requests).toHaveLength(2);
    expect(h.lwa.requests).toHaveLength(2);
    expect(h.tokens.status()).toMatchObject({
      state: 'relink_required',
      reason: 'INVALID_ACCESS_TOKEN_EXCEPTION',
    });
  });

  it.each([
    [403, 'SKILL_DISABLED_EXCEPTION'],
    [403, 'INSUFFICIENT_PERMISSION_EXCEPTION'],
    [404, 'ACCOUNT_NOT_FOUND_EXCEPTION'],
    [404, 'SKILL_NOT_FOUND_EXCEPTION'],
  ])('%i %s -> relink_required; later events stay unsent until they expire', async (status, code) => {
    const h = await startDeliveryHarness({ gateway: () => gatewayError(status, code), maxEventAgeMs: 1_000 });
    await h.delivery.enqueue(simpleEntry('living-room'));
    await h.delivery.enqueue(simpleEntry('living-room'));
    const records = await h.waitForRecords(2, 5_000);
    expect(records[0]).toMatchObject({ outcome: 'relink_required', status, code, attempts: 1 });
    expect(records[1]).toMatchObject({ outcome: 'expired', code: 'ERR_OUTBOX_EXPIRED', attempts: 0 });
    expect(records[1]?.description).toMatch(/ERR_LINK_RELINK_REQUIRED/);
    expect(h.gateway.requests).toHaveLength(1);
    expect(h.tokens.status()).toMatchObject({ state: 'relink_required', reason: code });
  });

  it.each([
    [400, 'INVALID_REQUEST_EXCEPTION'],
    [413, 'REQUEST_ENTITY_TOO_LARGE_EXCEPTION'],
  ])('%i %s -> dead-letter with code and description, never resent', async (status, code) => {
    const h = await startDeliveryHarness({ gateway: () => gatewayError(status, code, 'bad event') });
    await h.delivery.enqueue(simpleEntry());
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({
      outcome: 'dead_letter',
      status,
      code,
      description: 'bad event',
      attempts: 1,
    });
    expect(h.gateway.requests).toHaveLength(1);
    expect(h.tokens.status().state).toBe('linked');
    const file = await readOutboxOnDisk(h.dataDir);
    expect(file.finished).toEqual([expect.objectContaining({ outcome: 'dead_letter', code })]);
  });

  it('retries network errors with growing backoff until maxEventAgeMs, then expires and sends nothing more', async () => {
    // Harness backoff: 50 ms doubling to 200 ms. Send starts are taken on delivery's own clock
    // (Date.now) at the call, so the bounds below hold however slow the machine is.
    const h = await startDeliveryHarness({ gateway: () => 'destroy', maxEventAgeMs: 1_200 });
    const created = Date.now();
    await h.delivery.enqueue(simpleEntry('living-room', created));
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({ outcome: 'expired', code: 'ERR_OUTBOX_EXPIRED' });
    // The last try may be cut short by the deadline (a timeout) rather than refused.
    expect(record?.description).toMatch(/ERR_GATEWAY_(NETWORK|TIMEOUT)/);
    const starts = h.sends.map((send) => send.at);
    expect(starts.length, `send starts: ${JSON.stringify(starts)}`).toBeGreaterThan(2);
    expect(record?.attempts).toBe(starts.length);
    expect(h.gateway.requests.length).toBeLessThanOrEqual(starts.length);
    // Nothing starts at or past the deadline (1 ms for the tick between the check and the call).
    for (const at of starts) expect(at - created).toBeLessThan(1_200 + 1);
    // Each wait is at least the policy's backoff (timers may fire 1 ms early): 50, 100, 200, 200...
    const expected = (i: number) => Math.min(200, 50 * 2 ** i);
    gaps(starts).forEach((gap, i) => {
      expect(gap, `gap ${i} in ${JSON.stringify(gaps(starts))}`).toBeGreaterThanOrEqual(expected(i) - 1);
    });
    // ...and not far more: a backoff that never grows past 200 ms leaves room for several tries.
    expect(starts.length).toBeGreaterThanOrEqual(4);
  });

  it('expires at once when the next backoff would pass the deadline, instead of a squeezed last try', async () => {
    // Timers that fire 5 ms early on delivery's clock: sleeping "until the deadline" then left
    // a last try 5 ms before it, much closer to the one before than the backoff allows.
    const early: Clock = {
      now: () => Date.now(),
      sleep: (ms, signal) => systemClock.sleep(Math.max(0, ms - 5), signal),
    };
    const h = await startDeliveryHarness({ gateway: () => 'destroy', maxEventAgeMs: 1_000, clock: early });
    const created = Date.now();
    await h.delivery.enqueue(simpleEntry('living-room', created));
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({ outcome: 'expired', code: 'ERR_OUTBOX_EXPIRED' });
    const starts = h.sends.map((send) => send.at);
    expect(starts.length, `send starts: ${JSON.stringify(starts)}`).toBeGreaterThanOrEqual(4);
    const expected = (i: number) => Math.min(200, 50 * 2 ** i);
    gaps(starts).forEach((gap, i) => {
      expect(gap, `gap ${i} in ${JSON.stringify(gaps(starts))}`).toBeGreaterThanOrEqual(expected(i) - 6);
    });
    // The last try left a full backoff before the deadline: a next one could not have fit.
    expect(created + 1_000 - (starts.at(-1) ?? 0)).toBeLessThanOrEqual(200 + 6);
  });

  it('bounds a hung send by the time left to the event, not the full request timeout', async () => {
    const h = await startDeliveryHarness({
      gateway: () => 'hang',
      maxEventAgeMs: 800,
      requestTimeoutMs: 10_000,
    });
    const created = Date.now();
    const started = performance.now();
    await h.delivery.enqueue(simpleEntry('living-room', created));
    const [record] = await h.waitForRecords(1, 20_000);
    const tookMs = performance.now() - started;
    expect(record).toMatchObject({ outcome: 'expired', attempts: 1 });
    expect(record?.description).toMatch(/ERR_GATEWAY_TIMEOUT.*remaining age budget/);
    expect(h.sends[0]?.timeoutMs).toBeGreaterThan(0);
    expect(h.sends[0]?.timeoutMs).toBeLessThanOrEqual(800);
    // With the full 10 s request timeout this would take 10 s.
    expect(tookMs, 'ms from enqueue to the expired record').toBeLessThan(5_000);
  });

  it('counts the age from the enqueue time when the device time is in the future', async () => {
    const h = await startDeliveryHarness({ gateway: () => 'destroy', maxEventAgeMs: 600 });
    const enqueued = Date.now();
    await h.delivery.enqueue(simpleEntry('living-room', enqueued + 60_000, undefined, enqueued));
    const [record] = await h.waitForRecords(1, 5_000);
    expect(record).toMatchObject({ outcome: 'expired', code: 'ERR_OUTBOX_EXPIRED' });
    for (const send of h.sends) expect(send.at - enqueued).toBeLessThan(600 + 1);
  });

  it('reports timeouts as their own kind and expires the event', async () => {
    const h = await startDeliveryHarness({
      gateway: () => 'hang',
      maxEventAgeMs: 1_000,
      requestTimeoutMs: 300,
    });
    await h.delivery.enqueue(simpleEntry());
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({ outcome: 'expired' });
    expect(record?.description).toMatch(/ERR_GATEWAY_TIMEOUT/);
    expect(h.gateway.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('never sends an event already past maxEventAgeMs', async () => {
    const h = await startDeliveryHarness({ gateway: () => ok, maxEventAgeMs: 1_000 });
    await h.delivery.enqueue(simpleEntry('living-room', Date.now() - 1_500));
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({ outcome: 'expired', attempts: 0, code: 'ERR_OUTBOX_EXPIRED' });
    expect(h.gateway.requests).toHaveLength(0);
  });

  it('while unlinked keeps events pending (never sent), and sends them once AcceptGrant arrives', async () => {
    const h = await startDeliveryHarness({ gateway: () => ok, linked: false, maxEventAgeMs: 5_000 });
    const entry = simpleEntry();
    await h.delivery.enqueue(entry);
    await waitFor('the delivery to ask for a token', () =>
      h.logs.lines.length > 0 && h.outbox.counts().pending === 1 ? true : undefined,
    );
    expect(h.gateway.requests).toHaveLength(0);
    await h.tokens.acceptGrant('auth-code-xyz');
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({ outcome: 'delivered', messageId: entry.messageId });
    expect(h.gateway.requests[0]?.headers.authorization).toBe('Bearer Atza|access-1');
  });

  it('while unlinked expires events it could never send', async () => {
    const h = await startDeliveryHarness({ gateway: () => ok, linked: false, maxEventAgeMs: 1_000 });
    await h.delivery.enqueue(simpleEntry());
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({ outcome: 'expired', attempts: 0 });
    expect(record?.description).toMatch(/ERR_LINK_UNLINKED/);
    expect(h.gateway.requests).toHaveLength(0);
  });

  it('keeps one event in flight per endpoint, in order, and runs endpoints in parallel', async () => {
    const releases: (() => void)[] = [];
    const h = await startDeliveryHarness({
      gateway: () =>
        new Promise<Reply>((resolve) => {
          releases.push(() => resolve(ok));
        }),
    });
    const a = [simpleEntry('endpoint-a'), simpleEntry('endpoint-a'), simpleEntry('endpoint-a')];
    const b = [simpleEntry('endpoint-b')];
    for (const entry of [...a, ...b]) await h.delivery.enqueue(entry);
    await waitFor(
      'one request per endpoint',
      () => (h.gateway.requests.length === 2 ? true : undefined),
      () => h.gateway.requests.map((request) => parseSent(request.body).endpointId),
      5_000,
    );
    expect(h.gateway.requests.map((request) => parseSent(request.body).endpointId).sort()).toEqual([
      'endpoint-a',
      'endpoint-b',
    ]);
    while (h.records.length < 4) {
      const release = releases.shift();
      release?.();
      await waitFor('the next request or record', () =>
        releases.length > 0 || h.records.length === 4 ? true : undefined,
      );
    }
    const sentA = h.gateway.requests
      .map((request) => parseSent(request.body))
      .filter((sent) => sent.endpointId === 'endpoint-a');
    expect(sentA.map((sent) => sent.messageId)).toEqual(a.map((entry) => entry.messageId));
  });

  it('refreshes exactly once when the token expires during a burst, and never sends the old token', async () => {
    const h = await startDeliveryHarness({
      gateway: () => ok,
      lwa: (_request, i) =>
        i === 0
          ? { status: 200, body: { access_token: 'Atza|old', refresh_token: 'Atzr|one', expires_in: 60 } }
          : { status: 200, body: { access_token: 'Atza|new', refresh_token: 'Atzr|two', expires_in: 3600 } },
    });
    // expires_in 60 s is inside the 5-minute refresh window: the first send triggers a refresh.
    const entries = Array.from({ length: 20 }, (_unused, i) => simpleEntry(`endpoint-${i}`));
    await Promise.all(entries.map((entry) => h.delivery.enqueue(entry)));
    await h.waitForRecords(20);
    expect(h.lwa.requests).toHaveLength(2);
    expect(new Set(h.gateway.requests.map((request) => request.headers.authorization))).toEqual(
      new Set(['Bearer Atza|new']),
    );
    expect(h.records.every((record) => record.outcome === 'delivered')).toBe(true);
  });
});
