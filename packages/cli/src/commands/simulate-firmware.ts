/**
 * `pressgate simulate --firmware`: the reference firmware's atmega328p build in simavr, its
 * button pins driven by the same script steps as the virtual remote. See docs/architecture.md,
 * "Parts".
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  FIRMWARE_BUTTONS,
  FIRMWARE_DEBIAN_PACKAGES,
  FIRMWARE_DEVICE_ID,
  type FirmwareBuild,
  FirmwarePlayer,
  FirmwareSim,
  firmwareBuild,
  firmwareStepProblem,
  missingFirmwarePackages,
  type ScriptLine,
} from '@pressgate/device-tools';
import { isPressgateError, type PressgateError } from '@pressgate/protocol';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, writeLine } from '../command.js';
import { interactive, playScript, type StepPlayer } from './simulate-play.js';

/** The repository root, from src/commands or dist/commands alike. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUILD_SCRIPT = join(REPO_ROOT, 'scripts', 'firmware', 'build.sh');
/** After a host opens the link, the script starts this much later (simulated ms): HELLO first. */
const HOST_SETTLE_MS = 500;

export type FirmwareSimulateSettings = {
  link: string;
  keepOpen: boolean;
  startNow: boolean;
  bounceMs: number;
};

const say = (stream: Writable, text: string) => writeLine(stream, `pressgate simulate --firmware: ${text}`);

export async function simulateFirmware(
  io: CliIo,
  settings: FirmwareSimulateSettings,
  script: readonly ScriptLine[] | undefined,
): Promise<number> {
  const buildDir =
    io.env.PRESSGATE_FIRMWARE_BUILD_DIR === undefined
      ? join(REPO_ROOT, 'build', 'firmware')
      : resolve(io.cwd, io.env.PRESSGATE_FIRMWARE_BUILD_DIR);
  const build = firmwareBuild(buildDir);
  const ready = await ensureBuilt(io, build, buildDir);
  if (ready !== EXIT_OK) return ready;

  const lost = new AbortController();
  const signal = AbortSignal.any([io.signal, lost.signal]);
  let onHost = (_open: boolean): void => {};
  const sim = new FirmwareSim({
    ...build,
    linkPath: settings.link,
    onHostChange: (open) => {
      writeLine(io.stdout, open ? `a host opened ${settings.link}` : `the host closed ${settings.link}`);
      onHost(open);
    },
    onExit: (error) => {
      if (!lost.signal.aborted) lost.abort(error);
    },
  });
  await mkdir(dirname(settings.link), { recursive: true });
  try {
    await sim.start(io.signal);
  } catch (error) {
    if (io.signal.aborted) return EXIT_OK;
    return startFailed(io, error);
  }
  const firmware = new FirmwarePlayer(sim, { bounceMs: settings.bounceMs });
  const player: StepPlayer = {
    buttons: FIRMWARE_BUTTONS,
    play: (step, stepSignal) => firmware.play(step, stepSignal),
    refuse: firmwareStepProblem,
  };
  const waitForHost = async (waitSignal: AbortSignal): Promise<void> => {
    if (!sim.hostOpen) {
      await new Promise<void>((resolveWait, reject) => {
        const onAbort = (): void => reject(waitSignal.reason);
        waitSignal.addEventListener('abort', onAbort, { once: true });
        onHost = (open) => {
          if (!open) return;
          waitSignal.removeEventListener('abort', onAbort);
          resolveWait();
        };
      });
    }
    await player.play({ kind: 'wait', ms: HOST_SETTLE_MS }, waitSignal);
  };
  try {
    writeLine(
      io.stdout,
      `reference firmware (atmega328p: ${FIRMWARE_DEVICE_ID}, ${FIRMWARE_BUTTONS} buttons) in simavr on ${settings.link}` +
        (settings.bounceMs > 0 ? `, ${settings.bounceMs} ms of contact bounce per edge` : ''),
    );
    writeLine(io.stdout, `  watch it:  pressgate monitor --port ${settings.link}`);
    writeLine(io.stdout, `  or set a remote's serial.path to ${settings.link} in pressgate.yaml`);
    if (script === undefined) await interactive(io, player, signal);
    else {
      await playScript(
        io,
        player,
        script,
        {
          link: settings.link,
          keepOpen: settings.keepOpen,
          waitForHost: settings.startNow ? undefined : waitForHost,
          waitingFor: `open ${settings.link}`,
        },
        signal,
      );
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    await sim.stop();
  }
  if (lost.signal.aborted && !io.signal.aborted) {
    const reason = lost.signal.reason as PressgateError;
    writeLine(io.stderr, `pressgate simulate: ${reason.code}: ${reason.message}`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

/** EXIT_OK when the build is there (building it if it can), else what to exit with. */
async function ensureBuilt(io: CliIo, build: FirmwareBuild, buildDir: string): Promise<number> {
  if (existsSync(build.harnessPath) && existsSync(build.elfPath)) return EXIT_OK;
  const missing = missingFirmwarePackages(io.env.PATH === undefined ? {} : { path: io.env.PATH });
  if (missing.length > 0) {
    say(
      io.stderr,
      `the firmware is not built in ${buildDir}, and building and simulating it needs the Debian ` +
        `package(s) ${missing.join(' ')}: sudo apt-get install ${FIRMWARE_DEBIAN_PACKAGES.join(' ')}`,
    );
    return EXIT_USAGE;
  }
  if (!existsSync(BUILD_SCRIPT)) {
    say(
      io.stderr,
      `the firmware is not built in ${buildDir}: run \`pnpm firmware:build\` in a pressgate checkout`,
    );
    return EXIT_USAGE;
  }
  writeLine(io.stdout, `building the firmware into ${buildDir} (pnpm firmware:build)...`);
  const code = await new Promise<number | null>((resolveExit) => {
    const child = spawn('bash', [BUILD_SCRIPT], {
      cwd: REPO_ROOT,
      env: { ...io.env, PRESSGATE_FIRMWARE_BUILD_DIR: buildDir },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: io.signal,
    });
    child.stdout.on('data', (chunk: Buffer) => io.stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk));
    child.once('error', () => resolveExit(null));
    child.once('exit', (exitCode) => resolveExit(exitCode));
  });
  if (io.signal.aborted) return EXIT_FAILURE;
  if (code !== 0) {
    say(io.stderr, `\`pnpm firmware:build\` failed (exit ${code ?? 'unknown'}); its output is above`);
    return code === 2 ? EXIT_USAGE : EXIT_FAILURE;
  }
  if (!existsSync(build.harnessPath) || !existsSync(build.elfPath)) {
    say(
      io.stderr,
      `the build made no ${existsSync(build.elfPath) ? build.harnessPath : build.elfPath}: ` +
        `sudo apt-get install ${FIRMWARE_DEBIAN_PACKAGES.join(' ')}`,
    );
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

function startFailed(io: CliIo, error: unknown): number {
  if (!isPressgateError(error)) throw error;
  if (/shared librar/.test(error.message)) {
    say(
      io.stderr,
      `the simulator cannot run (${error.message.trim()}): sudo apt-get install simavr libsimavrparts1 libelf1`,
    );
    return EXIT_USAGE;
  }
  writeLine(io.stderr, `pressgate simulate: ${error.code}: ${error.message}`);
  return EXIT_FAILURE;
}
