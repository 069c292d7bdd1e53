import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where `pnpm firmware:build` puts what the simulator needs, under its build folder. */
export type FirmwareBuild = {
  /** The simavr harness (firmware-protocol/reference/sim/pressgate-sim.c, compiled). */
  harnessPath: string;
  /** The reference firmware built for atmega328p. */
  elfPath: string;
};

/** `buildDir` is `build/firmware` under the repository root unless the build was told otherwise. */
export function firmwareBuild(buildDir: string): FirmwareBuild {
  return {
    harnessPath: join(buildDir, 'pressgate-sim'),
    elfPath: join(buildDir, 'uno', 'pressgate_remote.elf'),
  };
}

/** The Debian packages the firmware build and the simulator need. */
export const FIRMWARE_DEBIAN_PACKAGES = [
  'gcc-avr',
  'avr-libc',
  'arduino-core-avr',
  'arduino-mk',
  'simavr',
  'libsimavr-dev',
  'libsimavrparts1',
  'libelf-dev',
] as const;

export type ToolchainProbe = {
  /** The PATH to look for programs in (default: this process's). */
  path?: string;
  /** Prefix of every system file looked for (default `/`; tests point it at a fake root). */
  root?: string;
};

/** What each Debian package leaves that the build or the simulator needs: programs, or files. */
const PACKAGE_PROBES: readonly { pkg: string; program?: string; files?: readonly string[] }[] = [
  { pkg: 'gcc-avr', program: 'avr-gcc' },
  { pkg: 'avr-libc', files: ['usr/lib/avr/include/avr/io.h', 'usr/avr/include/avr/io.h'] },
  { pkg: 'arduino-core-avr', files: ['usr/share/arduino/hardware/arduino/avr/cores/arduino'] },
  { pkg: 'arduino-mk', files: ['usr/share/arduino/Arduino.mk'] },
  { pkg: 'simavr', program: 'simavr' },
  { pkg: 'libsimavr-dev', files: ['usr/include/simavr/sim_avr.h'] },
  { pkg: 'libsimavrparts1', files: ['usr/lib/libsimavrparts.so.1'] },
  { pkg: 'libelf-dev', files: ['usr/include/libelf.h', 'usr/include/libelf/libelf.h'] },
];

/**
 * The Debian packages of FIRMWARE_DEBIAN_PACKAGES that this machine lacks, judged by a program
 * on PATH or a file each leaves behind; empty when `pnpm firmware:build` can build everything.
 */
export function missingFirmwarePackages(probe: ToolchainProbe = {}): string[] {
  const root = probe.root ?? '/';
  const dirs = (probe.path ?? process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const hasProgram = (name: string) => dirs.some((dir) => isExecutable(join(dir, name)));
  const hasFile = (files: readonly string[]) =>
    files.some((file) => existsSync(join(root, file))) ||
    files.some((file) => file.startsWith('usr/lib/') && hasMultiarchLib(root, file.slice('usr/lib/'.length)));
  return PACKAGE_PROBES.filter(({ program, files }) =>
    program !== undefined ? !hasProgram(program) : !hasFile(files ?? []),
  ).map(({ pkg }) => pkg);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `usr/lib/<triplet>/<name>` for any multiarch triplet (x86_64-linux-gnu, aarch64-linux-gnu...). */
function hasMultiarchLib(root: string, name: string): boolean {
  try {
    return readdirSync(join(root, 'usr/lib')).some(
      (entry) => entry.includes('-linux-') && existsSync(join(root, 'usr/lib', entry, name)),
    );
  } catch {
    return false;
  }
}
