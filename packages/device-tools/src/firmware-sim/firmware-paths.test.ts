import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { freshDir } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { FIRMWARE_DEBIAN_PACKAGES, missingFirmwarePackages } from './firmware-paths.js';

async function touch(file: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, '');
  await chmod(file, mode);
}

describe('missingFirmwarePackages', () => {
  it('names every package on a bare machine, and none once each left its program or file', async () => {
    const root = await freshDir('pressgate-toolchain-');
    const bin = join(root, 'usr/bin');
    await mkdir(bin, { recursive: true });
    expect(missingFirmwarePackages({ root, path: bin })).toEqual([...FIRMWARE_DEBIAN_PACKAGES]);

    await touch(join(bin, 'avr-gcc'), 0o755);
    await touch(join(bin, 'simavr'), 0o644); // not executable: not there
    await touch(join(root, 'usr/lib/avr/include/avr/io.h'));
    await touch(join(root, 'usr/share/arduino/Arduino.mk'));
    await touch(join(root, 'usr/lib/aarch64-linux-gnu/libsimavrparts.so.1'));
    expect(missingFirmwarePackages({ root, path: bin })).toEqual([
      'arduino-core-avr',
      'simavr',
      'libsimavr-dev',
      'libelf-dev',
    ]);

    await chmod(join(bin, 'simavr'), 0o755);
    await mkdir(join(root, 'usr/share/arduino/hardware/arduino/avr/cores/arduino'), { recursive: true });
    await touch(join(root, 'usr/include/simavr/sim_avr.h'));
    await touch(join(root, 'usr/include/libelf.h'));
    expect(missingFirmwarePackages({ root, path: bin })).toEqual([]);
  });
});
