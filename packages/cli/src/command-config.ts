import { isAbsolute, resolve } from 'node:path';
import type { PressgateConfig } from '@pressgate/protocol';
import type { CommandContext, OptionSpec } from './command.js';
import { type ConfigReadOptions, formatProblems, loadConfigFile } from './config-file.js';

export const DEFAULT_CONFIG_FILE = 'pressgate.yaml';

/** The `--config` option, the same on every command that reads the config. */
export const CONFIG_OPTION: OptionSpec = {
  type: 'string',
  short: 'c',
  valueName: 'FILE',
  description: 'the configuration file',
  default: DEFAULT_CONFIG_FILE,
};

/** A config that does not load: exit 2, every problem printed with its key path and line. */
export class ConfigProblemsError extends Error {
  override readonly name = 'ConfigProblemsError';
  constructor(readonly report: string) {
    super(report);
  }
}

export function configPath(context: CommandContext): string {
  const value = context.values.config;
  const file = typeof value === 'string' && value !== '' ? value : DEFAULT_CONFIG_FILE;
  return isAbsolute(file) ? file : resolve(context.io.cwd, file);
}

/** Load and validate the command's `--config` file, or throw ConfigProblemsError. */
export async function loadCommandConfig(
  context: CommandContext,
  options: ConfigReadOptions = {},
): Promise<{ config: PressgateConfig; file: string }> {
  const file = configPath(context);
  const result = await loadConfigFile(file, context.io.env, options);
  if (!result.ok) {
    const count = result.problems.length;
    const heading = `${file}: ${count} problem${count === 1 ? '' : 's'}`;
    throw new ConfigProblemsError(`${heading}\n${formatProblems(file, result.problems)}`);
  }
  return { config: result.config, file };
}
