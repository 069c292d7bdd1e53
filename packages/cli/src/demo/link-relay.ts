import { randomUUID } from 'node:crypto';
import type { Emulator } from '@pressgate/emulator';
import { PressgateError, SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';

/**
 * Sends a signed directive the way the skill's forwarder would and returns the relay's answer.
 * It takes a maker, not a directive: a transport that must try again sends a fresh one (a new
 * messageId, a new authorization code), since the relay refuses a replayed signature.
 */
export type DirectiveSender = (make: () => object) => Promise<unknown>;

/** Directives over the relay's `POST /alexa/directive` (directives.transport https). */
export function httpDirectives(relayUrl: string, secret: string): DirectiveSender {
  return async (make) => {
    const body = JSON.stringify(make());
    const signature = signDirective(secret, body, Math.floor(Date.now() / 1000));
    const response = await fetch(`${relayUrl}/alexa/directive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (response.status !== 200) {
      throw new PressgateError(
        'ERR_DEMO_LINK',
        `expected 200 from the relay's /alexa/directive, got ${response.status}: ${text.slice(0, 300)}`,
      );
    }
    return JSON.parse(text) as unknown;
  };
}

function header(namespace: string, name: string) {
  return { namespace, name, payloadVersion: '3', messageId: randomUUID() };
}

/**
 * Link the relay as Alexa would: a signed AcceptGrant with a code from the
 * emulator's LWA, then a signed Discover whose response the emulator learns
 * (so it knows the endpoint and its SimpleEventSource instances). Returns the
 * number of endpoints discovered.
 */
export async function linkRelay(send: DirectiveSender, emulator: Emulator): Promise<number> {
  const granted = (await send(() => ({
    directive: {
      header: header('Alexa.Authorization', 'AcceptGrant'),
      payload: {
        grant: { type: 'OAuth2.AuthorizationCode', code: emulator.issueAuthorizationCode() },
        grantee: { type: 'BearerToken', token: `demo-grantee-${randomUUID()}` },
      },
    },
  }))) as { event?: { header?: { name?: string }; payload?: { type?: string; message?: string } } };
  if (granted.event?.header?.name !== 'AcceptGrant.Response') {
    const payload = granted.event?.payload;
    throw new PressgateError(
      'ERR_DEMO_LINK',
      `expected AcceptGrant.Response from the relay, got ${granted.event?.header?.name ?? 'nothing'}` +
        (payload?.type ? ` (${payload.type}: ${payload.message ?? ''})` : ''),
    );
  }
  const discovered = await send(() => ({
    directive: {
      header: header('Alexa.Discovery', 'Discover'),
      payload: { scope: { type: 'BearerToken', token: `demo-scope-${randomUUID()}` } },
    },
  }));
  const learned = emulator.learnDiscovery(discovered);
  if (!learned.ok) {
    throw new PressgateError(
      'ERR_DEMO_LINK',
      `the emulator refused the relay's Discover.Response: ${learned.description}`,
    );
  }
  return learned.endpointIds.length;
}
