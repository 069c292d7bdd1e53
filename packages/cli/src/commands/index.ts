import type { Command } from '../command.js';
import { checkCommand } from './check.js';
import { discoveryCommand } from './discovery.js';
import { emulatorCommand } from './emulator.js';

/** Every `pressgate` command, in the order `pressgate --help` lists them. */
export const COMMANDS: readonly Command[] = [checkCommand, discoveryCommand, emulatorCommand];
