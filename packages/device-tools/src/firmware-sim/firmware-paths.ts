import { join } from 'node:path';

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
