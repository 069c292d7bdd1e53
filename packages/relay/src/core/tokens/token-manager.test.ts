import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPressgateError } from '@pressgate/protocol';
import {
  captureLogs,
  freshDir,
  lwaTokens,
  type ScriptedHandler,
  startScriptedServer,
  waitFor,
} from '@pressgate/test-kit';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { LinkStatus } from '../../ports.js';
import type { Clock } from '../shared/clock.js';
import { LwaClient } from './lwa-client.js';
import { TokenManager } from './token-manager.js';

async function setup(
  handler: ScriptedHandler,
  options: { dataDir?: string; clock?: Clock; refreshRetryMs?: { initial: number; max: number } } = {},
) {
  const lwa = await startScriptedServer('/auth/o2/token', handler);
  const dataDir = options.dataDir ?? (await freshDir());
  const logs = captureLogs();
  const manager = new TokenManager({
    dataDir,
    lwa: new LwaClient({ tokenUrl: lwa.url, clientId: 'client', clientSecret: 'secret-xyz' }),
    logger: logs.logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.refreshRetryMs === undefined ? {} : { refreshRetryMs: options.refreshRetryMs }),
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

describe('TokenManager refresh ahead of expiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refreshes 5 minutes before expiry with nobody asking, retries with backoff while LWA is down, never past expiry', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock: Clock = { now: () => now, sleep: async () => undefined };
    const refreshesAt: number[] = [];
    const { manager, lwa, logs } = await setup(
      (request, i) => {
        if (new URLSearchParams(request.body).get('grant_type') !== 'refresh_token') return lwaTokens(i + 1);
        refreshesAt.push(now);
        return refreshesAt.length <= 3 ? { status: 503 } : lwaTokens(i + 1);
      },
      { clock, refreshRetryMs: { initial: 60_000, max: 200_000 } },
    );
    const advance = async (ms: number) => {
      now += ms;
      await vi.advanceTimersByTimeAsync(ms);
    };
    const failures = () =>
      logs.entries().filter((line) => line.msg === 'refresh ahead of expiry failed; retrying');
    const seen = () => ({ refreshesAt, failures: failures().length });
    const linkedAt = now;
    await manager.acceptGrant('code-1');
    await advance(55 * 60_000 - 1);
    expect(refreshesAt).toEqual([]);
    await advance(1);
    await waitFor('the first refresh to fail', () => failures().length === 1, seen);
    // Backoff 60 s, then 120 s; the third wait (200 s) would pass the expiry: cut to 1 s before it.
    await advance(60_000);
    await waitFor('the second refresh to fail', () => failures().length === 2, seen);
    await advance(120_000);
    await waitFor('the third refresh to fail', () => failures().length === 3, seen);
    const expiresAt = linkedAt + 3600_000;
    await advance(expiresAt - 1_000 - now);
    await waitFor(
      'the refresh before expiry',
      () => manager.status().accessTokenExpiresAt !== new Date(expiresAt).toISOString(),
      seen,
    );
    expect(refreshesAt.map((at) => at - linkedAt)).toEqual([3300_000, 3360_000, 3480_000, 3599_000]);
    expect(manager.status()).toMatchObject({
      state: 'linked',
      accessTokenExpiresAt: new Date(now + 3600_000).toISOString(),
    });
    expect(await manager.getAccessToken()).toBe('Atza|access-5');
    expect(lwa.requests).toHaveLength(5);
    // The next one is armed for the new expiry; stop() disarms it.
    await manager.stop();
    await advance(2 * 3600_000);
    for (let turn = 0; turn < 50; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(lwa.requests).toHaveLength(5);
  });

  it('shares a refresh with a caller already refreshing, and turns invalid_grant into relink_required', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock: Clock = { now: () => now, sleep: async () => undefined };
    const { manager, lwa, links } = await setup(
      (request, i) =>
        new URLSearchParams(request.body).get('grant_type') === 'refresh_token'
          ? { status: 400, body: { error: 'invalid_grant' } }
          : lwaTokens(i + 1),
      { clock },
    );
    await manager.acceptGrant('code-1');
    now += 55 * 60_000;
    const lazy = manager.getAccessToken().catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(55 * 60_000);
    expect(isPressgateError(await lazy, 'ERR_LINK_RELINK_REQUIRED')).toBe(true);
    await waitFor(
      'relink_required',
      () => manager.status().state === 'relink_required',
      () => links,
    );
    expect(grantsOf(lwa.requests)).toEqual(['authorization_code', 'refresh_token']);
    now += 3600_000;
    await vi.advanceTimersByTimeAsync(3600_000);
    for (let turn = 0; turn < 50; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(grantsOf(lwa.requests)).toEqual(['authorization_code', 'refresh_token']);
    expect(links.map((link) => link.state)).toEqual(['linked', 'relink_required']);
  });
});

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

  it('a refresh answer without refresh_token keeps the previous refresh token (RFC 6749 section 6)', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => now, sleep: async () => undefined };
    const { manager, lwa, dataDir } = await setup(
      (request, i) => {
        if (new URLSearchParams(request.body).get('grant_type') !== 'refresh_token') return lwaTokens(i + 1);
        return { status: 200, body: { access_token: `Atza|access-${i + 1}`, expires_in: 3600 } };
      },
      { clock },
    );
    await manager.acceptGrant('code-1');
    now += 3600_000;
    expect(await manager.getAccessToken()).toBe('Atza|access-2');
    now += 3600_000;
    expect(await manager.getAccessToken()).toBe('Atza|access-3');
    expect(new URLSearchParams(lwa.requests[2]?.body).get('refresh_token')).toBe('Atzr|refresh-1');
    const stored = JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8'));
    expect(stored).toMatchObject({ accessToken: 'Atza|access-3', refreshToken: 'Atzr|refresh-1' });
    expect(manager.status().state).toBe('linked');
  });

  it.each([1e300, -1, 0, 'NaN', 366 * 24 * 3600])(
    'refuses an expires_in of %j at the boundary: the grant fails, nothing is saved',
    async (expiresIn) => {
      const { manager, dataDir, logs } = await setup(() => ({
        status: 200,
        body: { access_token: 'Atza|a', refresh_token: 'Atzr|r', expires_in: expiresIn },
      }));
      expect(await codeOf(manager.acceptGrant('code-1'))).toBe('ERR_LWA_BAD_RESPONSE');
      expect(manager.status()).toEqual({ state: 'unlinked' });
      expect(await readdir(dataDir)).not.toContain('tokens.json');
      expect(logs.entries().some((line) => line.msg === 'AcceptGrant code exchange failed')).toBe(true);
    },
  );

  it.each([
    ['an expiry past year 9999', { accessTokenExpiresAt: 1e300 }],
    ['a negative expiry', { accessTokenExpiresAt: -5 }],
    ['an unreadable updatedAt', { updatedAt: 'yesterday' }],
  ])('a token file with %s is ERR_STORE_CORRUPT naming the file and the way out', async (_what, bad) => {
    const dataDir = await freshDir();
    const file = join(dataDir, 'tokens.json');
    await writeFile(file, JSON.stringify({ version: 1, accessToken: 'a', refreshToken: 'r', ...bad }), {
      mode: 0o600,
    });
    const manager = new TokenManager({
      dataDir,
      lwa: new LwaClient({ tokenUrl: 'http://127.0.0.1:9/', clientId: 'c', clientSecret: 's' }),
      logger: captureLogs().logger,
    });
    const error = await manager.start().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isPressgateError(error, 'ERR_STORE_CORRUPT')).toBe(true);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/relink the skill/);
  });
});
