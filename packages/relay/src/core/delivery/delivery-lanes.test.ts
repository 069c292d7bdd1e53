import { buildChangeReport, buildSimpleEvent, newMessageId } from '@pressgate/protocol';
import type { OutboxEntry } from '@pressgate/relay/internals';
import {
  BUTTON_1_INSTANCE,
  BUTTON_2_INSTANCE,
  parseSent,
  type Reply,
  simpleEntry,
  startDeliveryHarness,
  waitFor,
} from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

const ok: Reply = { status: 202 };

/** A SimpleEvent of one button instance, created at `createdAt`. */
function instanceEntry(instance: string, createdAt = Date.now(), endpointId = 'living-room'): OutboxEntry {
  const messageId = newMessageId();
  const message = buildSimpleEvent({
    endpointId,
    instance,
    eventId: 'Button.SinglePush.1',
    timestamp: createdAt,
    messageId,
  });
  return {
    messageId,
    endpointId,
    eventId: 'Button.SinglePush.1',
    createdAt: new Date(createdAt).toISOString(),
    enqueuedAt: new Date().toISOString(),
    message: message as unknown as Record<string, unknown>,
  };
}

function changeReport(endpointId: string, connectivity: 'OK' | 'UNREACHABLE', at = Date.now()): OutboxEntry {
  const messageId = newMessageId();
  return {
    messageId,
    endpointId,
    eventId: 'ChangeReport',
    createdAt: new Date(at).toISOString(),
    enqueuedAt: new Date().toISOString(),
    message: buildChangeReport({
      endpointId,
      connectivity,
      timeOfSample: at,
      messageId,
    }) as unknown as Record<string, unknown>,
  };
}

/** A promise the test resolves when it chooses. */
function releasable() {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { released, release };
}

describe('delivery lanes', () => {
  it('a slow answer for one button instance does not hold back another instance of the same remote', async () => {
    const slow = releasable();
    const h = await startDeliveryHarness({
      gateway: async (request) => {
        const instance = (JSON.parse(request.body) as { event: { header: { instance: string } } }).event
          .header.instance;
        if (instance === BUTTON_1_INSTANCE) await slow.released;
        return ok;
      },
    });
    const first = instanceEntry(BUTTON_1_INSTANCE);
    const second = instanceEntry(BUTTON_2_INSTANCE);
    await h.delivery.enqueue(first);
    await h.delivery.enqueue(second);
    // With one lane per remote, the second would wait for the first's answer, which never comes.
    const [record] = await h.waitForRecords(1, 5_000);
    expect(record).toMatchObject({ messageId: second.messageId, outcome: 'delivered' });
    slow.release();
    const records = await h.waitForRecords(2);
    expect(records.map((r) => r.messageId)).toEqual([second.messageId, first.messageId]);
  });

  it('keeps one event in flight per instance, in event-time order, even when an earlier event arrives later', async () => {
    const answers: Array<() => void> = [];
    const h = await startDeliveryHarness({
      gateway: () => new Promise<Reply>((resolve) => answers.push(() => resolve(ok))),
    });
    const t = Date.now() - 1_000;
    const a = instanceEntry(BUTTON_1_INSTANCE, t);
    const c = instanceEntry(BUTTON_1_INSTANCE, t + 300);
    const b = instanceEntry(BUTTON_1_INSTANCE, t + 200);
    await h.delivery.enqueue(a);
    await waitFor('the first send', () => (h.gateway.requests.length === 1 ? true : undefined));
    await h.delivery.enqueue(c);
    await h.delivery.enqueue(b);
    const sentIds = () => h.gateway.requests.map((request) => parseSent(request.body).messageId);
    for (let sent = 1; sent <= 3; sent += 1) {
      await waitFor(`send ${sent}`, () => (h.gateway.requests.length === sent ? true : undefined));
      // Never two of one instance at the gateway at once.
      expect(answers).toHaveLength(sent);
      answers[sent - 1]?.();
    }
    await h.waitForRecords(3);
    expect(sentIds()).toEqual([a.messageId, b.messageId, c.messageId]);
  });

  it('bounds the requests in flight across lanes, then sends the rest as slots free up', async () => {
    let atGateway = 0;
    let most = 0;
    const h = await startDeliveryHarness({
      maxInFlight: 4,
      gateway: async () => {
        atGateway += 1;
        most = Math.max(most, atGateway);
        // A gateway that takes its time: unbounded, all ten lanes would be here at once.
        await new Promise((resolve) => setTimeout(resolve, 100));
        atGateway -= 1;
        return ok;
      },
    });
    const entries = Array.from({ length: 10 }, (_unused, i) => simpleEntry(`endpoint-${i}`));
    await Promise.all(entries.map((entry) => h.delivery.enqueue(entry)));
    const records = await h.waitForRecords(10);
    expect(records.every((record) => record.outcome === 'delivered')).toBe(true);
    expect(most).toBe(4);
  });
});

describe('per-endpoint rate limit', () => {
  it('records what exceeds the bucket as rate_limited, never sends it, and leaves other endpoints alone', async () => {
    const h = await startDeliveryHarness({ gateway: () => ok, rateLimit: { burst: 3, perMinute: 1 } });
    const stuck = Array.from({ length: 5 }, () => instanceEntry(BUTTON_1_INSTANCE, Date.now(), 'stuck'));
    for (const entry of stuck) await h.delivery.enqueue(entry);
    const other = instanceEntry(BUTTON_1_INSTANCE, Date.now(), 'other');
    await h.delivery.enqueue(other);
    const records = await h.waitForRecords(6);
    const outcome = (id: string) => records.find((record) => record.messageId === id)?.outcome;
    expect(stuck.map((entry) => outcome(entry.messageId))).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'rate_limited',
      'rate_limited',
    ]);
    expect(outcome(other.messageId)).toBe('delivered');
    expect(records.find((record) => record.outcome === 'rate_limited')).toMatchObject({
      code: 'ERR_OUTBOX_RATE_LIMITED',
      attempts: 0,
    });
    expect(h.gateway.requests).toHaveLength(4);
    await waitFor('the finish lines on disk', () => (h.outbox.counts().pending === 0 ? true : undefined));
    expect(h.outbox.counts()).toMatchObject({ delivered: 4, rateLimited: 2, pending: 0 });
    expect(h.outbox.failures().filter((record) => record.outcome === 'rate_limited')).toHaveLength(2);
  });
});

describe('reports are state', () => {
  it('never expire: a ChangeReport older than maxEventAgeMs is still sent', async () => {
    const h = await startDeliveryHarness({ gateway: () => ok, maxEventAgeMs: 1_000 });
    const report = changeReport('living-room', 'OK', Date.now() - 60_000);
    const event = simpleEntry('living-room', Date.now() - 60_000);
    await h.delivery.enqueue(report);
    await h.delivery.enqueue(event);
    const records = await h.waitForRecords(2);
    const outcome = (id: string) => records.find((record) => record.messageId === id)?.outcome;
    expect(outcome(report.messageId)).toBe('delivered');
    expect(outcome(event.messageId)).toBe('expired');
  });

  it('a newer report replaces an older one for the same endpoint that is still waiting', async () => {
    const first = releasable();
    const h = await startDeliveryHarness({
      gateway: async (_request, index) => {
        if (index === 0) await first.released;
        return ok;
      },
    });
    const inFlight = changeReport('living-room', 'UNREACHABLE');
    const stale = changeReport('living-room', 'OK');
    const newest = changeReport('living-room', 'UNREACHABLE');
    await h.delivery.enqueue(inFlight);
    await waitFor('the first report sent', () => (h.gateway.requests.length === 1 ? true : undefined));
    await h.delivery.enqueue(stale);
    await h.delivery.enqueue(newest);
    first.release();
    const records = await h.waitForRecords(3);
    expect(records.find((record) => record.messageId === stale.messageId)).toMatchObject({
      outcome: 'superseded',
      attempts: 0,
    });
    await waitFor('both sends', () => (h.gateway.requests.length === 2 ? true : undefined));
    expect(h.gateway.requests.map((request) => parseSent(request.body).messageId)).toEqual([
      inFlight.messageId,
      newest.messageId,
    ]);
    expect(h.outbox.counts()).toMatchObject({ superseded: 1, delivered: 2 });
  });
});
