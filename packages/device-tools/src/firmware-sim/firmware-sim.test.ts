import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type LinkLine, SerialLink } from '@pressgate/listener';
import { isPressgateError } from '@pressgate/protocol';
import { freshDir, waitFor } from '@pressgate/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { firmwareBuild } from './firmware-paths.js';
import { FirmwareSim, type SimInstant, simMsBetween } from './firmware-sim.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const BUILD_DIR = join(ROOT, 'build/firmware');
/** A cold build on a loaded machine takes minutes; a warm one (or another worker's) seconds. */
const BUILD_TIMEOUT_MS = 900_000;
const hasAvrGcc = spawnSync('avr-gcc', ['--version']).status === 0;
// Locally it runs when avr-gcc is there; in CI (.ci/run installs it) a missing one fails.
const skipSim = !hasAvrGcc && process.env.CI === undefined;

describe('FirmwareSim without a build', () => {
  it('says what to build and install when the harness is missing', async () => {
    const dir = await freshDir('pressgate-fwsim-');
    const sim = new FirmwareSim({ ...firmwareBuild(join(dir, 'nothing')), linkPath: join(dir, 'remote') });
    const error = await sim.start().catch((e: unknown) => e);
    expect(isPressgateError(error, 'ERR_FIRMWARE_SIM_MISSING')).toBe(true);
    expect(String((error as Error).message)).toMatch(/pnpm firmware:build.*gcc-avr.*simavr/);
    await sim.stop();
  });
});

describe.skipIf(skipSim)('FirmwareSim', () => {
  beforeAll(async () => {
    await promisify(execFile)('bash', [join(ROOT, 'scripts/firmware/build.sh')], {
      cwd: ROOT,
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  }, BUILD_TIMEOUT_MS);

  it('runs the firmware: HELLO on the link, presses with bounce as one clean D and U each', async () => {
    const dir = await freshDir('pressgate-fwsim-');
    const sim = new FirmwareSim({ ...firmwareBuild(BUILD_DIR), linkPath: join(dir, 'remote') });
    const serial = new SerialLink({ path: sim.linkPath, baudRate: 115200 });
    const lines: LinkLine[] = [];
    serial.on('line', (line) => lines.push(line));
    try {
      await sim.start();
      expect(existsSync(sim.linkPath)).toBe(true);
      const hello = await serial.open();
      expect(hello).toMatchObject({ type: 'hello', proto: 1, buttons: 4 });
      const messages = () => lines.flatMap((l) => (l.result.ok ? [l.result.message] : []));
      const edges = () => messages().flatMap((m) => (m.type === 'edge' ? [`${m.button}${m.edge}`] : []));
      const seen = () => lines.map((l) => l.raw);

      await sim.press(3, { bounceMs: 6 });
      await waitFor('E ... 3 D', () => edges().includes('3D'), seen);
      await sim.release(3, { bounceMs: 6 });
      await waitFor('E ... 3 U', () => edges().includes('3U'), seen);
      await sim.press(1);
      await sim.release(1);
      await waitFor('E ... 1 U', () => edges().includes('1U'), seen);
      // A heartbeat after the last edge: the simulated chip has run past every bounce window.
      const count = messages().length;
      await waitFor('a heartbeat after the presses', () =>
        messages()
          .slice(count)
          .some((m) => m.type === 'heartbeat'),
      );
      expect(edges()).toEqual(['3D', '3U', '1D', '1U']);
      expect(lines.filter((l) => !l.result.ok && l.result.error.code !== 'ERR_WIRE_EMPTY')).toEqual([]);

      const refused = await sim.press(17).catch((e: unknown) => e);
      expect(isPressgateError(refused, 'ERR_FIRMWARE_SIM_COMMAND')).toBe(true);
    } finally {
      await serial.close();
      await sim.stop();
    }
    expect(existsSync(sim.linkPath)).toBe(false);
    await sim.stop(); // idempotent
    const late = await sim.press(1).catch((e: unknown) => e);
    expect(isPressgateError(late, 'ERR_FIRMWARE_SIM_STATE')).toBe(true);
  }, 60_000);

  it('times commands in simulated cycles, traces each line leaving the UART, and tells when a host opens the link', async () => {
    const dir = await freshDir('pressgate-fwsim-');
    const written: SimInstant[] = [];
    const hostChanges: boolean[] = [];
    const sim = new FirmwareSim({
      ...firmwareBuild(BUILD_DIR),
      linkPath: join(dir, 'remote'),
      onLineWritten: (at) => written.push(at),
      onHostChange: (open) => hostChanges.push(open),
    });
    const serial = new SerialLink({ path: sim.linkPath, baudRate: 115200 });
    const lines: LinkLine[] = [];
    serial.on('line', (line) => lines.push(line));
    try {
      await sim.start();
      expect(sim.hostOpen).toBe(false);
      // Both boot lines (HELLO, then the heartbeat B 0 0) gone with nobody listening. Waiting
      // for the first alone let a late simulator still be sending the heartbeat at the open.
      await waitFor('the boot lines written with nobody listening', () => written.length >= 2);
      await serial.open();
      expect(sim.hostOpen).toBe(true);
      // Sent in one go; the harness holds the release until 30 ms of simulated time have run.
      const [down, waited, up] = await Promise.all([sim.press(2), sim.wait(30), sim.release(2)]);
      expect(simMsBetween(down.cycle, up.cycle)).toBeGreaterThanOrEqual(30);
      expect(simMsBetween(down.cycle, up.cycle)).toBeLessThanOrEqual(31);
      expect(waited.cycle).toBe(up.cycle);
      expect(up.hostNs).toBeGreaterThan(down.hostNs);
      await waitFor('E ... 2 U', () => lines.some((l) => /^E \d+ \d+ 2 U$/.test(l.raw)));
      const tx = written.find((at) => at.cycle >= up.cycle);
      // The line after the release: the scan sees it at once, 15 bytes take ~1.3 ms at 115200 baud.
      expect(tx && simMsBetween(up.cycle, tx.cycle)).toBeGreaterThan(1);
      expect(tx && simMsBetween(up.cycle, tx.cycle)).toBeLessThan(3);
      // Nothing from before the host opened the link: not the boot heartbeat (seq 0).
      expect(lines.map((l) => l.raw).filter((raw) => /^B 0 /.test(raw))).toEqual([]);
      await serial.close();
      await waitFor(
        'host closed',
        () => hostChanges.at(-1) === false,
        () => hostChanges,
      );
      expect(hostChanges).toEqual([true, false]);
      const late = await sim.wait(-1).catch((e: unknown) => e);
      expect(isPressgateError(late, 'ERR_FIRMWARE_SIM_COMMAND')).toBe(true);
    } finally {
      await serial.close();
      await sim.stop();
    }
  }, 60_000);
});
