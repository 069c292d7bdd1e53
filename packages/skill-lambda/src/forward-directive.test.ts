import {
  CORRELATION_TOKEN,
  closedPortUrl,
  DIRECTIVE_SECRET,
  GRANT_CODE,
  lambdaAcceptGrant,
  lambdaDiscover,
  lambdaDiscoverResponse,
  lambdaReportState,
  respondWith,
  startRelayStandIn,
  USER_BEARER,
  UUID_V4,
} from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { forwardDirective } from './forward-directive.js';
import { type ForwarderConfig, loadForwarderConfig } from './forwarder-config.js';
import type { ForwarderLogEntry } from './log-line.js';

function configFor(baseUrl: string, overrides: Record<string, string> = {}): ForwarderConfig {
  const loaded = loadForwarderConfig({
    PRESSGATE_RELAY_URL: baseUrl,
    PRESSGATE_DIRECTIVE_SECRET: DIRECTIVE_SECRET,
    ...overrides,
  });
  if (!loaded.ok) {
    throw new Error(loaded.message);
  }
  return loaded.config;
}

function capture(): { entries: ForwarderLogEntry[]; log: (entry: ForwarderLogEntry) => void } {
  const entries: ForwarderLogEntry[] = [];
  return { entries, log: (entry) => entries.push(entry) };
}

/** Nothing sensitive in what was logged: not the secret, the grant code, the bearer or correlation token. */
function expectNoSecrets(entries: ForwarderLogEntry[]): void {
  const text = JSON.stringify(entries);
  for (const secret of [DIRECTIVE_SECRET, GRANT_CODE, USER_BEARER, CORRELATION_TOKEN]) {
    expect(text).not.toContain(secret);
  }
}

type Reply = {
  event: { header: Record<string, unknown>; endpoint?: unknown; payload: Record<string, unknown> };
};

describe('forwardDirective', () => {
  it('sends the directive signed to /alexa/directive and returns the relay answer unchanged', async () => {
    const answer = lambdaDiscoverResponse();
    const relay = await startRelayStandIn(DIRECTIVE_SECRET, respondWith(200, answer));
    const { entries, log } = capture();
    const event = lambdaDiscover();

    const reply = await forwardDirective(event, configFor(relay.baseUrl), fetch, { log });

    expect(reply).toEqual(answer);
    expect(relay.requests).toHaveLength(1);
    const [seen] = relay.requests;
    expect(seen).toMatchObject({ method: 'POST', url: '/alexa/directive', replay: false });
    expect(seen?.contentType).toBe('application/json');
    expect(seen?.verification.ok).toBe(true);
    expect(JSON.parse(seen?.rawBody ?? '')).toEqual(event);
    expect(entries).toEqual([expect.objectContaining({ level: 'info', name: 'Discover', relayStatus: 200 })]);
    expectNoSecrets(entries);
  });

  it('passes a relay-built ErrorResponse (HTTP 200) through unchanged', async () => {
    const relayError = {
      event: {
        header: { namespace: 'Alexa', name: 'ErrorResponse', payloadVersion: '3', messageId: 'abc-1' },
        endpoint: { endpointId: 'gone' },
        payload: { type: 'NO_SUCH_ENDPOINT', message: 'unknown endpoint gone' },
      },
    };
    const relay = await startRelayStandIn(DIRECTIVE_SECRET, respondWith(200, relayError));
    const reply = await forwardDirective(lambdaReportState(), configFor(relay.baseUrl), fetch, {
      log: capture().log,
    });
    expect(reply).toEqual(relayError);
  });

  it('answers ENDPOINT_UNREACHABLE with the correlationToken and endpointId when the relay is down', async () => {
    const { entries, log } = capture();
    const reply = (await forwardDirective(lambdaReportState(), configFor(await closedPortUrl()), fetch, {
      log,
    })) as Reply;

    expect(reply.event.header).toEqual({
      namespace: 'Alexa',
      name: 'ErrorResponse',
      messageId: expect.stringMatching(UUID_V4),
      correlationToken: CORRELATION_TOKEN,
      payloadVersion: '3',
    });
    expect(reply.event.endpoint).toEqual({ endpointId: 'living-room-remote' });
    expect(reply.event.payload).toMatchObject({ type: 'ENDPOINT_UNREACHABLE' });
    expect(entries).toEqual([
      expect.objectContaining({
        level: 'error',
        code: 'ERR_FORWARDER_UNREACHABLE',
        errorCode: 'ECONNREFUSED',
        name: 'ReportState',
        endpointId: 'living-room-remote',
      }),
    ]);
    expectNoSecrets(entries);
  });

  it('gives up after PRESSGATE_TIMEOUT_MS when the relay does not answer', async () => {
    const relay = await startRelayStandIn(DIRECTIVE_SECRET, () => {
      // Never answers; the stand-in's cleanup closes the connection.
    });
    const { entries, log } = capture();
    const startedMs = performance.now();

    const reply = (await forwardDirective(
      lambdaDiscover(),
      configFor(relay.baseUrl, { PRESSGATE_TIMEOUT_MS: '200' }),
      fetch,
      { log },
    )) as Reply;

    const elapsedMs = performance.now() - startedMs;
    expect(elapsedMs, `took ${elapsedMs} ms`).toBeGreaterThanOrEqual(190);
    expect(elapsedMs, `took ${elapsedMs} ms`).toBeLessThan(5000);
    expect(relay.requests).toHaveLength(1);
    expect(reply.event.payload).toMatchObject({ type: 'ENDPOINT_UNREACHABLE' });
    expect(entries[0]).toMatchObject({ level: 'error', code: 'ERR_FORWARDER_TIMEOUT' });
    expect(entries[0]?.msg).toMatch(/within 200 ms/);
  });

  it('answers INTERNAL_ERROR on a relay 500, and logs the status and the relay code', async () => {
    const relay = await startRelayStandIn(
      DIRECTIVE_SECRET,
      respondWith(500, {
        statusCode: 500,
        code: 'ERR_INTERNAL',
        error: 'Internal Server Error',
        message: 'x',
      }),
    );
    const { entries, log } = capture();
    const reply = (await forwardDirective(lambdaReportState(), configFor(relay.baseUrl), fetch, {
      log,
    })) as Reply;
    expect(reply.event.header).toMatchObject({ namespace: 'Alexa', name: 'ErrorResponse' });
    expect(reply.event.header.correlationToken).toBe(CORRELATION_TOKEN);
    expect(reply.event.payload).toMatchObject({ type: 'INTERNAL_ERROR' });
    expect(entries[0]).toMatchObject({
      code: 'ERR_FORWARDER_RELAY_STATUS',
      relayStatus: 500,
      relayCode: 'ERR_INTERNAL',
    });
  });

  it('answers AcceptGrant failures with Alexa.Authorization ACCEPT_GRANT_FAILED', async () => {
    const relay = await startRelayStandIn(DIRECTIVE_SECRET, respondWith(503, 'upstream down', 'text/plain'));
    const { entries, log } = capture();
    const reply = (await forwardDirective(lambdaAcceptGrant(), configFor(relay.baseUrl), fetch, {
      log,
    })) as Reply;
    expect(reply).toEqual({
      event: {
        header: {
          namespace: 'Alexa.Authorization',
          name: 'ErrorResponse',
          messageId: expect.stringMatching(UUID_V4),
          payloadVersion: '3',
        },
        payload: { type: 'ACCEPT_GRANT_FAILED', message: expect.any(String) },
      },
    });
    expect(entries[0]).toMatchObject({ code: 'ERR_FORWARDER_RELAY_STATUS', relayStatus: 503 });
    expectNoSecrets(entries);

    const down = (await forwardDirective(lambdaAcceptGrant(), configFor(await closedPortUrl()), fetch, {
      log,
    })) as Reply;
    expect(down.event.payload.type).toBe('ACCEPT_GRANT_FAILED');
  });

  it('answers INTERNAL_ERROR when the relay answers 200 with something that is not JSON', async () => {
    const relay = await startRelayStandIn(
      DIRECTIVE_SECRET,
      respondWith(200, '<html>login</html>', 'text/html'),
    );
    const { entries, log } = capture();
    const reply = (await forwardDirective(lambdaDiscover(), configFor(relay.baseUrl), fetch, {
      log,
    })) as Reply;
    expect(reply.event.payload).toMatchObject({ type: 'INTERNAL_ERROR' });
    expect(reply.event.header).not.toHaveProperty('correlationToken');
    expect(reply.event).not.toHaveProperty('endpoint');
    expect(entries[0]).toMatchObject({ code: 'ERR_FORWARDER_RELAY_BODY', contentType: 'text/html' });
  });

  it('answers INTERNAL_ERROR when the relay answers JSON that is not an Alexa message', async () => {
    const relay = await startRelayStandIn(DIRECTIVE_SECRET, respondWith(200, { ok: true }));
    const { entries, log } = capture();
    const reply = (await forwardDirective(lambdaDiscover(), configFor(relay.baseUrl), fetch, {
      log,
    })) as Reply;
    expect(reply.event.payload).toMatchObject({ type: 'INTERNAL_ERROR' });
    expect(entries[0]?.msg).toMatch(/without an event object/);
  });

  it('says the secrets differ when the relay refuses the signature', async () => {
    const relay = await startRelayStandIn(
      'the-relay-has-another-secret',
      respondWith(200, lambdaDiscoverResponse()),
    );
    const { entries, log } = capture();
    const reply = (await forwardDirective(lambdaDiscover(), configFor(relay.baseUrl), fetch, {
      log,
    })) as Reply;
    expect(relay.requests[0]?.verification).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' });
    expect(reply.event.payload).toMatchObject({ type: 'INTERNAL_ERROR' });
    expect(entries[0]).toMatchObject({ relayStatus: 401, relayCode: 'ERR_SIGNATURE_MISMATCH' });
    expect(entries[0]?.msg).toMatch(/PRESSGATE_DIRECTIVE_SECRET must equal directives\.secret/);
    expectNoSecrets(entries);
  });

  it('signs with the given clock, so a skewed Lambda clock is refused as stale', async () => {
    const relay = await startRelayStandIn(DIRECTIVE_SECRET, respondWith(200, lambdaDiscoverResponse()));
    const { entries, log } = capture();
    const skewedMs = Date.now() - 301_000;
    await forwardDirective(lambdaDiscover(), configFor(relay.baseUrl), fetch, {
      log,
      nowMs: () => skewedMs,
    });
    expect(relay.requests[0]?.verification).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_STALE' });
    expect(entries[0]).toMatchObject({ relayStatus: 401, relayCode: 'ERR_SIGNATURE_STALE' });
  });

  it('answers INVALID_DIRECTIVE without calling the relay when the event is not an object', async () => {
    let calls = 0;
    const countingFetch: typeof fetch = () => {
      calls += 1;
      return Promise.reject(new TypeError('this test must not send anything'));
    };
    const { entries, log } = capture();
    const reply = (await forwardDirective(null, configFor('https://relay.invalid'), countingFetch, {
      log,
    })) as Reply;
    expect(calls).toBe(0);
    expect(reply.event.payload).toMatchObject({ type: 'INVALID_DIRECTIVE' });
    expect(entries[0]).toMatchObject({ code: 'ERR_FORWARDER_BAD_EVENT' });
  });
});
