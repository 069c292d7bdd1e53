import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startEmulator } from '@pressgate/emulator';
import { createRelay, createRelayLogger } from '@pressgate/relay';
import { freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  RELAY_CLIENT_ID,
  RELAY_CLIENT_SECRET,
  RELAY_DIRECTIVE_SECRET,
  relayE2eConfig,
} from './fixtures/relay-config.js';
import { acceptGrant, discover, postSignedDirective } from './fixtures/relay-directives.js';

type AlexaAnswer = { event: { header: { name: string }; payload: { type?: string } } };
type GestureAnswer = { messageId: string; code?: string };

const API_TOKEN = 'relay-e2e-api-token-fedcba9876543210';

describe('relay secrets', () => {
  it('never puts a token, secret, code or signature in a log line or an API response', async () => {
    const dataDir = await freshDir('pressgate-relay-secrets-');
    const emulator = await startEmulator({ clientId: RELAY_CLIENT_ID, clientSecret: RELAY_CLIENT_SECRET });
    onTestFinished(() => emulator.close());
    const config = relayE2eConfig({
      dataDir,
      gatewayUrl: emulator.gatewayUrl,
      lwaTokenUrl: emulator.lwaTokenUrl,
      apiToken: API_TOKEN,
    });
    const logLines: string[] = [];
    const capture = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((line) => line !== ''),
        );
        callback();
      },
    });
    const relay = createRelay({ config, logger: createRelayLogger(capture, 'debug'), stopDrainMs: 500 });
    onTestFinished(() => relay.stop());
    const url = await relay.start();

    const secrets = new Set<string>([RELAY_CLIENT_SECRET, RELAY_DIRECTIVE_SECRET, API_TOKEN]);
    const bodies: string[] = [];
    const tokensSeen = async (): Promise<void> => {
      const file = JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      for (const key of ['accessToken', 'refreshToken']) {
        if (typeof file[key] === 'string') secrets.add(file[key]);
      }
    };
    const directive = async (body: object): Promise<AlexaAnswer> => {
      const answer = await postSignedDirective(url, RELAY_DIRECTIVE_SECRET, body);
      bodies.push(answer.text);
      secrets.add(answer.signature.replace(/^t=\d+,v1=/, ''));
      return JSON.parse(answer.text);
    };
    const gesture = async (body: object, authorization = `Bearer ${API_TOKEN}`): Promise<GestureAnswer> => {
      const response = await fetch(`${url}/v1/gestures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      bodies.push(text);
      return JSON.parse(text);
    };
    const delivered = (messageId: string, outcome: string) =>
      waitFor(
        `${messageId} ${outcome}`,
        () =>
          relay.core
            .recentDeliveries()
            .find((record) => record.messageId === messageId && record.outcome === outcome),
        () => relay.core.recentDeliveries(),
        15_000,
      );

    // Live stream for the whole flow.
    const stream = await fetch(`${url}/v1/stream`);
    const reader = stream.body?.getReader();
    let streamText = '';
    const decoder = new TextDecoder();
    const pumped = (async () => {
      for (
        let chunk = await reader?.read();
        chunk !== undefined && !chunk.done;
        chunk = await reader?.read()
      ) {
        streamText += decoder.decode(chunk.value, { stream: true });
      }
    })().catch(() => undefined);

    // Link: the code, the grantee token and the scope token come from Alexa.
    const code = emulator.issueAuthorizationCode();
    secrets.add(code).add('Atza|grantee-token-secret-1').add('Atza|scope-token-secret-1');
    expect((await directive(acceptGrant(code, 'Atza|grantee-token-secret-1'))).event.header.name).toBe(
      'AcceptGrant.Response',
    );
    await tokensSeen();
    const discovered = await directive(discover('Atza|scope-token-secret-1'));
    expect(emulator.learnDiscovery(discovered)).toMatchObject({ ok: true });

    const one = await gesture({ remoteId: 'living-room', button: 1, gesture: 'single' });
    await delivered(one.messageId, 'delivered');

    // A 401 from the gateway: refresh once, resend.
    emulator.expireAccessTokens();
    const two = await gesture({ remoteId: 'living-room', button: 1, gesture: 'double' });
    await delivered(two.messageId, 'delivered');
    await tokensSeen();
    expect(emulator.tokenRequests().map((request) => request.grantType)).toEqual([
      'authorization_code',
      'refresh_token',
    ]);

    // LWA down during a relink: ACCEPT_GRANT_FAILED; then a relink that works.
    emulator.injectLwaFault({ kind: 'unavailable', requests: 1 });
    const failedCode = emulator.issueAuthorizationCode();
    secrets.add(failedCode);
    expect((await directive(acceptGrant(failedCode, 'Atza|grantee-token-secret-1'))).event.payload.type).toBe(
      'ACCEPT_GRANT_FAILED',
    );
    const relinkCode = emulator.issueAuthorizationCode();
    secrets.add(relinkCode);
    expect((await directive(acceptGrant(relinkCode, 'Atza|grantee-token-secret-1'))).event.header.name).toBe(
      'AcceptGrant.Response',
    );
    await tokensSeen();

    // A gateway 400: dead-lettered with the gateway's code.
    emulator.injectGatewayFaults([{ status: 400, code: 'INVALID_REQUEST_EXCEPTION' }]);
    const three = await gesture({ remoteId: 'living-room', button: 1, gesture: 'single' });
    const dead = await delivered(three.messageId, 'dead_letter');
    expect(dead.code).toBe('INVALID_REQUEST_EXCEPTION');

    // Refusals: a wrong API token, a bad signature.
    expect(
      (await gesture({ remoteId: 'living-room', button: 1, gesture: 'single' }, `Bearer ${API_TOKEN}-wrong`))
        .code,
    ).toBe('ERR_HTTP_UNAUTHORIZED');
    const badSignature = await fetch(`${url}/alexa/directive`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-pressgate-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'ab'.repeat(32)}`,
      },
      body: JSON.stringify(acceptGrant('Atza|never-sent-code', 'x')),
    });
    expect(badSignature.status).toBe(401);
    bodies.push(await badSignature.text());

    for (const path of ['/v1/status', '/metrics', '/healthz'])
      bodies.push(await (await fetch(`${url}${path}`)).text());
    await relay.stop();
    await pumped;
    expect(streamText).toContain('event: delivery');
    bodies.push(streamText);

    // Three access tokens (link, refresh, relink) and their refresh tokens were really in play.
    expect(secrets.size).toBeGreaterThanOrEqual(3 + 5 + 4 + 2);
    const logText = logLines.join('\n');
    expect(logText).toContain('AcceptGrant failed');
    expect(logText).toContain('INVALID_REQUEST_EXCEPTION');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(8);
      expect(logText.includes(secret), `a log line holds ${secret.slice(0, 6)}…`).toBe(false);
      for (const body of bodies)
        expect(body.includes(secret), `a response holds ${secret.slice(0, 6)}…`).toBe(false);
    }
  }, 60_000);
});
