import type { Command } from '../command.js';
import { checkCommand } from './check.js';
import { demoCommand } from './demo.js';
import { discoveryCommand } from './discovery.js';
import { doctorCommand } from './doctor.js';
import { emulatorCommand } from './emulator.js';
import { initCommand } from './init.js';
import { listenCommand } from './listen.js';
import { monitorCommand } from './monitor.js';
import { portsCommand } from './ports.js';
import { runCommand } from './run.js';
import { simulateCommand } from './simulate.js';

/** Every `pressgate` command, in the order `pressgate --help` lists them. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  runCommand,
  listenCommand,
  monitorCommand,
  doctorCommand,
  portsCommand,
  checkCommand,
  discoveryCommand,
  simulateCommand,
  emulatorCommand,
  demoCommand,
];
