import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type LinkLine, SerialLink } from '@pressgate/listener';
import type { EdgeMessage } from '@pressgate/protocol';
import { captureIo, freshDir, waitFor } from '@pressgate/test-kit';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../cli.js';
import { simulateCommand } from './simulate.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUILD_DIR = join(REPO_ROOT, 'build/firmware');
/** A cold build on a loaded machine takes minutes; a warm one seconds. */
const BUILD_TIMEOUT_MS = 900_000;
const hasAvrGcc = spawnSync('avr-gcc', ['--version']).status === 0;
// Locally it runs when avr-gcc is there; in CI (.ci/run installs it) a missing one fails.
const skipSim = !hasAvrGcc && process.env.CI === undefined;
const WAIT_MS = 20_000;

/** Runs `pressgate simulate` in-process with `env`; aborted and awaited when the test finishes. */
function startSimulate(args: string[], env: Record<string, string>, stdin?: PassThrough) {
  const shutdown = new AbortController();
  const io = Object.assign(
    captureIo({ signal: shutdown.signal, env: { PATH: process.env.PATH, ...env } }),
    stdin ? { stdin } : {},
  );
  const exit = runCli(['simulate', ...args], io, [simulateCommand]);
  onTestFinished(async () => {
    shutdown.abort();
    await exit;
  });
  return { io, exit, shutdown };
}

/** The host side: a SerialLink on the firmware's link, every line kept. */
async function openHost(path: string): Promise<{ lines: LinkLine[]; edges(): EdgeMessage[] }> {
  const serial = new SerialLink({ path, baudRate: 115200 });
  const lines: LinkLine[] = [];
  serial.on('line', (line) => lines.push(line));
  onTestFinished(() => serial.close());
  await serial.open();
  const edges = () =>
    lines.flatMap((line) =>
      line.result.ok && line.result.message.type === 'edge' ? [line.result.message] : [],
    );
  return { lines, edges };
}

describe('pressgate simulate --firmware, refused before starting anything', () => {
  it('exits 2 on options of the virtual remote, --bounce-ms alone, and steps the firmware cannot play', async () => {
    const dir = await freshDir('pressgate-simfw-');
    const buttons = startSimulate(['--firmware', '--buttons', '2'], {});
    expect(await buttons.exit).toBe(2);
    expect(buttons.io.err()).toContain('--buttons sets the virtual remote');
    const bounce = startSimulate(['--bounce-ms', '5'], {});
    expect(await bounce.exit).toBe(2);
    expect(bounce.io.err()).toContain('--bounce-ms needs --firmware');
    const script = join(dir, 'steps.txt');
    await writeFile(script, 'press 1\nraw E 1 2 3 D\nhello\n');
    const steps = startSimulate(['--firmware', '--script', script, '--link', join(dir, 'remote')], {});
    expect(await steps.exit).toBe(2);
    expect(steps.io.err().trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${script}:2: "raw" writes a line itself`)),
      expect.stringMatching(new RegExp(`^${script}:3: "hello" writes a line itself`)),
    ]);
    expect(existsSync(join(dir, 'remote'))).toBe(false);
  });

  it('without a build and without the toolchain, names the Debian packages and exits 2', async () => {
    const dir = await freshDir('pressgate-simfw-');
    const { io, exit } = startSimulate(['--firmware', '--link', join(dir, 'remote')], {
      PATH: dir, // no avr-gcc, no simavr
      PRESSGATE_FIRMWARE_BUILD_DIR: join(dir, 'build'),
    });
    expect(await exit).toBe(2);
    expect(io.err()).toMatch(/needs the Debian package\(s\) gcc-avr .*simavr/);
    expect(io.err()).toContain('sudo apt-get install gcc-avr avr-libc arduino-core-avr arduino-mk simavr');
    expect(existsSync(join(dir, 'build'))).toBe(false);
  });
});

describe.skipIf(skipSim)('pressgate simulate --firmware', () => {
  beforeAll(async () => {
    await promisify(execFile)('bash', [join(REPO_ROOT, 'scripts/firmware/build.sh')], {
      cwd: REPO_ROOT,
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  }, BUILD_TIMEOUT_MS);

  it('plays a script on the chip once a host opens the link: bounce filtered, holds in device time', async () => {
    const dir = await freshDir('pressgate-simfw-');
    const link = join(dir, 'remote');
    const script = join(dir, 'demo.txt');
    await writeFile(script, 'press 1 90ms\nwait 100ms\ndouble 2\nlong 3\n');
    const { io, exit } = startSimulate(
      ['--firmware', '--link', link, '--script', script, '--bounce-ms', '4'],
      { PRESSGATE_FIRMWARE_BUILD_DIR: BUILD_DIR },
    );
    await waitFor(
      'waiting for a host',
      () => io.out().includes('waiting for a host'),
      () => io.out() + io.err(),
      WAIT_MS,
    );
    expect(io.out()).toContain(`in simavr on ${link}, 4 ms of contact bounce per edge`);
    const host = await openHost(link);
    expect(exit).not.toBe(undefined);
    await waitFor(
      'script done',
      () => io.out().includes('script done'),
      () => io.out() + io.err(),
      WAIT_MS,
    );
    expect(await exit).toBe(0);
    const edges = host.edges();
    expect(edges.map((edge) => `${edge.button}${edge.edge}`)).toEqual([
      '1D',
      '1U',
      '2D',
      '2U',
      '2D',
      '2U',
      '3D',
      '3U',
    ]);
    const held = (down: number) => (edges[down + 1]?.ms ?? 0) - (edges[down]?.ms ?? 0);
    // Simulated time: exact to millis() resolution (which skips a value every 42 ms on AVR).
    expect(held(0)).toBeGreaterThanOrEqual(89);
    expect(held(0)).toBeLessThanOrEqual(92);
    expect(held(2)).toBeGreaterThanOrEqual(79);
    expect(held(2)).toBeLessThanOrEqual(82);
    expect(held(3)).toBeGreaterThanOrEqual(119); // the gap inside `double`
    expect(held(3)).toBeLessThanOrEqual(122);
    expect(held(6)).toBeGreaterThanOrEqual(1199);
    expect(held(6)).toBeLessThanOrEqual(1226);
    expect(
      host.lines.filter((line) => !line.result.ok && line.result.error.code !== 'ERR_WIRE_EMPTY'),
    ).toEqual([]);
    expect(existsSync(link)).toBe(false);
  }, 60_000);

  it('reads steps from stdin, refuses the ones the firmware cannot play, quits on quit', async () => {
    const dir = await freshDir('pressgate-simfw-');
    const link = join(dir, 'remote');
    const stdin = new PassThrough();
    const { io, exit } = startSimulate(
      ['--firmware', '--link', link],
      { PRESSGATE_FIRMWARE_BUILD_DIR: BUILD_DIR },
      stdin,
    );
    await waitFor(
      'type a step',
      () => io.out().includes('type a step'),
      () => io.out() + io.err(),
      WAIT_MS,
    );
    const host = await openHost(link);
    stdin.write('raw junk\npress 5\npress 4 40ms\n');
    await waitFor(
      'done: press 4 40ms',
      () => io.out().includes('done: press 4 40ms'),
      () => io.out() + io.err(),
      WAIT_MS,
    );
    expect(io.err()).toContain('"raw" writes a line itself');
    expect(io.err()).toContain("button 5 is above this remote's 4 buttons");
    await waitFor(
      '4D 4U',
      () => host.edges().length === 2,
      () => JSON.stringify(host.lines.map((l) => l.raw)),
      WAIT_MS,
    );
    expect(host.edges().map((edge) => `${edge.button}${edge.edge}`)).toEqual(['4D', '4U']);
    stdin.write('quit\n');
    expect(await exit).toBe(0);
  }, 60_000);

  it('builds the firmware when the build folder lacks it', async () => {
    const dir = await freshDir('pressgate-simfw-');
    const buildDir = join(dir, 'build');
    // A copy of the warm build without the harness: make finds the firmware up to date.
    await cp(BUILD_DIR, buildDir, { recursive: true, preserveTimestamps: true });
    await rm(join(buildDir, 'pressgate-sim'));
    const stdin = new PassThrough();
    const { io, exit } = startSimulate(
      ['--firmware', '--link', join(dir, 'remote')],
      { PRESSGATE_FIRMWARE_BUILD_DIR: buildDir },
      stdin,
    );
    await waitFor(
      'type a step',
      () => io.out().includes('type a step'),
      () => io.out() + io.err(),
      120_000,
    );
    expect(io.out()).toContain(`building the firmware into ${buildDir}`);
    expect(existsSync(join(buildDir, 'pressgate-sim'))).toBe(true);
    stdin.write('quit\n');
    expect(await exit).toBe(0);
  }, 180_000);
});
