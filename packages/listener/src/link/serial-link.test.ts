import { chmod, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { isPressgateError, type PressgateError } from '@pressgate/protocol';
import { freshDir, testPtyPair, testRemote, waitFor } from '@pressgate/test-kit';
import { SerialPort } from 'serialport';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type LinkLine, SerialLink, type SerialLinkOptions } from './serial-link.js';

const HELLO = 'HELLO 1 rmt-1 0.1.0 4';

function testLink(options: SerialLinkOptions): SerialLink {
  const link = new SerialLink(options);
  onTestFinished(() => link.close());
  return link;
}

async function openFailure(link: SerialLink): Promise<PressgateError> {
  const error = await link.open().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isPressgateError(error)) throw new Error(`expected a PressgateError, got ${String(error)}`);
  return error;
}

function record(link: SerialLink): { lines: LinkLine[]; downs: PressgateError[] } {
  const seen = { lines: [] as LinkLine[], downs: [] as PressgateError[] };
  link.on('line', (line) => seen.lines.push(line));
  link.on('down', (error) => seen.downs.push(error));
  return seen;
}

describe('SerialLink on a real pty', () => {
  it('asks with ?, resolves with HELLO and emits the lines that follow', async () => {
    const pair = await testPtyPair();
    const remote = await testRemote(pair, { answer: HELLO });
    const link = testLink({ path: pair.hostPath, baudRate: 115200 });
    const seen = record(link);
    const hello = await link.open();
    expect(hello).toEqual({ type: 'hello', proto: 1, deviceId: 'rmt-1', firmware: '0.1.0', buttons: 4 });
    expect(remote.received).toContain('?\n');
    await remote.send('E 1 100 1 D\r\nB 2 200*4A\n');
    await waitFor(
      'seen.lines.length >= 3',
      () => seen.lines.length >= 3,
      () => JSON.stringify(seen.lines),
    );
    expect(seen.lines.map((line) => line.raw)).toEqual([HELLO, 'E 1 100 1 D\r', 'B 2 200*4A']);
    expect(seen.lines[0]?.answersQuery).toBe(true); // the HELLO answered our "?"
    expect(link.unansweredQueries).toBe(0);
    expect(seen.lines[1]?.result).toEqual({
      ok: true,
      message: { type: 'edge', seq: 1, ms: 100, button: 1, edge: 'D' },
      checksum: false,
    });
    expect(seen.lines[2]?.result).toMatchObject({ ok: false, error: { code: 'ERR_WIRE_CHECKSUM' } });
    expect(link.isUp).toBe(true);
  });

  it('reports a missing path as ERR_SERIAL_NOT_FOUND with the fix', async () => {
    const dir = await freshDir('pressgate-link-');
    const error = await openFailure(testLink({ path: join(dir, 'ttyACM9'), baudRate: 115200 }));
    expect(error.code).toBe('ERR_SERIAL_NOT_FOUND');
    expect(error.message).toContain('ttyACM9');
    expect(error.message).toContain('pressgate ports');
  });

  it('reports a port another program holds as ERR_SERIAL_BUSY', async () => {
    const pair = await testPtyPair();
    const other = new SerialPort({ path: pair.hostPath, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => other.open((error) => (error ? reject(error) : resolve())));
    onTestFinished(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const error = await openFailure(testLink({ path: pair.hostPath, baudRate: 115200 }));
    expect(error.code).toBe('ERR_SERIAL_BUSY');
    expect(error.message).toContain('another program');
  });

  const isRoot = process.getuid?.() === 0;
  it.skipIf(isRoot)(
    'reports EACCES as ERR_SERIAL_PERMISSION (skipped as root: root opens a chmod 000 pty anyway)',
    async () => {
      const pair = await testPtyPair();
      await chmod(await realpath(pair.hostPath), 0o000);
      const error = await openFailure(testLink({ path: pair.hostPath, baudRate: 115200 }));
      expect(error.code).toBe('ERR_SERIAL_PERMISSION');
      expect(error.message).toContain('dialout');
    },
  );

  it('says ERR_SERIAL_SILENT when nothing answers ?', async () => {
    const pair = await testPtyPair();
    await testRemote(pair);
    const error = await openFailure(testLink({ path: pair.hostPath, baudRate: 115200, helloTimeoutMs: 300 }));
    expect(error.code).toBe('ERR_SERIAL_SILENT');
    expect(error.message).toContain('HELLO');
  });

  it('says ERR_SERIAL_GARBAGE when mostly unreadable lines arrive (wrong baud rate)', async () => {
    const pair = await testPtyPair();
    await testRemote(pair, { answer: '\xf8\x80\xfe\x1c\xe0\n\xf0\xf0\x80\n\xfe\xfe' });
    const error = await openFailure(testLink({ path: pair.hostPath, baudRate: 115200, helloTimeoutMs: 400 }));
    expect(error.code).toBe('ERR_SERIAL_GARBAGE');
    expect(error.message).toContain('baudRate');
  });

  it('says ERR_SERIAL_NO_HELLO when valid lines come but no HELLO', async () => {
    const pair = await testPtyPair();
    await testRemote(pair, { answer: 'B 1 10' });
    const error = await openFailure(testLink({ path: pair.hostPath, baudRate: 115200, helloTimeoutMs: 400 }));
    expect(error.code).toBe('ERR_SERIAL_NO_HELLO');
  });

  it('goes down with ERR_SERIAL_DISCONNECTED when the pty pair is killed', async () => {
    const pair = await testPtyPair();
    await testRemote(pair, { answer: HELLO });
    const link = testLink({ path: pair.hostPath, baudRate: 115200 });
    const seen = record(link);
    await link.open();
    await pair.kill();
    const [down] = await waitFor(
      'seen.downs.length > 0 && seen.downs',
      () => seen.downs.length > 0 && seen.downs,
      () => `downs: ${seen.downs.length}`,
    );
    expect(down?.code).toBe('ERR_SERIAL_DISCONNECTED');
    expect(link.isUp).toBe(false);
  });

  it('goes down with ERR_SERIAL_SILENT after heartbeatTimeoutMs without a line', async () => {
    const pair = await testPtyPair();
    const remote = await testRemote(pair, { answer: HELLO });
    const link = testLink({ path: pair.hostPath, baudRate: 115200, heartbeatTimeoutMs: 300 });
    const seen = record(link);
    await link.open();
    const openedAt = Date.now();
    await remote.send('B 1 10\n');
    const [down] = await waitFor(
      'seen.downs.length > 0 && seen.downs',
      () => seen.downs.length > 0 && seen.downs,
      () => `lines: ${seen.lines.length}`,
    );
    expect(down?.code).toBe('ERR_SERIAL_SILENT');
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(300);
    expect(seen.downs).toHaveLength(1);
  });

  it('discards a 10 KB line without newline as one overlong error and reads the next line', async () => {
    const pair = await testPtyPair();
    const remote = await testRemote(pair, { answer: HELLO });
    const link = testLink({ path: pair.hostPath, baudRate: 115200 });
    const seen = record(link);
    await link.open();
    await remote.send(Buffer.alloc(10 * 1024, 0x41));
    await remote.send('\nB 5 500\n');
    await waitFor(
      "seen.lines.some((line) => line.raw === 'B 5 500')",
      () => seen.lines.some((line) => line.raw === 'B 5 500'),
      () => JSON.stringify(seen.lines.map((line) => [line.raw.slice(0, 20), line.result.ok])),
    );
    const codes = seen.lines
      .slice(1)
      .map((line) => (line.result.ok ? line.result.message.type : line.result.error.code));
    expect(codes).toEqual(['ERR_WIRE_TOO_LONG', 'heartbeat']);
  });
});
