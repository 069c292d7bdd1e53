/**
 * The status page tells the truth from its first paint (Chromium through playwright-core, the
 * real relay, a real emulator): a linked relay with a connected remote and a delivered gesture is
 * shown as such while the event stream is still held back, a remote that is not connected says
 * why with the fix and a link into the troubleshooting guide, a remote never seen is never given a
 * time, and on a 375 px phone an event id only breaks between its tokens.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator } from '@pressgate/emulator';
import { PressgateConfig, type PressgateConfigInput } from '@pressgate/protocol';
import { createRelay, createRelayLogger, type Relay } from '@pressgate/relay';
import { freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HAS_CHROMIUM, launchBrowser, watchErrors } from './fixtures/browser.js';
import { acceptGrant, discover, postSignedDirective } from './fixtures/relay-directives.js';

const SCREENSHOT_DIR = join(import.meta.dirname, '..', 'test-results');
const CLIENT_ID = 'amzn1.application-oa2-client.status-truth-e2e';
const CLIENT_SECRET = 'status-truth-e2e-client-secret-0123456789';
const DIRECTIVE_SECRET = 'status-truth-e2e-directive-secret-0123456789';
/** A token longer than a phone's feed column is wide: it must overflow (scroll) whole, never break. */
const LONG_EVENT_ID = 'Button.SinglePush.LivingRoomCeilingLightToggleFirstFloor';

function remote(
  id: string,
  instance: string,
  eventId: string,
): NonNullable<PressgateConfigInput['remotes']>[number] {
  return {
    id,
    serial: { path: `/dev/pressgate-${id}` },
    endpoint: { endpointId: `${id}-remote`, friendlyName: `${id.replace('-', ' ')} remote` },
    buttons: [
      {
        button: 1,
        instance,
        names: [{ asset: 'Alexa.Button.TopButton' }],
        gestures: { single: { id: eventId }, double: { id: 'Button.DoublePush.1' } },
      },
    ],
  };
}

async function startStack(): Promise<{ relay: Relay; url: string }> {
  const dataDir = await freshDir('pressgate-status-truth-');
  const emulator = await startEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  onTestFinished(() => emulator.close());
  const config = PressgateConfig.parse({
    relay: { host: '127.0.0.1', port: 0, dataDir },
    alexa: {
      region: 'NA',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      gatewayUrl: emulator.gatewayUrl,
      lwaTokenUrl: emulator.lwaTokenUrl,
    },
    directives: { secret: DIRECTIVE_SECRET },
    remotes: [
      remote('living-room', '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10', LONG_EVENT_ID),
      remote('hallway', '9b1d2c3e-4f50-4a6b-8c7d-0e1f2a3b4c5d', 'Button.SinglePush.2'),
      remote('garage', '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', 'Button.SinglePush.3'),
    ],
  } satisfies PressgateConfigInput);
  const relay = createRelay({
    config,
    logger: createRelayLogger(undefined, 'silent'),
    gatewayRequestTimeoutMs: 2_000,
    lwaRequestTimeoutMs: 2_000,
    stopDrainMs: 500,
  });
  onTestFinished(() => relay.stop());
  const url = await relay.start();

  // Linked and discovered, one remote up, one refused by the system, one never heard of.
  const grant = await postSignedDirective(
    url,
    DIRECTIVE_SECRET,
    acceptGrant(emulator.issueAuthorizationCode()),
  );
  expect(grant.text).toContain('AcceptGrant.Response');
  const discovery = await postSignedDirective(url, DIRECTIVE_SECRET, discover('Atza|status-truth-scope'));
  expect(emulator.learnDiscovery(JSON.parse(discovery.text))).toMatchObject({ ok: true });
  await relay.core.setRemoteStatus('living-room', {
    connected: true,
    deviceId: 'rmt-00c3',
    firmware: '0.5.0',
  });
  await relay.core.setRemoteStatus('hallway', {
    connected: false,
    reason: { code: 'ERR_SERIAL_PERMISSION', message: 'permission denied opening /dev/pressgate-hallway' },
  });
  const sent = await relay.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' });
  expect(sent.ok).toBe(true);
  await relay.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'long' });
  await waitFor(
    'the gesture to be delivered',
    () =>
      relay.core
        .recentDeliveries()
        .find((record) => record.eventId === LONG_EVENT_ID && record.outcome === 'delivered'),
    () => relay.core.recentDeliveries(),
  );
  return { relay, url };
}

describe.skipIf(!HAS_CHROMIUM)(
  'status page: the truth from the first paint (needs /usr/bin/chromium)',
  () => {
    it('shows link, remotes, recent gestures and deliveries before the event stream is up', {
      timeout: 90_000,
    }, async () => {
      const { url } = await startStack();
      const browser = await launchBrowser();
      const page = await browser.newPage({ viewport: { width: 1180, height: 1000 } });
      const errors = watchErrors(page);
      // The stream is held back until the checks below are done.
      let releaseStream: () => void = () => undefined;
      const streamHeld = new Promise<void>((resolve) => {
        releaseStream = resolve;
      });
      let streamRequests = 0;
      await page.route('**/v1/stream', async (route) => {
        streamRequests += 1;
        await streamHeld;
        await route.continue();
      });
      await page.goto(url);

      const living = page.locator('article.remote[data-remote="living-room"]');
      await expect.poll(() => living.locator('.remote-head .badge').textContent()).toBe('Connected');
      // No Live badge next to the truth: the stream is not up yet.
      expect(await page.locator('#connection').getAttribute('data-state')).toBe('connecting');
      expect(await page.locator('#connection').textContent()).toBe('Connecting');
      expect(await page.locator('#link-state').getAttribute('data-state')).toBe('linked');
      expect(await page.locator('#link').textContent()).not.toContain('Asking the relay');
      // Recent gestures from /v1/status: the delivered one and the unmapped one.
      expect(await page.locator('#feed-empty').isHidden()).toBe(true);
      expect(await page.locator('#feed li').count()).toBe(2);
      expect(await page.locator('#feed li[data-mapped="true"]').textContent()).toContain(LONG_EVENT_ID);
      expect(await page.locator('#feed li[data-mapped="false"]').textContent()).toContain('long');
      const delivered = page.locator('#deliveries tr[data-outcome="delivered"]', { hasText: LONG_EVENT_ID });
      expect(await delivered.count()).toBe(1);
      expect(await page.locator('#deliveries').textContent()).not.toContain('No deliveries yet');
      expect(await page.locator('#outbox').textContent()).toMatch(/delivered [1-9]/);
      expect(await living.locator('dd.last-seen').textContent()).not.toBe('never');
      // Nothing in a gesture line sits on top of anything else (a long id once overlapped the text).
      const overlaps = await page.evaluate(`[...document.querySelectorAll('#feed li')].flatMap((li) => {
      const boxes = [...li.children].map((child) => child.getBoundingClientRect());
      return boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) =>
        a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1).map(() => li.textContent));
    })`);
      expect(overlaps).toEqual([]);
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'status-page-first-paint.png'), fullPage: true });

      // A remote refused by the system says why, what to do, and links to the guide; never seen, no time.
      const hallway = page.locator('article.remote[data-remote="hallway"]');
      expect(await hallway.locator('.remote-head .badge').textContent()).toBe('Not connected: no permission');
      const reason = hallway.locator('.reason [data-reason="ERR_SERIAL_PERMISSION"]');
      expect(await reason.textContent()).toContain('Add the service user to the dialout group');
      expect(await reason.textContent()).toContain('permission denied opening /dev/pressgate-hallway');
      expect(await reason.locator('a').getAttribute('href')).toBe('troubleshooting#permission-denied');
      expect(await hallway.locator('dd.last-seen').textContent()).toBe('never');
      const garage = page.locator('article.remote[data-remote="garage"]');
      expect(await garage.locator('.remote-head .badge').textContent()).toBe('Not connected');
      expect(await garage.locator('dd.last-seen').textContent()).toBe('never');
      expect(await garage.locator('[data-reason="none"]').count()).toBe(1);

      // Then the stream: Live.
      expect(streamRequests).toBe(1);
      releaseStream();
      await expect.poll(() => page.locator('#connection').getAttribute('data-state')).toBe('live');

      // The guide link (header) and the reason's link lead to the served guide, at the right section.
      expect(await page.locator('#guide').getAttribute('href')).toBe('troubleshooting');
      await reason.locator('a').click();
      await page.waitForURL(/\/troubleshooting#permission-denied$/);
      expect(await page.locator('h2#permission-denied').textContent()).toBe('Permission denied');
      expect(await page.locator('body').textContent()).toContain('ERR_SERIAL_PERMISSION');
      expect(errors).toEqual([]);
    });

    it('at 375 px wide, breaks event ids only between tokens and never scrolls sideways', {
      timeout: 90_000,
    }, async () => {
      const { url } = await startStack();
      const browser = await launchBrowser();
      const page = await browser.newPage({
        viewport: { width: 375, height: 812 },
        isMobile: true,
        hasTouch: true,
      });
      const errors = watchErrors(page);
      await page.goto(url);
      await expect.poll(() => page.locator('#connection').getAttribute('data-state')).toBe('live');
      await expect
        .poll(() => page.locator('#deliveries code.event-id', { hasText: LONG_EVENT_ID }).count())
        .toBe(1);
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'status-page-375.png'), fullPage: true });

      const layout = (await page.evaluate(`(() => {
      const ids = [...document.querySelectorAll('code.event-id')].filter((node) => node.offsetParent !== null);
      return {
        ids: ids.length,
        // Lines each id takes, and tokens that take more than one line (a break inside a token).
        lines: ids.map((node) => new Set([...node.querySelectorAll('.tok')].map((tok) => Math.round(tok.getBoundingClientRect().top))).size),
        brokenTokens: ids.flatMap((node) => [...node.querySelectorAll('.tok')]).filter((tok) => tok.getClientRects().length > 1).map((tok) => tok.textContent),
        text: ids.map((node) => node.textContent),
        overflow: document.documentElement.scrollWidth - window.innerWidth,
      };
    })()`)) as { ids: number; lines: number[]; brokenTokens: string[]; text: string[]; overflow: number };
      expect(layout.ids).toBeGreaterThanOrEqual(2);
      expect(layout.text).toContain(LONG_EVENT_ID);
      // The long id does wrap on a phone (so the check below means something), between tokens only.
      expect(Math.max(...layout.lines)).toBeGreaterThan(1);
      expect(layout.brokenTokens).toEqual([]);
      expect(layout.overflow, 'the page scrolls sideways at 375 px').toBeLessThanOrEqual(0);
      expect(errors).toEqual([]);
    });
  },
);
