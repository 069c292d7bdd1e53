import { once } from 'node:events';
import { join } from 'node:path';
import {
  type DoctorCheck,
  type DoctorReport,
  LineTap,
  openPtyPair,
  type PtyPair,
  VirtualRemote,
} from '@pressgate/device-tools';
import { captureIo, freshDir } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../cli.js';
import { doctorCommand } from './doctor.js';

const SECONDS = '2';

async function ptyPair(): Promise<PtyPair> {
  const dir = await freshDir('pressgate-doctor-');
  const pair = await openPtyPair({ dir });
  onTestFinished(() => pair.kill());
  return pair;
}

/** A virtual remote with a heartbeat every 500 ms, so a 2 s run sees several. */
async function startRemote(pair: PtyPair, options: { checksum?: boolean } = {}): Promise<VirtualRemote> {
  const remote = new VirtualRemote({
    path: pair.devicePath,
    deviceId: 'rmt-test',
    buttons: 2,
    heartbeatMs: 500,
    ...options,
  });
  onTestFinished(() => remote.stop());
  await remote.start();
  return remote;
}

/** Resolves when the remote next sends a line starting with `prefix`. */
function nextSent(remote: VirtualRemote, prefix: string): Promise<void> {
  return new Promise((resolve) => {
    const onSent = (event: { line: string }) => {
      if (!event.line.startsWith(prefix)) return;
      remote.off('sent', onSent);
      resolve();
    };
    remote.on('sent', onSent);
  });
}

function startDoctor(args: string[]) {
  const shutdown = new AbortController();
  const io = captureIo({ signal: shutdown.signal });
  const exit = runCli(['doctor', ...args], io, [doctorCommand]);
  onTestFinished(async () => {
    shutdown.abort();
    await exit;
  });
  const report = async (): Promise<{ code: number; report: DoctorReport }> => {
    const code = await exit;
    try {
      return { code, report: JSON.parse(io.out()) as DoctorReport };
    } catch {
      throw new Error(`stdout is not one JSON object: ${io.out()} / stderr: ${io.err()}`);
    }
  };
  return { io, exit, report };
}

function check(report: DoctorReport, id: DoctorCheck['id']): DoctorCheck {
  const found = report.checks.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`no check ${id}; got ${JSON.stringify(report.checks)}`);
  return found;
}

function statuses(report: DoctorReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((entry) => [entry.id, entry.status]));
}

describe('pressgate doctor on a real pty', () => {
  it('passes a good remote on every check, with the presses summarized and a prompt on stderr', async () => {
    const pair = await ptyPair();
    const remote = await startRemote(pair);
    const asked = once(remote, 'query');
    const doctor = startDoctor(['--port', pair.hostPath, '--seconds', SECONDS, '--json']);
    await asked;
    await remote.single(1);
    await remote.press(2, { holdMs: 150 });
    const { code, report } = await doctor.report();
    const notPassing = report.checks.filter((entry) => entry.status !== 'PASS');
    expect(notPassing, JSON.stringify(notPassing)).toEqual([]);
    expect(code).toBe(0);
    expect(report.device).toEqual({ proto: 1, deviceId: 'rmt-test', firmware: '0.1.0-sim', buttons: 2 });
    expect(report.buttons).toEqual([
      expect.objectContaining({ button: 1, presses: 1, shortPresses: 0 }),
      expect.objectContaining({ button: 2, presses: 1, shortPresses: 0 }),
    ]);
    expect(report.buttons[1]?.minPressMs).toBeGreaterThanOrEqual(150);
    expect(check(report, 'query-mid-run').detail).toMatch(/^HELLO \d+ ms after "\?" at 1\.0 s; seq went on/);
    expect(doctor.io.err()).toContain(
      'rmt-test firmware 0.1.0-sim, 2 button(s). Press each button (1..2) once now.',
    );
  });

  it('fails seq when the remote skips numbers, in text form with the fix, exit 1', async () => {
    const pair = await ptyPair();
    const remote = await startRemote(pair);
    const asked = once(remote, 'query');
    const doctor = startDoctor(['--port', pair.hostPath, '--seconds', SECONDS]);
    await asked;
    await nextSent(remote, 'B ');
    await remote.send({ type: 'heartbeat', seq: 4000, ms: remote.uptimeMs() });
    expect(await doctor.exit).toBe(1);
    const out = doctor.io.out();
    expect(out).toMatch(
      /^FAIL {2}seq goes up by one, wrapping 65535 -> 0, no gaps: seq jumped from \d+ to 4000 \(\d+ missing\)/m,
    );
    expect(out).toContain('      fix: count every E, G and B line with one counter');
    expect(out).toMatch(/^PASS {2}HELLO identity .*: protocol 1, device rmt-test/m);
    expect(out).toMatch(/^FAIL: \d+ fail, \d+ warn, \d+ pass; \d+ lines \(0 rejected\)/m);
  });

  it('fails the checksum check on a wrong *HH and lists the rejected line', async () => {
    const pair = await ptyPair();
    const remote = await startRemote(pair, { checksum: true });
    const asked = once(remote, 'query');
    const doctor = startDoctor(['--port', pair.hostPath, '--seconds', SECONDS, '--json']);
    await asked;
    await remote.sendRaw('B 7 5000*71');
    const { code, report } = await doctor.report();
    expect(code).toBe(1);
    expect(check(report, 'checksum')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining(
        '1 line(s) with a wrong or malformed *HH, e.g. "B 7 5000*71": expected checksum 70',
      ),
    });
    expect(report.errors).toEqual([
      { code: 'ERR_WIRE_CHECKSUM', count: 1, example: '"B 7 5000*71"', message: expect.any(String) },
    ]);
    expect(check(report, 'parse').status).toBe('FAIL');
    expect(check(report, 'seq').status).toBe('PASS');
  });

  it('fails line length on an overlong line', async () => {
    const pair = await ptyPair();
    const remote = await startRemote(pair);
    const asked = once(remote, 'query');
    const doctor = startDoctor(['--port', pair.hostPath, '--seconds', SECONDS, '--json']);
    await asked;
    await remote.sendRaw(`# ${'x'.repeat(200)}`);
    const { code, report } = await doctor.report();
    expect(code).toBe(1);
    expect(check(report, 'line-length')).toEqual(
      expect.objectContaining({ status: 'FAIL', detail: '1 line(s) longer than 128 bytes were discarded' }),
    );
    expect(report.errors.map((error) => error.code)).toEqual(['ERR_WIRE_TOO_LONG']);
  });

  it('fails HELLO, identity and the mid-run query when the device never answers "?"', async () => {
    const pair = await ptyPair();
    const device = await LineTap.open(pair.devicePath);
    onTestFinished(() => device.close());
    const asked = once(device, 'line');
    const doctor = startDoctor(['--port', pair.hostPath, '--seconds', SECONDS, '--json']);
    const [query] = (await asked) as [{ text: string }];
    expect(query.text).toBe('?');
    await device.write('B 0 100');
    await device.write('B 1 600');
    const { code, report } = await doctor.report();
    expect(code).toBe(1);
    expect(device.lines).toEqual(['?', '?']);
    expect(check(report, 'hello-answer')).toMatchObject({
      status: 'FAIL',
      detail: 'no HELLO within 1500 ms of "?": 2 other line(s) arrived, no HELLO',
    });
    expect(check(report, 'identity')).toMatchObject({ status: 'FAIL', detail: 'no valid HELLO arrived' });
    expect(check(report, 'query-mid-run').status).toBe('FAIL');
    expect(report.device).toBeUndefined();
  });

  it('fails when one button sends both E and G lines', async () => {
    const pair = await ptyPair();
    const remote = await startRemote(pair);
    const asked = once(remote, 'query');
    const doctor = startDoctor(['--port', pair.hostPath, '--seconds', SECONDS, '--json']);
    await asked;
    await remote.single(2);
    await remote.send({ type: 'gesture', seq: 60_000, ms: remote.uptimeMs(), button: 2, gesture: 'double' });
    const { code, report } = await doctor.report();
    expect(code).toBe(1);
    expect(check(report, 'edge-or-gesture')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(/^button 2 sent E \(seq \d+\) and G \(seq 60000\) lines$/),
    });
    expect(statuses(report).edges).toBe('PASS');
  });

  it('fails the link check, and ends early, when the device is unplugged mid-run', async () => {
    const pair = await ptyPair();
    const remote = await startRemote(pair);
    const asked = once(remote, 'query');
    const doctor = startDoctor(['--port', pair.hostPath, '--seconds', '20', '--json']);
    await asked;
    await remote.stop();
    await pair.kill();
    const { code, report } = await doctor.report();
    expect(code).toBe(1);
    expect(check(report, 'link')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(
        /^ERR_SERIAL_DISCONNECTED after \d+\.\d s: serial port .* (disappeared|failed|was closed)/,
      ),
    });
    expect(report.elapsedMs).toBeLessThan(10_000);
  });

  it('exits 2 on bad usage and 1 with a link FAIL for a port that does not exist', async () => {
    const missing = captureIo();
    expect(await runCli(['doctor', '--seconds', '3'], missing, [doctorCommand])).toBe(2);
    expect(missing.err()).toContain('missing required option --port');
    const zero = captureIo();
    expect(await runCli(['doctor', '--port', '/dev/null', '--seconds', '0'], zero, [doctorCommand])).toBe(2);
    expect(zero.err()).toContain('--seconds expects 1..600, got 0');

    const dir = await freshDir('pressgate-doctor-');
    const io = captureIo();
    expect(await runCli(['doctor', '--port', join(dir, 'nothing'), '--json'], io, [doctorCommand])).toBe(1);
    const report = JSON.parse(io.out()) as DoctorReport;
    expect(report.checks).toEqual([
      expect.objectContaining({
        id: 'link',
        status: 'FAIL',
        detail: expect.stringMatching(/^ERR_SERIAL_NOT_FOUND: /),
      }),
    ]);
  });
});
