/**
 * `pressgate demo` (no --once) as a real child process, its status page in a
 * real Chromium: a mouse press on a virtual button goes page -> relay press
 * route -> VirtualRemote -> pty -> listener -> decoder -> relay -> emulator,
 * and comes back to the page as a gesture and a delivered row.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchBrowser, watchErrors } from './fixtures/browser.js';
import { E2E_WAIT_MS, type LogLine, ROOT, spawnCli } from './fixtures/e2e-more-cli.js';

const SCREENSHOT = join(ROOT, 'test-results', 'demo-browser.png');

/** The demo's JSON log file (it logs there unless --verbose). */
async function readLog(file: string): Promise<LogLine[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe.skipIf(!HAS_CHROMIUM)('pressgate demo in a real browser (needs /usr/bin/chromium)', () => {
  it('plays the script, then a mouse press and a hold on the page reach the emulator over the pty', async () => {
    const demo = spawnCli(['demo', '--port', '0']);
    const printed = (pattern: RegExp) =>
      waitFor(
        `the demo to print ${pattern}`,
        () => {
          const found = pattern.exec(demo.stdout());
          if (found === null && demo.process.exitCode !== null) {
            throw new Error(`the demo exited ${demo.process.exitCode}: ${demo.stderr()}`);
          }
          return found ?? undefined;
        },
        () => ({ stdout: demo.stdout().slice(-1500), stderr: demo.stderr() }),
        30_000,
      );
    // --port 0 outside --once: any free port, and the page URL says which.
    const [, url] = await printed(/Status page: (http:\/\/127\.0\.0\.1:(\d+))\/ /);
    expect(url).not.toMatch(/:0$/);
    expect(demo.stdout()).toContain('6 gestures, 6 delivered');
    expect(demo.stdout()).toContain('simulated on the pseudo-terminal');
    const [, logFile] = await printed(/ {2}logs {6}(\S+)/);
    const ptyPath = /pseudo-terminal (\S+)/.exec(demo.stdout())?.[1];

    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
    const errors = watchErrors(page);
    const response = await page.goto(`${url}/`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.locator('#connection').getAttribute('data-state')).toBe('live');
    await expect.poll(() => page.locator('#link-state').getAttribute('data-state')).toBe('linked');
    const remote = page.locator('article.remote[data-remote="demo-remote"]');
    await expect.poll(() => remote.locator('.remote-head .badge').textContent()).toBe('Connected');

    const delivered = (eventId: string) =>
      page.locator('#deliveries tr[data-outcome="delivered"]', { hasText: eventId }).count();
    const listenerGestures = async (gesture: string) =>
      (await readLog(logFile ?? '')).filter(
        (line) =>
          line.component === 'listener' &&
          line.msg === 'gesture' &&
          line.button === 1 &&
          line.gesture === gesture,
      ).length;
    // The scripted single and long of button 1 are already there, from the status the page loaded.
    await expect.poll(() => delivered('Button.SinglePush.1')).toBe(1);
    await expect.poll(() => delivered('Button.LongPush.1')).toBe(1);
    await expect.poll(() => listenerGestures('single')).toBe(1);
    const feedBefore = await page.locator('#feed li').count();

    // A short press and release with the mouse: a single press, decoded by the listener behind the pty.
    const button1 = remote.locator('button.vbtn[data-button="1"]');
    await button1.click({ delay: 100 });
    await expect.poll(() => page.locator('#feed li').count(), { timeout: 10_000 }).toBe(feedBefore + 1);
    const feedTop = page.locator('#feed li').first();
    expect(await feedTop.getAttribute('data-gesture')).toBe('single');
    expect(await feedTop.textContent()).toContain('Button.SinglePush.1');
    await expect.poll(() => delivered('Button.SinglePush.1'), { timeout: 10_000 }).toBe(2);
    const row = page.locator('#deliveries tr[data-outcome="delivered"]', { hasText: 'Button.SinglePush.1' });
    expect((await row.first().locator('td').allTextContents()).slice(1, 4)).toEqual([
      'Button.SinglePush.1',
      'delivered',
      '202',
    ]);
    await expect.poll(() => listenerGestures('single'), { timeout: 10_000 }).toBe(2);
    const opened = (await readLog(logFile ?? '')).find((line) => line.msg === 'opening serial port');
    expect(opened?.path).toBe(ptyPath);
    // The demo reports the page's press on its terminal too, like the scripted ones.
    const singleReports = () =>
      demo.stdout().match(/button 1 {2}single {2}-> Button\.SinglePush\.1 +delivered/g) ?? [];
    await waitFor(
      'the demo to report the second single press',
      () => singleReports().length === 2,
      () => demo.stdout().slice(-1500),
      E2E_WAIT_MS,
    );

    // Held past longPressMs: the long press fires while the button is still down, and is delivered.
    await button1.hover();
    await page.mouse.down();
    try {
      await page.waitForSelector(
        'article[data-remote="demo-remote"] tr[data-button="1"] td.cell.flash[data-gesture="long"]',
        {
          timeout: 10_000,
        },
      );
    } finally {
      await page.mouse.up();
    }
    await expect.poll(() => delivered('Button.LongPush.1'), { timeout: 10_000 }).toBe(2);
    expect(await page.locator('#feed li').first().getAttribute('data-gesture')).toBe('long');
    await expect.poll(() => listenerGestures('long')).toBe(2);

    await mkdir(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
    await browser.close();

    demo.process.kill('SIGINT');
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    expect(demo.stderr()).toBe('');
  }, 60_000);
});
