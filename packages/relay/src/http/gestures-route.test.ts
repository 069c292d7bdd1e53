import { BUTTON_1_INSTANCE, LIVING_ROOM_ENDPOINT_ID, startHttpHarness, waitFor } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

describe('POST /v1/gestures', () => {
  it('answers 202 with the messageId, and the mapped event reaches the gateway', async () => {
    const h = await startHttpHarness();
    await h.link();
    const at = new Date(Date.now() - 200).toISOString();
    const response = await h.postGesture({ remoteId: 'living-room', button: 1, gesture: 'double', at });
    expect(response.statusCode).toBe(202);
    const { messageId } = response.json();
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.json()).toMatchObject({
      endpointId: LIVING_ROOM_ENDPOINT_ID,
      eventId: 'Button.DoublePush.1',
    });
    const accepted = await waitFor(
      'the event at the emulator',
      () => h.emulator.accepted().find((event) => event.messageId === messageId),
      () => h.emulator.requests(),
    );
    expect(accepted).toMatchObject({
      namespace: 'Alexa.SimpleEventSource',
      name: 'Event',
      endpointId: LIVING_ROOM_ENDPOINT_ID,
      instance: BUTTON_1_INSTANCE,
      eventId: 'Button.DoublePush.1',
    });
    expect(Date.parse(accepted.timestamp ?? '')).toBe(Date.parse(at));
  });

  it('answers 404 for an unmapped gesture or an unknown remote, and sends nothing', async () => {
    const h = await startHttpHarness();
    await h.link();
    const unmapped = await h.postGesture({ remoteId: 'living-room', button: 2, gesture: 'single' });
    expect(unmapped.statusCode).toBe(404);
    expect(unmapped.json()).toMatchObject({
      statusCode: 404,
      code: 'ERR_INGEST_UNMAPPED',
      error: 'Not Found',
      message: expect.stringContaining('button 2'),
    });
    const unknown = await h.postGesture({ remoteId: 'kitchen', button: 1, gesture: 'single' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      code: 'ERR_INGEST_UNKNOWN_REMOTE',
      message: expect.stringContaining('living-room'),
    });
    expect(h.core.outboxCounts().pending).toBe(0);
    expect(h.emulator.requests()).toEqual([]);
  });

  it('answers 400 with the zod issues for malformed bodies, then keeps serving', async () => {
    const h = await startHttpHarness();
    const wrongTypes = await h.postGesture({ remoteId: 'living-room', button: '1', gesture: 'triple' });
    expect(wrongTypes.statusCode).toBe(400);
    const body = wrongTypes.json();
    expect(body).toMatchObject({ statusCode: 400, code: 'ERR_HTTP_INVALID_BODY', error: 'Bad Request' });
    expect(body.issues.map((issue: { path: string[] }) => issue.path.join('.'))).toEqual([
      'button',
      'gesture',
    ]);
    expect(body.message).toContain('expected {remoteId, button, gesture, at?}');
    expect(body.message).toContain('→ at button');

    const extra = await h.postGesture({ remoteId: 'living-room', button: 1, gesture: 'single', token: 'x' });
    expect(extra.json()).toMatchObject({
      code: 'ERR_HTTP_INVALID_BODY',
      message: expect.stringContaining('token'),
    });
    const badTime = await h.postGesture({
      remoteId: 'living-room',
      button: 1,
      gesture: 'single',
      at: 'yesterday',
    });
    expect(badTime.json().issues[0].path).toEqual(['at']);
    const broken = await h.postGesture('{"remoteId":');
    expect(broken.json()).toMatchObject({ statusCode: 400, code: 'ERR_HTTP_BAD_JSON' });

    const good = await h.postGesture({ remoteId: 'living-room', button: 1, gesture: 'single' });
    expect(good.statusCode).toBe(202);
  });

  it('answers 400 for an at more than 5 s in the future, and sends nothing', async () => {
    const h = await startHttpHarness();
    await h.link();
    const at = new Date(Date.now() + 30_000).toISOString();
    const response = await h.postGesture({ remoteId: 'living-room', button: 1, gesture: 'single', at });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      statusCode: 400,
      code: 'ERR_INGEST_FUTURE_TIME',
      message: expect.stringMatching(/ahead of the relay's clock.*NTP/),
    });
    expect(h.core.outboxCounts().pending).toBe(0);
    expect(h.emulator.requests()).toEqual([]);
  });

  it.each([
    ['older than maxEventAgeMs', () => new Date(Date.now() - 10_000).toISOString()],
    ['in 1970', () => '1970-01-01T00:00:00Z'],
  ])(
    'answers 400 ERR_INGEST_BAD_TIME for an at %s (it could never be sent), and sends nothing',
    async (_what, at) => {
      const h = await startHttpHarness({ maxEventAgeMs: 5_000 });
      await h.link();
      const response = await h.postGesture({
        remoteId: 'living-room',
        button: 1,
        gesture: 'single',
        at: at(),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'ERR_INGEST_BAD_TIME',
        message: expect.stringMatching(/older than alexa.maxEventAgeMs \(5000 ms\)/),
      });
      expect(h.core.outboxCounts()).toMatchObject({ pending: 0, expired: 0 });
      const young = new Date(Date.now() - 1_000).toISOString();
      const accepted = await h.postGesture({
        remoteId: 'living-room',
        button: 1,
        gesture: 'single',
        at: young,
      });
      expect(accepted.statusCode).toBe(202);
      await waitFor(
        'the young event at the emulator',
        () => h.emulator.accepted()[0],
        () => h.emulator.requests(),
      );
      expect(h.emulator.accepted()).toHaveLength(1);
    },
  );

  it('without an API token accepts loopback callers only, before reading the body', async () => {
    const h = await startHttpHarness({ app: { bodyLimitBytes: 1024 } });
    const gesture = { remoteId: 'kitchen', button: 1, gesture: 'single' };
    for (const remoteAddress of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      const response = await h.postGesture(gesture, { remoteAddress });
      // 404 (unknown remote) means the request got past the loopback check.
      expect(response.json().code, remoteAddress).toBe('ERR_INGEST_UNKNOWN_REMOTE');
    }
    for (const remoteAddress of ['192.168.1.20', '::ffff:10.0.0.1', '128.0.0.1', 'fe80::1']) {
      const response = await h.postGesture(gesture, { remoteAddress });
      expect(response.statusCode, remoteAddress).toBe(403);
      expect(response.json()).toMatchObject({
        code: 'ERR_HTTP_NOT_LOOPBACK',
        message: expect.stringContaining('relay.apiToken'),
      });
    }
    const big = await h.postGesture({ ...gesture, padding: 'x'.repeat(4000) }, { remoteAddress: '10.1.1.1' });
    expect(big.statusCode).toBe(403);
  });

  it('with an API token requires "Bearer <token>" from every caller, loopback included', async () => {
    const apiToken = 'api-token-for-the-gesture-route';
    const h = await startHttpHarness({ apiToken });
    const gesture = { remoteId: 'living-room', button: 1, gesture: 'single' };
    const cases: { remoteAddress: string; authorization?: string }[] = [
      { remoteAddress: '127.0.0.1' },
      { remoteAddress: '192.168.1.20' },
      { remoteAddress: '192.168.1.20', authorization: `Bearer ${apiToken}x` },
      { remoteAddress: '192.168.1.20', authorization: `Basic ${apiToken}` },
      { remoteAddress: '192.168.1.20', authorization: 'Bearer ' },
    ];
    for (const testCase of cases) {
      const response = await h.postGesture(gesture, testCase);
      expect(response.statusCode, JSON.stringify(testCase)).toBe(401);
      expect(response.json().code).toBe('ERR_HTTP_UNAUTHORIZED');
      expect(response.body).not.toContain(apiToken);
    }
    const remote = await h.postGesture(gesture, {
      remoteAddress: '192.168.1.20',
      authorization: `Bearer ${apiToken}`,
    });
    expect(remote.statusCode).toBe(202);
    const local = await h.postGesture(gesture, { remoteAddress: '::1', authorization: `bearer ${apiToken}` });
    expect(local.statusCode).toBe(202);
  });
});
