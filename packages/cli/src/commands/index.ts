import type { Command } from '../command.js';
import { checkCommand } from './check.js';
import { discoveryCommand } from './discovery.js';
import { emulatorCommand } from './emulator.js';
import { monitorCommand } from './monitor.js';
import { portsCommand } from './ports.js';
import { simulateCommand } from './simulate.js';

/** Every `pressgate` command, in the order `pressgate --help` lists them. */
export const COMMANDS: readonly Command[] = [
  checkCommand,
  discoveryCommand,
  monitorCommand,
  portsCommand,
  simulateCommand,
  emulatorCommand,
];
