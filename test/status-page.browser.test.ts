/**
 * The status page in a real browser (Chromium through playwright-core) against
 * the real relay (createRelay, which registers the status page plugin) linked
 * to a real emulator, with a virtual remote whose edges go through the real
 * gesture decoder into core.ingest.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Emulator, startEmulator } from '@pressgate/emulator';
import { type DecodedGesture, GestureDecoder } from '@pressgate/listener';
import {
  buttonTiming,
  mappedGestures,
  PressgateConfig,
  type PressgateConfigInput,
} from '@pressgate/protocol';
import type { GestureInput, PressRouteOptions } from '@pressgate/relay';
import { createRelay, createRelayLogger, pressRoute, type Relay } from '@pressgate/relay';
import { freshDir, waitFor } from '@pressgate/test-kit';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HAS_CHROMIUM, launchBrowser, watchErrors } from './fixtures/browser.js';
import { acceptGrant, discover, postSignedDirective } from './fixtures/relay-directives.js';

const SCREENSHOT_DIR = join(import.meta.dirname, '..', 'test-results');
const CLIENT_ID = 'amzn1.application-oa2-client.status-page-e2e';
const CLIENT_SECRET = 'status-page-e2e-client-secret-0123456789';
const DIRECTIVE_SECRET = 'status-page-e2e-directive-secret-0123456789';
const GRANTEE_TOKEN = 'Atza|status-page-e2e-grantee-token';
const SCOPE_TOKEN = 'Atza|status-page-e2e-discover-token';

function configInput(dataDir: string, gatewayUrl: string, lwaTokenUrl: string): PressgateConfigInput {
  return {
    relay: { host: '127.0.0.1', port: 0, dataDir },
    alexa: { region: 'NA', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, gatewayUrl, lwaTokenUrl },
    directives: { secret: DIRECTIVE_SECRET },
    remotes: [
      {
        id: 'living-room',
        serial: { path: '/dev/null' },
        endpoint: { endpointId: 'living-room-remote', friendlyName: 'Living room remote' },
        buttons: [
          {
            button: 1,
            instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
            names: [{ asset: 'Alexa.Button.TopButton' }],
            gestures: { single: { id: 'Button.SinglePush.1' }, double: { id: 'Button.DoublePush.1' } },
          },
          {
            button: 2,
            instance: '9b1d2c3e-4f50-4a6b-8c7d-0e1f2a3b4c5d',
            names: [{ text: 'Bottom button', locale: 'en-US' }],
            gestures: { long: { id: 'Button.LongPush.2' } },
          },
        ],
      },
    ],
  };
}

/**
 * A virtual remote as the demo has it: each down/up becomes an `E` edge stamped
 * with a device clock, fed to the listener's real decoder; decoded gestures go
 * to the relay through core.ingest, mapped or not (the page shows both).
 */
function decodingVirtualRemote(
  ingest: (input: GestureInput) => Promise<unknown>,
  config: PressgateConfig,
): Pick<PressRouteOptions, 'press'> & {
  stop(): void;
  log: string[];
  edges: { button: number; action: string; ms: number }[];
} {
  const log: string[] = [];
  const edges: { button: number; action: string; ms: number }[] = [];
  const decoders = new Map<string, GestureDecoder>();
  const startMs = performance.now();
  let seq = 0;
  for (const remote of config.remotes) {
    const buttons = new Map(
      remote.buttons.map((entry) => [
        entry.button,
        { timing: buttonTiming(remote, entry.button), mapped: mappedGestures(remote, entry.button) },
      ]),
    );
    const onGesture = (decoded: DecodedGesture): void => {
      log.push(`gesture ${remote.id} ${decoded.button} ${decoded.gesture}`);
      void ingest({ remoteId: remote.id, button: decoded.button, gesture: decoded.gesture });
    };
    decoders.set(
      remote.id,
      new GestureDecoder({
        defaults: remote.timing,
        buttons,
        onGesture,
        onAnomaly: (anomaly) => log.push(`anomaly ${anomaly.kind}: ${anomaly.detail}`),
      }),
    );
  }
  return {
    async press(remoteId, button, action) {
      const decoder = decoders.get(remoteId);
      if (decoder === undefined) throw new Error(`no virtual remote ${remoteId}`);
      seq = (seq + 1) % 65_536;
      const ms = Math.round(performance.now() - startMs);
      log.push(`edge ${remoteId} ${button} ${action} at ${ms} ms`);
      edges.push({ button, action, ms });
      decoder.push({ type: 'edge', seq, ms, button, edge: action === 'down' ? 'D' : 'U' });
    },
    log,
    edges,
    stop() {
      for (const decoder of decoders.values()) decoder.stop();
    },
  };
}

/** Every accessToken / refreshToken value in the relay's token file. */
function tokenValues(json: unknown, found: string[] = []): string[] {
  if (json === null || typeof json !== 'object') return found;
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'string' && /token/i.test(key) && !/expires/i.test(key)) found.push(value);
    else tokenValues(value, found);
  }
  return found;
}

/** Waits for `selector` to appear; on timeout says what the virtual remote saw. */
async function appears(page: Page, selector: string, log: readonly string[]): Promise<void> {
  try {
    await page.waitForSelector(selector, { timeout: 10_000 });
  } catch (error) {
    throw new Error(`${selector} did not appear; the virtual remote saw: ${JSON.stringify(log)}`, {
      cause: error,
    });
  }
}

type Stack = {
  dataDir: string;
  emulator: Emulator;
  relay: Relay;
  virtualRemote: ReturnType<typeof decodingVirtualRemote>;
  url: string;
};

/** A real emulator, and the real relay (page plugin and virtual remote included) on 127.0.0.1:0; all closed after the test. */
async function startStack(): Promise<Stack> {
  const dataDir = await freshDir('pressgate-status-page-');
  const emulator = await startEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  onTestFinished(() => emulator.close());
  const config = PressgateConfig.parse(configInput(dataDir, emulator.gatewayUrl, emulator.lwaTokenUrl));
  let relay: Relay | undefined;
  const virtualRemote = decodingVirtualRemote(async (input) => relay?.core.ingest(input), config);
  onTestFinished(() => virtualRemote.stop());
  const started = createRelay({
    config,
    logger: createRelayLogger(undefined, 'silent'),
    gatewayRequestTimeoutMs: 2_000,
    lwaRequestTimeoutMs: 2_000,
    stopDrainMs: 500,
  });
  // As the demo does: the press route on the relay's app, registered before it listens.
  void started.app.register(pressRoute, { config: () => config, press: virtualRemote.press });
  relay = started;
  onTestFinished(() => started.stop());
  const url = await started.start();
  return { dataDir, emulator, relay: started, virtualRemote, url };
}

describe.skipIf(!HAS_CHROMIUM)('status page in a real browser (needs /usr/bin/chromium)', () => {
  it('shows the link, the remote, and a pressed virtual button as gesture, lit cell and delivery', {
    timeout: 90_000,
  }, async () => {
    const { dataDir, emulator, relay, virtualRemote, url } = await startStack();

    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
    const errors = watchErrors(page);
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);

    // Before linking: the page says so and what to do; the remote is not connected.
    await expect.poll(() => page.locator('#connection').getAttribute('data-state')).toBe('live');
    await expect.poll(() => page.locator('#link-state').getAttribute('data-state')).toBe('unlinked');
    expect(await page.locator('#link .advice').textContent()).toContain('Enable the skill in the Alexa app');
    const remote = page.locator('article.remote[data-remote="living-room"]');
    expect(await remote.locator('.remote-head .badge').textContent()).toBe('Not connected');

    // Linking and the remote coming up reach the open page through the event stream.
    const authorizationCode = emulator.issueAuthorizationCode();
    const grant = await postSignedDirective(
      url,
      DIRECTIVE_SECRET,
      acceptGrant(authorizationCode, GRANTEE_TOKEN),
    );
    expect(grant.text).toContain('AcceptGrant.Response');
    const discovery = await postSignedDirective(url, DIRECTIVE_SECRET, discover(SCOPE_TOKEN));
    expect(emulator.learnDiscovery(JSON.parse(discovery.text))).toMatchObject({ ok: true });
    await relay.core.setRemoteStatus('living-room', {
      connected: true,
      deviceId: 'rmt-00a1',
      firmware: '0.3.0',
    });

    // Link, token expiry as a time, the remote's status, the mapping table.
    await expect.poll(() => page.locator('#link-state').getAttribute('data-state')).toBe('linked');
    expect(await page.locator('#link .advice').count()).toBe(0);
    expect(await page.locator('#token-expiry').textContent()).toMatch(/\(in \d+ min\)/);
    await expect.poll(() => remote.locator('.remote-head .badge').textContent()).toBe('Connected');
    expect(await remote.locator('dl.facts').textContent()).toContain('rmt-00a1');
    const row1 = remote.locator('table.mapping tr[data-button="1"]');
    expect(await row1.locator('td.cell').allTextContents()).toEqual([
      'Button.SinglePush.1',
      'Button.DoublePush.1',
      'not mapped',
    ]);

    // A quick press-and-release with the mouse: a single press, sent and delivered.
    const button1 = remote.locator('button.vbtn[data-button="1"]');
    const singleLit = appears(
      page,
      'article[data-remote="living-room"] tr[data-button="1"] td.cell.flash[data-gesture="single"]',
      virtualRemote.log,
    );
    await button1.click({ delay: 100 }); // the hold time a finger gives a short press
    await singleLit;
    const [down, up] = virtualRemote.edges;
    expect([down?.action, up?.action]).toEqual(['down', 'up']);
    // The relay sees about the hold the mouse made (100 ms), never a shorter one (a bounce).
    expect((up?.ms ?? 0) - (down?.ms ?? 0)).toBeGreaterThanOrEqual(80);
    const feedTop = page.locator('#feed li').first();
    await expect.poll(() => feedTop.getAttribute('data-gesture')).toBe('single');
    expect(await feedTop.textContent()).toContain('Button.SinglePush.1');
    const delivered = page.locator('#deliveries tr[data-outcome="delivered"]', {
      hasText: 'Button.SinglePush.1',
    });
    await expect.poll(() => delivered.count(), { timeout: 10_000 }).toBe(1);
    const cells = await delivered.locator('td').allTextContents();
    expect(cells.slice(1, 5)).toEqual(['Button.SinglePush.1', 'delivered', '202', '1']);
    expect(Number(cells[5])).toBeGreaterThanOrEqual(0);
    await waitFor(
      'the emulator to accept Button.SinglePush.1',
      () => emulator.accepted().find((event) => event.eventId === 'Button.SinglePush.1'),
      () => emulator.accepted(),
    );
    expect(await page.locator('#outbox').textContent()).toMatch(/delivered [1-9]/);

    // Held with the mouse: button 1 has no long mapped, so the "not mapped" cell flashes and nothing is sent.
    await button1.hover();
    await page.mouse.down();
    await appears(page, 'tr[data-button="1"] td.cell.flash-unmapped[data-gesture="long"]', virtualRemote.log);
    await page.mouse.up();
    await expect.poll(() => page.locator('#feed li[data-mapped="false"]').count()).toBe(1);
    expect(await page.locator('#feed li').first().textContent()).toContain('not mapped');

    // Held with the keyboard (Space) on button 2: a long press, delivered.
    const button2 = remote.locator('button.vbtn[data-button="2"]');
    await button2.focus();
    await page.keyboard.down('Space');
    await appears(page, 'tr[data-button="2"] td.cell.flash[data-gesture="long"]', virtualRemote.log);
    await page.keyboard.up('Space');
    const longDelivered = page.locator('#deliveries tr[data-outcome="delivered"]', {
      hasText: 'Button.LongPush.2',
    });
    await expect.poll(() => longDelivered.count(), { timeout: 10_000 }).toBe(1);
    expect(emulator.accepted().map((event) => event.eventId)).toEqual(
      expect.arrayContaining(['Button.SinglePush.1', 'Button.LongPush.2']),
    );
    expect(emulator.accepted().filter((event) => event.eventId?.startsWith('Button.') === true)).toHaveLength(
      2,
    );

    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'status-page.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'status-page-phone.png'), fullPage: true });
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow, 'the page scrolls sideways at phone width').toBeLessThanOrEqual(0);

    // No secret or token anywhere on the page: markup and text.
    const tokens = tokenValues(JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')));
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    const html = await page.content();
    const text = String(await page.evaluate('document.body.textContent'));
    for (const secret of [
      ...tokens,
      CLIENT_ID,
      CLIENT_SECRET,
      DIRECTIVE_SECRET,
      GRANTEE_TOKEN,
      SCOPE_TOKEN,
      authorizationCode,
    ]) {
      expect(html).not.toContain(secret);
      expect(text).not.toContain(secret);
    }
    expect(errors).toEqual([]);
  });

  it('falls back to polling /v1/status when the event stream is unavailable', {
    timeout: 60_000,
  }, async () => {
    const { relay, url } = await startStack();
    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
    let streamAttempts = 0;
    await page.route('**/v1/stream', (route) => {
      streamAttempts += 1;
      return route.abort('connectionrefused');
    });
    await page.goto(url);
    await expect.poll(() => page.locator('#connection').getAttribute('data-state')).toBe('reconnecting');
    await expect.poll(() => page.locator('#link-state').getAttribute('data-state')).toBe('unlinked');
    const badge = page.locator('article.remote[data-remote="living-room"] .remote-head .badge');
    expect(await badge.textContent()).toBe('Not connected');
    // Unlinked, so no ChangeReport and no delivery: only a poll can bring this to the page.
    await relay.core.setRemoteStatus('living-room', {
      connected: true,
      deviceId: 'rmt-00b2',
      firmware: '0.4.0',
    });
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('Connected');
    expect(await page.locator('article.remote[data-remote="living-room"] dl.facts').textContent()).toContain(
      'rmt-00b2',
    );
    expect(streamAttempts).toBeGreaterThanOrEqual(1);
  });
});
