import { type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIENT_ID, CLIENT_SECRET, readyGateway, testApp, tokenForm, waitFor } from '@pressgate/test-kit';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ENDLESS_CHUNK_BYTES } from './fault-replies.js';

type Exchange = { response: Promise<IncomingMessage>; error: Promise<Error>; destroy(): void };

/** A raw POST on its own connection, so a test controls how (and whether) the answer is read. */
async function post(
  app: FastifyInstance,
  path: string,
  contentType: string,
  body: string,
  authorization?: string,
): Promise<Exchange> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const outgoing = request({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    agent: false,
    headers: {
      'content-type': contentType,
      ...(authorization === undefined ? {} : { authorization: `Bearer ${authorization}` }),
    },
  });
  const response = new Promise<IncomingMessage>((resolve) => outgoing.once('response', resolve));
  const error = new Promise<Error>((resolve) => outgoing.once('error', resolve));
  outgoing.end(body);
  onTestFinished(() => {
    outgoing.destroy();
  });
  return { response, error, destroy: () => outgoing.destroy() };
}

/** Reads at least `bytes` of the body, then stops reading (and pauses the stream). */
function readAtLeast(response: IncomingMessage, bytes: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (text.length >= bytes) {
        response.off('data', onData);
        response.pause();
        resolve(text);
      }
    };
    response.on('data', onData);
  });
}

/** The whole body, or the error that ended it. */
function readAll(response: IncomingMessage): Promise<{ text: string; error?: string }> {
  return new Promise((resolve) => {
    let text = '';
    response.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    response.once('end', () => resolve({ text }));
    response.once('error', (error) => resolve({ text, error: error.message }));
    response.once('aborted', () => resolve({ text, error: 'aborted' }));
  });
}

const REFRESH_FORM = tokenForm({
  grant_type: 'refresh_token',
  refresh_token: 'Atzr|anything',
  client_id: CLIENT_ID,
  client_secret: CLIENT_SECRET,
});
const FORM = 'application/x-www-form-urlencoded';

describe('injected faults beyond a status', () => {
  it('gateway endless body: answers the status and streams until the client hangs up', async () => {
    const { app, state } = testApp(onTestFinished);
    state.injectGatewayFaults([{ endless: true, status: 429 }]);
    const exchange = await post(app, '/v3/events', 'application/json', '{}');
    const response = await exchange.response;
    expect(response.statusCode).toBe(429);
    const text = await readAtLeast(response, 2 * 1024 * 1024);
    expect(text.startsWith('{"header":{"namespace":"System","name":"Exception"')).toBe(true);
    expect(text.length).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(state.requests()).toEqual([]);
    exchange.destroy();
    const record = await waitFor('the endless answer to be recorded', () =>
      state.requests().find((entry) => entry.outcome === 'endless'),
    );
    expect(record).toMatchObject({ outcome: 'endless', status: 429 });
    expect(record.endlessBytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(state.accepted()).toEqual([]);
  });

  it('gateway endless body: writes only as fast as the client reads, so a stalled client costs a bounded amount', async () => {
    const { app, state } = testApp(onTestFinished);
    state.injectGatewayFaults([{ endless: true }]);
    const exchange = await post(app, '/v3/events', 'application/json', '{}');
    const response = await exchange.response;
    expect(response.statusCode).toBe(500);
    response.pause();
    // Both sides' socket buffers fill and the writer stops: the bytes read stop growing.
    const socket = response.socket;
    let last = -1;
    await waitFor(
      'the endless writer to stall behind a client that does not read',
      () => {
        const now = socket.bytesRead;
        const stalled = now === last && now > 0;
        last = now;
        return stalled;
      },
      () => socket.bytesRead,
      10_000,
      200,
    );
    exchange.destroy();
    const record = await waitFor('the endless answer to end', () =>
      state.requests().find((entry) => entry.outcome === 'endless'),
    );
    // Kernel socket buffers are a few MB at most; an unbounded writer would be far past this.
    // A few chunks plus what the sockets hold; an unbounded writer would be far past this.
    expect(record.endlessBytes).toBeLessThan(8 * ENDLESS_CHUNK_BYTES + 16 * 1024 * 1024);
  });

  it('gateway cut: the event is accepted, then the answer stops halfway', async () => {
    const { app, state, token, event } = await readyGateway(onTestFinished);
    state.injectGatewayFaults([{ cut: true }]);
    const sent = event();
    const exchange = await post(app, '/v3/events', 'application/json', JSON.stringify(sent), token);
    const response = await exchange.response;
    expect(response.statusCode).toBe(202);
    expect((await readAll(response)).error).toBeDefined();
    const record = await waitFor('the cut to be recorded', () =>
      state.requests().find((entry) => entry.outcome === 'cut'),
    );
    expect(record).toMatchObject({ cutAfter: 'accepted', messageId: sent.event.header.messageId });
    expect(state.accepted().map((entry) => entry.messageId)).toContain(sent.event.header.messageId);
  });

  it('gateway cut at the start: the event is accepted and no answer at all comes back', async () => {
    const { app, state, token, event } = await readyGateway(onTestFinished);
    state.injectGatewayFaults([{ cut: true, at: 'start' }]);
    const sent = event();
    const exchange = await post(app, '/v3/events', 'application/json', JSON.stringify(sent), token);
    expect((await exchange.error).message).toMatch(/socket hang up|ECONNRESET/);
    expect(state.requests().at(-1)).toMatchObject({ outcome: 'cut', cutAfter: 'accepted' });
    expect(state.accepted().map((entry) => entry.messageId)).toContain(sent.event.header.messageId);
  });

  it('LWA endless body: answers the status and streams until the client hangs up', async () => {
    const { app, state } = testApp(onTestFinished);
    state.injectLwaFault({ kind: 'endless', status: 503, requests: 1 });
    const exchange = await post(app, '/auth/o2/token', FORM, REFRESH_FORM);
    const response = await exchange.response;
    expect(response.statusCode).toBe(503);
    const text = await readAtLeast(response, 1024 * 1024);
    expect(text.startsWith('{"error":"server_error"')).toBe(true);
    exchange.destroy();
    const record = await waitFor('the endless LWA answer to be recorded', () =>
      state.tokenRequests().find((entry) => entry.outcome === 'endless'),
    );
    expect(record).toMatchObject({ grantType: 'refresh_token', status: 503 });
    expect(record.endlessBytes).toBeGreaterThanOrEqual(1024 * 1024);
  });

  it('LWA hang: no answer until the client gives up', async () => {
    const { app, state } = testApp(onTestFinished);
    state.injectLwaFault({ kind: 'hang', requests: 1 });
    const exchange = await post(app, '/auth/o2/token', FORM, REFRESH_FORM);
    let answered = false;
    void exchange.response.then(() => {
      answered = true;
    });
    await waitFor('the hang to be recorded', () =>
      state.tokenRequests().find((entry) => entry.outcome === 'hung'),
    );
    // A normal request on another connection is answered meanwhile: only this one hangs.
    const next = await post(app, '/auth/o2/token', FORM, REFRESH_FORM);
    expect((await next.response).statusCode).toBe(400);
    expect(answered).toBe(false);
    exchange.destroy();
  });

  it('LWA cut: half of a 200 answer, then the connection ends, and no tokens are issued', async () => {
    const { app, state } = testApp(onTestFinished);
    state.injectLwaFault({ kind: 'cut' });
    const exchange = await post(app, '/auth/o2/token', FORM, REFRESH_FORM);
    const response = await exchange.response;
    expect(response.statusCode).toBe(200);
    const body = await readAll(response);
    expect(body.error).toBeDefined();
    expect(() => JSON.parse(body.text)).toThrow();
    expect(state.tokenRequests()).toEqual([expect.objectContaining({ outcome: 'cut' })]);
  });

  it('closing the emulator ends endless answers and hangs at once', async () => {
    const { app, state } = testApp(onTestFinished);
    state.injectGatewayFaults([{ endless: true }]);
    state.injectLwaFault({ kind: 'hang' });
    const endless = await post(app, '/v3/events', 'application/json', '{}');
    (await endless.response).pause();
    const hung = await post(app, '/auth/o2/token', FORM, REFRESH_FORM);
    await waitFor('the hang', () => state.tokenRequests().some((entry) => entry.outcome === 'hung'));
    const startedAt = performance.now();
    await app.close();
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    await hung.error;
    expect(state.requests().map((entry) => entry.outcome)).toEqual(['endless']);
  });

  it('refuses an endless body with a success status and names the new kinds in the message', () => {
    const { state } = testApp(onTestFinished);
    expect(() => state.injectGatewayFaults([{ endless: true, status: 200 }])).toThrow(/endless/);
    expect(() => state.injectLwaFault({ kind: 'endless', status: 302 } as never)).toThrow(/hang/);
  });
});
