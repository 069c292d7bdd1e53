import type { Command } from '../command.js';

/** Every `pressgate` command, in the order `pressgate --help` lists them. */
export const COMMANDS: readonly Command[] = [];
