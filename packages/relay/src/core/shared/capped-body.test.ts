import { startEmulator } from '@pressgate/emulator';
import { isPressgateError } from '@pressgate/protocol';
import { waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { GatewayClient } from '../delivery/gateway-client.js';
import { LwaClient } from '../tokens/lwa-client.js';
import { UPSTREAM_BODY_LIMIT_BYTES } from './capped-body.js';

/** What the emulator may have pushed before the relay hung up: its chunks are 1 MiB each. */
const WRITTEN_BOUND_BYTES = 16 * 1024 * 1024;

async function emulator() {
  const started = await startEmulator({ clientId: 'amzn1.client', clientSecret: 'secret' });
  onTestFinished(() => started.close());
  return started;
}

describe('upstream answers are read up to a cap, then the connection is dropped', () => {
  for (const status of [429, 500, 400]) {
    it(`gateway: an endless ${status} body gives ERR_GATEWAY_BODY_TOO_LARGE at once`, async () => {
      const stand = await emulator();
      stand.injectGatewayFaults([{ endless: true, status }]);
      const client = new GatewayClient({ url: stand.gatewayUrl, requestTimeoutMs: 5_000 });
      onTestFinished(() => client.close());
      const result = await client.send({ event: {} }, 'Atza|token');
      expect(result).toMatchObject({ kind: 'response', status, code: 'ERR_GATEWAY_BODY_TOO_LARGE' });
      expect(result.kind === 'response' && result.description).toContain(String(UPSTREAM_BODY_LIMIT_BYTES));
      const record = await waitFor('the emulator to see the hang-up', () =>
        stand.requests().find((entry) => entry.endlessBytes !== undefined),
      );
      expect(record.endlessBytes).toBeLessThan(WRITTEN_BOUND_BYTES);
    });
  }

  it('LWA: an endless token answer is ERR_LWA_UNAVAILABLE caused by ERR_LWA_BODY_TOO_LARGE', async () => {
    const stand = await emulator();
    stand.injectLwaFault({ kind: 'endless', status: 500 });
    const client = new LwaClient({
      tokenUrl: stand.lwaTokenUrl,
      clientId: 'amzn1.client',
      clientSecret: 'secret',
      requestTimeoutMs: 5_000,
    });
    const error = await client.refresh('Atzr|refresh').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isPressgateError(error, 'ERR_LWA_UNAVAILABLE')).toBe(true);
    expect(isPressgateError((error as Error).cause, 'ERR_LWA_BODY_TOO_LARGE')).toBe(true);
    expect((error as Error).message).not.toContain('secret');
    const record = await waitFor('the emulator to see the hang-up', () =>
      stand.tokenRequests().find((entry) => entry.endlessBytes !== undefined),
    );
    expect(record.endlessBytes).toBeLessThan(WRITTEN_BOUND_BYTES);
  });
});
