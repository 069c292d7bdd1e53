export { runCli } from './cli.js';
export type { CliIo, Command } from './command.js';
