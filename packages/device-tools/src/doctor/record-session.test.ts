import { once } from 'node:events';
import { testPtyPair, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LineTap } from '../virtual-remote/line-tap.js';
import { analyzeSession } from './analyze-session.js';
import { type DoctorProgress, recordSession } from './record-session.js';

describe('recordSession on a real pty', () => {
  it('asks "?" at open and midway, keeps CR LF, cut-off and overlong lines apart, and stops on abort', async () => {
    const pair = await testPtyPair();
    const device = await LineTap.open(pair.devicePath);
    onTestFinished(() => device.close());
    const stop = new AbortController();
    const progress: DoctorProgress[] = [];
    const recording = recordSession({
      path: pair.hostPath,
      baudRate: 115200,
      durationMs: 10_000,
      midRunQueryAtMs: 200,
      signal: stop.signal,
      onProgress: (event) => progress.push(event),
    });
    const [first] = (await once(device, 'line')) as [{ text: string }];
    expect(first.text).toBe('?');
    await device.write('HELLO 1 rmt-crlf 1.0.0 3\r');
    await device.write(`# ${'y'.repeat(140)}`);
    await device.write('B 0 10\r');
    await waitFor(
      'device.lines.length >= 2',
      () => device.lines.length >= 2,
      () => `device got ${JSON.stringify(device.lines)}`,
    );
    stop.abort();
    const session = await recording;

    expect(session.aborted).toBe(true);
    expect(session.disconnect).toBeUndefined();
    expect(session.queries.map((query) => query.purpose)).toEqual(['open', 'mid-run']);
    expect(session.queries[1]?.hostMs).toBeGreaterThanOrEqual(190);
    expect(device.lines).toEqual(['?', '?']);
    const seen = session.lines.map((line) => ({ raw: line.raw, crlf: line.crlf, overlong: line.overlong }));
    expect(seen).toEqual([
      { raw: 'HELLO 1 rmt-crlf 1.0.0 3', crlf: true, overlong: false },
      { raw: '', crlf: false, overlong: true },
      { raw: 'B 0 10', crlf: true, overlong: false },
    ]);
    expect(progress.filter((event) => event.type === 'hello')).toEqual([
      expect.objectContaining({ hello: expect.objectContaining({ deviceId: 'rmt-crlf', buttons: 3 }) }),
    ]);

    const report = analyzeSession(session);
    expect(report.status).toBe('FAIL');
    expect(report.checks.find((check) => check.id === 'link')?.status).toBe('WARN');
    expect(report.checks.find((check) => check.id === 'line-length')?.status).toBe('FAIL');
  });

  it('rejects with ERR_SERIAL_NOT_FOUND when the port does not exist', async () => {
    await expect(
      recordSession({ path: '/nonexistent/pressgate-doctor', baudRate: 115200, durationMs: 1000 }),
    ).rejects.toMatchObject({ code: 'ERR_SERIAL_NOT_FOUND' });
  });
});
