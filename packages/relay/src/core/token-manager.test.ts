import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isPressgateError } from '@pressgate/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { LinkStatus } from '../ports.js';
import type { Clock } from './clock.js';
import { LwaClient } from './lwa-client.js';
import {
  captureLogs,
  lwaTokens,
  makeTempDir,
  type ScriptedHandler,
  startScriptedServer,
} from './test-support.test-helpers.js';
import { TokenManager } from './token-manager.js';

async function setup(handler: ScriptedHandler, options: { dataDir?: string; clock?: Clock } = {}) {
  const lwa = await startScriptedServer('/auth/o2/token', handler);
  const dataDir = options.dataDir ?? (await makeTempDir());
  const logs = captureLogs();
  const manager = new TokenManager({
    dataDir,
    lwa: new LwaClient({ tokenUrl: lwa.url, clientId: 'client', clientSecret: 'secret-xyz' }),
    logger: logs.logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  await manager.start();
  onTestFinished(() => manager.stop());
  const links: LinkStatus[] = [];
  manager.onLinkChange((status) => links.push(status));
  return { lwa, dataDir, manager, links, logs };
}

const grantsOf = (requests: { body: string }[]) =>
  requests.map((request) => new URLSearchParams(request.body).get('grant_type'));

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return isPressgateError(error) ? error.code : String(error);
}

describe('TokenManager', () => {
  it('is unlinked until AcceptGrant, then stores the tokens 0600 and reports linked', async () => {
    const { manager, dataDir, links } = await setup((_request, i) => lwaTokens(i + 1));
    expect(manager.status()).toEqual({ state: 'unlinked' });
    expect(await codeOf(manager.getAccessToken())).toBe('ERR_LINK_UNLINKED');
    await manager.acceptGrant('code-1');
    expect(manager.status().state).toBe('linked');
    expect(links.map((link) => link.state)).toEqual(['linked']);
    expect(await manager.getAccessToken()).toBe('Atza|access-1');
    const file = join(dataDir, 'tokens.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      accessToken: 'Atza|access-1',
      refreshToken: 'Atzr|refresh-1',
    });
  });

  it('a burst of 50 callers near expiry causes exactly one refresh and keeps the newest refresh token', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => now, sleep: async () => undefined };
    const { manager, lwa, dataDir } = await setup((_request, i) => lwaTokens(i + 1), { clock });
    await manager.acceptGrant('code-1');
    now += 3600_000 - 4 * 60_000; // within the 5-minute refresh window
    const tokens = await Promise.all(Array.from({ length: 50 }, () => manager.getAccessToken()));
    expect(new Set(tokens)).toEqual(new Set(['Atza|access-2']));
    expect(grantsOf(lwa.requests)).toEqual(['authorization_code', 'refresh_token']);
    expect(new URLSearchParams(lwa.requests[1]?.body).get('refresh_token')).toBe('Atzr|refresh-1');
    const stored = JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8'));
    expect(stored.refreshToken).toBe('Atzr|refresh-2');
  });

  it('does not refresh while the token is fresh', async () => {
    const { manager, lwa } = await setup((_request, i) => lwaTokens(i + 1));
    await manager.acceptGrant('code-1');
    await Promise.all(Array.from({ length: 10 }, () => manager.getAccessToken()));
    expect(lwa.requests).toHaveLength(1);
  });

  it('invalid_grant on refresh -> relink_required, no token handed out, until a new AcceptGrant', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => now, sleep: async () => undefined };
    const { manager, lwa, links, dataDir } = await setup(
      (request, i) =>
        new URLSearchParams(request.body).get('grant_type') === 'refresh_token'
          ? { status: 400, body: { error: 'invalid_grant' } }
          : lwaTokens(i + 1),
      { clock },
    );
    await manager.acceptGrant('code-1');
    now += 3600_000;
    expect(await codeOf(manager.getAccessToken())).toBe('ERR_LINK_RELINK_REQUIRED');
    expect(manager.status()).toMatchObject({ state: 'relink_required', reason: 'invalid_grant' });
    expect(await codeOf(manager.getAccessToken())).toBe('ERR_LINK_RELINK_REQUIRED');
    expect(grantsOf(lwa.requests)).toEqual(['authorization_code', 'refresh_token']);
    // Survives a restart.
    const again = new TokenManager({
      dataDir,
      lwa: new LwaClient({ tokenUrl: lwa.url, clientId: 'client', clientSecret: 'secret-xyz' }),
      logger: captureLogs().logger,
      clock,
    });
    await again.start();
    onTestFinished(() => again.stop());
    expect(again.status().state).toBe('relink_required');
    await manager.acceptGrant('code-2');
    expect(manager.status().state).toBe('linked');
    expect(manager.status().reason).toBeUndefined();
    expect(await manager.getAccessToken()).toBe('Atza|access-3');
    expect(links.map((link) => link.state)).toEqual(['linked', 'relink_required', 'linked']);
  });

  it('keeps using a still-valid token when LWA is down during an early refresh, but never an expired one', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => now, sleep: async () => undefined };
    const { manager } = await setup((_request, i) => (i === 0 ? lwaTokens(1) : { status: 503 }), { clock });
    await manager.acceptGrant('code-1');
    now += 3600_000 - 4 * 60_000;
    expect(await manager.getAccessToken()).toBe('Atza|access-1');
    now += 4 * 60_000;
    expect(await codeOf(manager.getAccessToken())).toBe('ERR_LWA_UNAVAILABLE');
  });

  it('invalidateAccessToken forces one refresh; a stale token is ignored', async () => {
    const { manager, lwa } = await setup((_request, i) => lwaTokens(i + 1));
    await manager.acceptGrant('code-1');
    manager.invalidateAccessToken('Atza|access-1');
    expect(await manager.getAccessToken()).toBe('Atza|access-2');
    manager.invalidateAccessToken('Atza|access-1');
    expect(await manager.getAccessToken()).toBe('Atza|access-2');
    expect(lwa.requests).toHaveLength(2);
  });

  it('acceptGrant rejects with the LWA error and stays unlinked', async () => {
    const { manager } = await setup(() => ({ status: 400, body: { error: 'invalid_grant' } }));
    expect(await codeOf(manager.acceptGrant('stale-code'))).toBe('ERR_LWA_INVALID_GRANT');
    expect(manager.status().state).toBe('unlinked');
  });
});
