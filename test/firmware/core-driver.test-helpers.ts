import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The portable core lives in the sketch folder, the one place the Arduino IDE and the host tests both read. */
export const CORE_DIR = resolve(here, '../../firmware-protocol/reference/arduino/pressgate_remote');
const DRIVER_SOURCE = join(here, 'core-driver.c');
/** Compiling the core and driver takes well under a second; this bounds a stuck compiler. */
const COMPILE_TIMEOUT_MS = 60_000;
/** A script of a few simulated minutes runs in milliseconds; this bounds a runaway driver. */
const RUN_TIMEOUT_MS = 20_000;

/** The core compiled with the system C compiler into a temp folder, plus its test driver. */
export type CompiledDriver = { path: string; dispose(): Promise<void> };

/**
 * Compiles core + driver with `cc` (C99, every warning an error). A missing compiler is a
 * failure with the fix, never a skip: CI has gcc.
 */
export async function compileDriver(compiler = 'cc'): Promise<CompiledDriver> {
  const dir = await mkdtemp(join(tmpdir(), 'pressgate-fw-core-'));
  const path = join(dir, 'core-driver');
  const result = spawnSync(
    compiler,
    [
      '-std=c99',
      '-Wall',
      '-Wextra',
      '-Wpedantic',
      '-Wconversion',
      '-Werror',
      '-O2',
      `-I${CORE_DIR}`,
      '-o',
      path,
      DRIVER_SOURCE,
      join(CORE_DIR, 'pressgate_remote.c'),
    ],
    { encoding: 'utf8', timeout: COMPILE_TIMEOUT_MS },
  );
  if (result.error !== undefined) {
    await rm(dir, { recursive: true, force: true });
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `the firmware core tests need a C compiler, and \`${compiler}\` was not found: install gcc (Debian: apt-get install gcc)`
        : `${compiler} failed to run: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${compiler} failed (exit ${result.status}):\n${result.stderr}`);
  }
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export type DriverOptions = {
  /** Device ms at script time 0. */
  startMs?: number;
  /** seq of the first sequenced line. */
  firstSeq?: number;
  checksum?: boolean;
  debounceMs?: number;
  heartbeatMs?: number;
  buttons?: number;
  deviceId?: string;
  firmware?: string;
};

/** One line the core wrote, with the script time (ms) it was written at. */
export type DriverLine = { t: number; text: string };

/** Runs a script (see core-driver.c) and returns the raw output and its lines, `\n` removed. */
export function runDriver(
  driver: CompiledDriver,
  script: string,
  options: DriverOptions = {},
): { raw: string; lines: DriverLine[] } {
  const args: string[] = [];
  if (options.startMs !== undefined) args.push('-s', String(options.startMs));
  if (options.firstSeq !== undefined) args.push('-q', String(options.firstSeq));
  if (options.checksum === true) args.push('-c');
  if (options.debounceMs !== undefined) args.push('-d', String(options.debounceMs));
  if (options.heartbeatMs !== undefined) args.push('-b', String(options.heartbeatMs));
  if (options.buttons !== undefined) args.push('-n', String(options.buttons));
  if (options.deviceId !== undefined) args.push('-i', options.deviceId);
  if (options.firmware !== undefined) args.push('-f', options.firmware);
  const result = spawnSync(driver.path, args, {
    input: script,
    encoding: 'latin1',
    timeout: RUN_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`core driver exit ${result.status}: ${result.stderr}`);
  const lines: DriverLine[] = [];
  let offset = 0;
  for (const trace of result.stderr.split('\n')) {
    if (trace === '') continue;
    const [t, len] = trace.split(' ').map(Number);
    if (t === undefined || len === undefined) throw new Error(`bad trace line ${trace}`);
    const chunk = result.stdout.slice(offset, offset + len);
    offset += len;
    if (!chunk.endsWith('\n'))
      throw new Error(`a write that is not one whole line: ${JSON.stringify(chunk)}`);
    lines.push({ t, text: chunk.slice(0, -1) });
  }
  if (offset !== result.stdout.length) throw new Error('the trace does not cover every byte written');
  return { raw: result.stdout, lines };
}
