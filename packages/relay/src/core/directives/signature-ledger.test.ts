import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator } from '@pressgate/emulator';
import { isPressgateError, SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';
import {
  acceptGrantDirective,
  captureLogs,
  discoverDirective,
  freshDir,
  HARNESS_CLIENT_ID,
  HARNESS_CLIENT_SECRET,
  HARNESS_DIRECTIVE_SECRET,
  harnessConfig,
  startHttpHarness,
} from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRelay } from '../../relay.js';
import { SIGNATURES_FILE, SignatureLedger, type SignatureLedgerOptions } from './signature-ledger.js';

const NOW_S = 1_800_000_000;

/** A distinct 64-hex-digit signature per label. */
const sig = (label: string): string => createHash('sha256').update(label).digest('hex');

async function openLedger(options: SignatureLedgerOptions, nowS = NOW_S): Promise<SignatureLedger> {
  const ledger = new SignatureLedger(options);
  onTestFinished(() => ledger.close());
  await ledger.open(nowS);
  return ledger;
}

async function fileLines(file: string): Promise<{ s: string; t: number }[]> {
  const text = await readFile(file, 'utf8');
  expect(text === '' || text.endsWith('\n'), `file ends in a newline: ${JSON.stringify(text)}`).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { s: string; t: number });
}

describe('SignatureLedger', () => {
  it('has a signature on disk when record resolves; another instance (a restart) refuses it', async () => {
    const dataDir = join(await freshDir('pressgate-ledger-'), 'data');
    const first = await openLedger({ dataDir });
    expect(await first.record(sig('a').toUpperCase(), NOW_S, NOW_S)).toBe(true);
    expect(await first.record(sig('a'), NOW_S, NOW_S + 1)).toBe(false);
    expect(await fileLines(join(dataDir, SIGNATURES_FILE))).toEqual([{ s: sig('a'), t: NOW_S }]);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, SIGNATURES_FILE))).mode & 0o777).toBe(0o600);

    // The first one is never closed, as after a crash.
    const second = await openLedger({ dataDir }, NOW_S + 10);
    expect(second.size).toBe(1);
    expect(await second.record(sig('a'), NOW_S, NOW_S + 10)).toBe(false);
    expect(await second.record(sig('b'), NOW_S + 10, NOW_S + 10)).toBe(true);
  });

  it('forgets a signature once its timestamp is past the window, and drops it from the file on open', async () => {
    const dataDir = await freshDir('pressgate-ledger-');
    const file = join(dataDir, SIGNATURES_FILE);
    const ledger = await openLedger({ dataDir, windowS: 300 });
    expect(await ledger.record(sig('old'), NOW_S - 100, NOW_S)).toBe(true);
    // Signed slightly ahead of this clock: remembered until its own t + 300.
    expect(await ledger.record(sig('ahead'), NOW_S + 200, NOW_S)).toBe(true);
    await ledger.close();

    const at201 = await openLedger({ dataDir, windowS: 300 }, NOW_S + 201);
    expect(at201.size).toBe(1);
    expect(await fileLines(file)).toEqual([{ s: sig('ahead'), t: NOW_S + 200 }]);
    expect(await at201.record(sig('ahead'), NOW_S + 200, NOW_S + 500)).toBe(false);
    await at201.close();

    const at501 = await openLedger({ dataDir, windowS: 300 }, NOW_S + 501);
    expect(at501.size).toBe(0);
    expect(await readFile(file, 'utf8')).toBe('');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('rewrites the file with only live entries once it grows past compactAtBytes', async () => {
    const dataDir = await freshDir('pressgate-ledger-');
    const file = join(dataDir, SIGNATURES_FILE);
    const ledger = await openLedger({ dataDir, windowS: 10, compactAtBytes: 1024 });
    let largest = 0;
    for (let second = 0; second < 200; second += 1) {
      expect(await ledger.record(sig(`n${second}`), NOW_S + second, NOW_S + second)).toBe(true);
      largest = Math.max(largest, (await stat(file)).size);
    }
    // 200 lines would be about 17 KB; only the last 11 seconds are live.
    expect(largest).toBeLessThan(3 * 1024);
    const lines = await fileLines(file);
    expect(lines.length).toBeLessThan(30);
    expect(lines.at(-1)).toEqual({ s: sig('n199'), t: NOW_S + 199 });
    expect(lines.every((line) => line.t >= NOW_S + 199 - 10 - 20)).toBe(true);
    expect(ledger.size).toBe(11);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Still refused after a restart.
    await ledger.close();
    const reopened = await openLedger({ dataDir, windowS: 10 }, NOW_S + 199);
    expect(await reopened.record(sig('n195'), NOW_S + 195, NOW_S + 199)).toBe(false);
  });

  it('drops a torn last line with a warning and rewrites the file; a damaged middle line refuses to open', async () => {
    const dataDir = await freshDir('pressgate-ledger-');
    const file = join(dataDir, SIGNATURES_FILE);
    const intact = `${JSON.stringify({ s: sig('kept'), t: NOW_S })}\n`;
    await writeFile(file, `${intact}{"s":"${sig('torn').slice(0, 20)}`, { mode: 0o644 });
    const logs = captureLogs();
    const ledger = await openLedger({ dataDir, logger: logs.logger });
    expect(await ledger.record(sig('kept'), NOW_S, NOW_S)).toBe(false);
    expect(await ledger.record(sig('torn'), NOW_S, NOW_S)).toBe(true);
    expect(await fileLines(file)).toEqual([
      { s: sig('kept'), t: NOW_S },
      { s: sig('torn'), t: NOW_S },
    ]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('torn last line'), line: 2 }),
    );
    for (const line of logs.lines) expect(line).not.toMatch(/[0-9a-f]{64}/);
    await ledger.close();

    await writeFile(file, `${intact}not json\n${intact}`);
    const broken = new SignatureLedger({ dataDir });
    onTestFinished(() => broken.close());
    await expect(broken.open(NOW_S)).rejects.toSatisfy(
      (error) => isPressgateError(error, 'ERR_STORE_CORRUPT') && /line 2/.test(String(error)),
    );
  });
});

describe('POST /alexa/directive with the ledger', () => {
  it('refuses a replay after a restart: 401 and no second token request', async () => {
    const dataDir = await freshDir('pressgate-ledger-');
    const emulator = await startEmulator({
      clientId: HARNESS_CLIENT_ID,
      clientSecret: HARNESS_CLIENT_SECRET,
    });
    onTestFinished(() => emulator.close());
    const config = harnessConfig({ dataDir, emulator });
    const body = JSON.stringify(acceptGrantDirective(emulator.issueAuthorizationCode()));
    const signature = signDirective(HARNESS_DIRECTIVE_SECRET, body, Math.floor(Date.now() / 1000));
    const post = (url: string, payload: string, header: string): Promise<Response> =>
      fetch(`${url}/alexa/directive`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: header },
        body: payload,
      });

    const logs = captureLogs();
    const first = createRelay({ config, logger: logs.logger, stopDrainMs: 200 });
    onTestFinished(() => first.stop());
    const granted = await post(await first.start(), body, signature);
    expect(((await granted.json()) as { event: { header: { name: string } } }).event.header.name).toBe(
      'AcceptGrant.Response',
    );
    await first.stop();

    const second = createRelay({ config, logger: logs.logger, stopDrainMs: 200 });
    onTestFinished(() => second.stop());
    const url = await second.start();
    const replay = await post(url, body, signature);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: 'ERR_SIGNATURE_REPLAY' });
    expect(emulator.tokenRequests()).toHaveLength(1);
    // A freshly signed directive still passes.
    const discover = JSON.stringify(discoverDirective());
    const fresh = await post(
      url,
      discover,
      signDirective(HARNESS_DIRECTIVE_SECRET, discover, Math.floor(Date.now() / 1000)),
    );
    expect(fresh.status).toBe(200);
    const hex = signature.slice(signature.indexOf('v1=') + 3);
    for (const line of logs.lines) expect(line).not.toContain(hex);
    expect(logs.entries().filter((entry) => entry.msg === 'directive refused: replay')).toHaveLength(1);
  });

  it('processes nothing when the signature cannot be recorded (ledger not open): 503, no token request', async () => {
    const ledger = new SignatureLedger({ dataDir: await freshDir('pressgate-ledger-') });
    const h = await startHttpHarness({ app: { signatures: ledger } });
    const response = await h.postDirective(acceptGrantDirective(h.emulator.issueAuthorizationCode()));
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'ERR_RELAY_NOT_STARTED' });
    expect(h.emulator.tokenRequests()).toEqual([]);
    expect(h.core.tokens.status().state).toBe('unlinked');
  });
});
