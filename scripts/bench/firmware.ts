/**
 * Firmware benchmark (run by `pnpm bench`, or alone:
 * `pnpm exec tsx --conditions=source scripts/bench/firmware.ts [--full] [--samples=N]`). Not a
 * test. Needs `pnpm firmware:build` (it runs it when the build is missing); without the AVR
 * toolchain or simavr it says so and writes no figures.
 *
 * The reference firmware's atmega328p build runs in simavr (FirmwareSim), paced to real time;
 * a Listener reads its link, button 1 mapped to `single` only (it fires on the release, no
 * waiting). Each sample: button 1's pin goes low, 30 ms of simulated time later high. From that
 * release pin change, by the harness's own clocks (the simulated cycle, and CLOCK_MONOTONIC,
 * which is process.hrtime's):
 *   - to the `E ... U` line written: its last byte leaving the chip's UART, in simulated time
 *     (baseline: the line's bytes at 115200 baud, 10 bits a byte) and in host time;
 *   - to that line arriving at the Listener on the host;
 *   - to the decoded `single` on the host.
 * Baseline for the last two: the pure-software virtual remote on a socat pty, the same Listener
 * and press, from its `U` written. Default 15 samples per side, --full 200.
 * Prints a table and writes bench-results/firmware.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  FirmwareSim,
  firmwareBuild,
  missingFirmwarePackages,
  openPtyPair,
  type SimInstant,
  simMsBetween,
  VirtualRemote,
} from '@pressgate/device-tools';
import { Listener, type ListenerOptions } from '@pressgate/listener';
import {
  benchArgs,
  formatNumber,
  formatTable,
  intArg,
  type SummaryRow,
  summarize,
  summaryRow,
} from './stats.js';

const ARGS = benchArgs(process.argv.slice(2));
const SAMPLES = intArg(ARGS.get('samples'), ARGS.full ? 200 : 15, 'samples');
const HOLD_MS = 30;
/** Between samples: past the firmware's 10 ms debounce and the host's 20 ms release bounce. */
const REST_MS = 60;
const GESTURE_TIMEOUT_MS = 3000;
const BAUD = 115200;
const TIMING = { doublePressMs: 300, longPressMs: 800, debounceMs: 20 };
const rootDir = fileURLToPath(new URL('../../', import.meta.url));
const BUILD = firmwareBuild(`${rootDir}build/firmware`);

// The repository root has no pino dependency; borrow the listener's.
const requireFromListener = createRequire(new URL('../../packages/listener/package.json', import.meta.url));
const { pino } = requireFromListener('pino') as {
  pino: (options: { level: string }) => ListenerOptions['logger'];
};

type Sample = { lineWrittenSimMs?: number; lineWrittenHostMs?: number; lineMs: number; gestureMs: number };

const hrMs = () => Number(process.hrtime.bigint()) / 1e6;

function singleListener(path: string): Listener {
  return new Listener({
    remoteId: 'bench',
    serial: { path, baudRate: BAUD },
    decoder: {
      defaults: TIMING,
      buttons: new Map([[1, { timing: TIMING, mapped: new Set(['single'] as const) }]]),
    },
    logger: pino({ level: 'silent' }),
  });
}

/** Resolves with hrMs() of the listener's next `line` matching `test` and of its next gesture. */
function arrivals(
  listener: Listener,
  test: (raw: string) => boolean,
): Promise<{ lineAt: number; gestureAt: number }> {
  return new Promise((resolve, reject) => {
    let lineAt = Number.NaN;
    const onLine = (event: { raw: string }) => {
      if (Number.isNaN(lineAt) && test(event.raw)) lineAt = hrMs();
    };
    const onGesture = () => {
      const gestureAt = hrMs();
      done();
      resolve({ lineAt, gestureAt });
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no gesture within ${GESTURE_TIMEOUT_MS} ms`));
    }, GESTURE_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      listener.off('line', onLine);
      listener.off('gesture', onGesture);
    };
    listener.on('line', onLine);
    listener.on('gesture', onGesture);
  });
}

const isUp1 = (raw: string) => /^E \d+ \d+ 1 U(\*[0-9A-F]{2})?$/.test(raw);

async function benchFirmware(): Promise<{ samples: Sample[]; missed: number; lineBytes: number }> {
  const written: SimInstant[] = [];
  const linkPath = `/tmp/pressgate-bench-firmware-${process.pid}`;
  const sim = new FirmwareSim({ ...BUILD, linkPath, onLineWritten: (at) => written.push(at) });
  await sim.start();
  const listener = singleListener(linkPath);
  const samples: Sample[] = [];
  let missed = 0;
  let lineBytes = 0;
  listener.on('line', (event) => {
    if (isUp1(event.raw)) lineBytes = event.raw.length + 1;
  });
  try {
    await listener.start();
    if (!listener.state().connected) throw new Error(`the listener did not connect to ${linkPath}`);
    for (let sample = 0; sample < SAMPLES; sample += 1) {
      const arrived = arrivals(listener, isUp1);
      const [, , up] = await Promise.all([sim.press(1), sim.wait(HOLD_MS), sim.release(1)]);
      try {
        const { lineAt, gestureAt } = await arrived;
        const tx = written.find((at) => at.cycle >= up.cycle);
        const upMs = Number(up.hostNs) / 1e6;
        samples.push({
          ...(tx === undefined
            ? {}
            : {
                lineWrittenSimMs: simMsBetween(up.cycle, tx.cycle),
                lineWrittenHostMs: Number(tx.hostNs) / 1e6 - upMs,
              }),
          lineMs: lineAt - upMs,
          gestureMs: gestureAt - upMs,
        });
      } catch {
        missed += 1;
      }
      await sim.wait(REST_MS);
    }
  } finally {
    await listener.stop();
    await sim.stop();
  }
  return { samples, missed, lineBytes };
}

async function benchVirtualRemote(): Promise<{ samples: Sample[]; missed: number }> {
  const pair = await openPtyPair();
  const remote = new VirtualRemote({ path: pair.devicePath, heartbeatMs: 1000 });
  await remote.start();
  const listener = singleListener(pair.hostPath);
  const samples: Sample[] = [];
  let missed = 0;
  let upAt = Number.NaN;
  // `sent` carries performance.now(); turn it into hrMs() by their difference now.
  const shift = hrMs() - performance.now();
  remote.on('sent', (event) => {
    if (isUp1(event.line)) upAt = event.hostMs + shift;
  });
  try {
    await listener.start();
    if (!listener.state().connected) throw new Error(`the listener did not connect to ${pair.hostPath}`);
    for (let sample = 0; sample < SAMPLES; sample += 1) {
      const arrived = arrivals(listener, isUp1);
      await remote.press(1, { holdMs: HOLD_MS });
      try {
        const { lineAt, gestureAt } = await arrived;
        samples.push({ lineMs: lineAt - upAt, gestureMs: gestureAt - upAt });
      } catch {
        missed += 1;
      }
    }
  } finally {
    await listener.stop();
    await remote.stop();
    await pair.kill();
  }
  return { samples, missed };
}

const values = (samples: Sample[], key: keyof Sample) =>
  samples.flatMap((sample) => (sample[key] === undefined ? [] : [sample[key] as number]));

async function main(): Promise<void> {
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  if (!existsSync(BUILD.harnessPath) || !existsSync(BUILD.elfPath)) {
    const missing = missingFirmwarePackages();
    if (missing.length > 0) {
      console.log(`firmware: skipped, the machine lacks the Debian package(s) ${missing.join(' ')}`);
      await writeFile(
        `${outDir}firmware.json`,
        `${JSON.stringify({ skipped: missing, at: new Date().toISOString(), summary: [] }, null, 2)}\n`,
      );
      return;
    }
    console.log('firmware: building it (pnpm firmware:build)');
    const built = spawnSync('bash', [`${rootDir}scripts/firmware/build.sh`], {
      cwd: rootDir,
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error(`pnpm firmware:build failed (exit ${built.status})`);
  }
  const firmware = await benchFirmware();
  const virtual = await benchVirtualRemote();
  const uartMs = (firmware.lineBytes * 10 * 1000) / BAUD;
  const simWritten = summarize(values(firmware.samples, 'lineWrittenSimMs'));
  const hostWritten = summarize(values(firmware.samples, 'lineWrittenHostMs'));
  const fwLine = summarize(values(firmware.samples, 'lineMs'));
  const fwGesture = summarize(values(firmware.samples, 'gestureMs'));
  const vrLine = summarize(values(virtual.samples, 'lineMs'));
  const vrGesture = summarize(values(virtual.samples, 'gestureMs'));
  const quantiles = ['p50Ms', 'p99Ms'] as const;
  const summary: SummaryRow[] = quantiles.flatMap((q) => {
    const at = q.slice(0, 3);
    return [
      summaryRow({
        figure: `simavr: pin change to U line written ${at} (simulated time)`,
        value: simWritten[q],
        baseline: Math.round(uartMs * 1000) / 1000,
        baselineName: `${firmware.lineBytes} B at ${BAUD} baud`,
        unit: 'ms',
        compare: 'diff',
      }),
      summaryRow({
        figure: `simavr: pin change to U line on the host ${at}`,
        value: fwLine[q],
        baseline: vrLine[q],
        baselineName: 'virtual remote, U written',
        unit: 'ms',
        compare: 'diff',
      }),
      summaryRow({
        figure: `simavr: pin change to single decoded ${at}`,
        value: fwGesture[q],
        baseline: vrGesture[q],
        baselineName: 'virtual remote, U written',
        unit: 'ms',
        compare: 'diff',
      }),
    ];
  });
  const result = {
    samples: SAMPLES,
    holdMs: HOLD_MS,
    timing: TIMING,
    lineBytes: firmware.lineBytes,
    uartMs,
    firmware: {
      missed: firmware.missed,
      lineWrittenSim: simWritten,
      lineWrittenHost: hostWritten,
      lineOnHost: fwLine,
      gesture: fwGesture,
    },
    virtualRemote: { missed: virtual.missed, lineOnHost: vrLine, gesture: vrGesture },
    node: process.version,
    at: new Date().toISOString(),
    summary,
  };
  console.log(
    `release (U) to line and to gesture, ms; ${SAMPLES} presses of ${HOLD_MS} ms per side ` +
      `(missed: firmware ${firmware.missed}, virtual remote ${virtual.missed})`,
  );
  const row = (name: string, s: ReturnType<typeof summarize>) => [
    name,
    String(s.samples),
    formatNumber(s.p50Ms),
    formatNumber(s.p99Ms),
    formatNumber(s.meanMs),
    formatNumber(s.maxMs),
  ];
  console.log(
    formatTable(
      ['case', 'samples', 'p50', 'p99', 'mean', 'max'],
      [
        row('simavr: pin to U written (simulated)', simWritten),
        row('simavr: pin to U written (host clock)', hostWritten),
        row('simavr: pin to U line on the host', fwLine),
        row('simavr: pin to single decoded', fwGesture),
        row('virtual remote: U written to line', vrLine),
        row('virtual remote: U written to single', vrGesture),
      ],
    ),
  );
  console.log(
    `UART time of the ${firmware.lineBytes}-byte U line at ${BAUD} baud: ${formatNumber(uartMs)} ms`,
  );
  await writeFile(`${outDir}firmware.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${outDir}firmware.json`);
}

await main();
