import { captureIo, waitFor } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

describe('pressgate emulator', () => {
  it('serves LWA and the gateway until the signal, then exits 0', async () => {
    const stop = new AbortController();
    const io = captureIo({ signal: stop.signal });
    const exit = runCli(['emulator', '--port', '0', '--client-secret', 'test-secret'], io);
    const [, url] = await waitFor(
      'the listening line',
      () => io.out().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/) ?? undefined,
      io.out,
      5_000,
    );

    const code = (await (await fetch(`${url}/_emulator/authorization-codes`, { method: 'POST' })).json()) as {
      code: string;
    };
    const token = await fetch(`${url}/auth/o2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code.code,
        client_id: 'amzn1.application-oa2-client.pressgate-demo',
        client_secret: 'test-secret',
      }),
    });
    expect(token.status).toBe(200);
    expect(((await token.json()) as { token_type: string }).token_type).toBe('bearer');

    stop.abort();
    expect(await exit).toBe(0);
    expect(io.out()).toContain('emulator stopped');
    await expect(fetch(`${url}/_emulator/accepted`)).rejects.toThrow();
  });

  it('exits 2 on a port that is not a number', async () => {
    const io = captureIo();
    expect(await runCli(['emulator', '--port', 'abc'], io)).toBe(2);
    expect(io.err()).toContain('--port expects a whole number');
  });

  it('exits 2 on a gateway delay that is not a whole number', async () => {
    const io = captureIo();
    expect(await runCli(['emulator', '--port', '0', '--gateway-delay-ms', 'soon'], io)).toBe(2);
    expect(io.err()).toContain('--gateway-delay-ms expects a whole number');
  });
});
