import type { Readable, Writable } from 'node:stream';

/**
 * Exit codes every command keeps: 0 success, 1 runtime failure, 2 bad usage or bad config.
 * See docs/architecture.md, "Contracts".
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export type OptionSpec = {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  /** Shown in help as `--name <valueName>`. */
  valueName?: string;
  default?: string | boolean;
};

/** What a command may touch: only main builds this from the real process. */
export type CliIo = {
  /** What the person types; only interactive commands (init) read it. Absent: nobody to ask. */
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly. */
  signal: AbortSignal;
};

export type CommandContext = {
  values: Readonly<Record<string, string | boolean | undefined>>;
  positionals: readonly string[];
  io: CliIo;
};

export type Command = {
  name: string;
  summary: string;
  /** e.g. `pressgate check [--config FILE]` */
  usage: string;
  /** Longer help text shown under the usage line. */
  details?: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Highest number of positional arguments accepted (default 0). */
  maxPositionals?: number;
  run(context: CommandContext): Promise<number>;
};

/**
 * A command as the registry lists it: its name and summary (enough for the top help and for
 * did-you-mean) without its module, which `load` imports when the command runs or shows its help.
 */
export type LazyCommand = Pick<Command, 'name' | 'summary'> & { load(): Promise<Command> };

/** What runCli accepts: commands already loaded (tests) or loaded on use (the registry). */
export type CommandEntry = Command | LazyCommand;

export function loadCommand(entry: CommandEntry): Promise<Command> {
  return 'load' in entry ? entry.load() : Promise.resolve(entry);
}

/** Bad usage: unknown flag, missing value. Reported with the command's usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function stringOption(context: CommandContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requireStringOption(context: CommandContext, name: string): string {
  const value = stringOption(context, name);
  if (value === undefined || value === '') throw new UsageError(`missing required option --${name}`);
  return value;
}

export function integerOption(context: CommandContext, name: string): number | undefined {
  const value = stringOption(context, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} expects a whole number, got "${value}"`);
  return Number(value);
}

export function booleanOption(context: CommandContext, name: string): boolean {
  return context.values[name] === true;
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
