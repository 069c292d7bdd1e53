import { readFile } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { suggestClosest } from '@pressgate/protocol';
import {
  type CliIo,
  type Command,
  type CommandEntry,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  loadCommand,
  UsageError,
  writeLine,
} from './command.js';
import { ConfigProblemsError } from './command-config.js';
import { COMMANDS } from './commands/index.js';
import { formatCommandHelp, formatTopHelp, withHelpOption } from './help.js';

function findCommand(commands: readonly CommandEntry[], name: string): CommandEntry | undefined {
  return commands.find((command) => command.name === name);
}

function parseCommandArgs(command: Command, argv: readonly string[]) {
  const options = Object.fromEntries(
    Object.entries(withHelpOption(command.options)).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        ...(spec.short ? { short: spec.short } : {}),
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: options as ParseArgsConfig['options'],
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > (command.maxPositionals ?? 0)) {
      throw new UsageError(`unexpected argument "${positionals[command.maxPositionals ?? 0]}"`);
    }
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // node:util parseArgs errors (unknown option, missing value) are usage errors, said plainly.
    throw new UsageError(parseArgsMessage(command, error));
  }
}

/** node's parseArgs text quotes unevenly and names no alternative: say which option and what fits. */
function parseArgsMessage(command: Command, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const options = withHelpOption(command.options);
  const unknown = message.match(/^Unknown option '([^']+)'/)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
    const suggestion = suggestClosest(unknown.replace(/^-+/, ''), Object.keys(options));
    return `unknown option ${unknown}${suggestion === undefined ? '' : `; did you mean --${suggestion}?`}`;
  }
  const named = message.match(/--([A-Za-z][\w-]*)/)?.[1];
  const spec = named === undefined ? undefined : options[named];
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && spec !== undefined) {
    return spec.type === 'string'
      ? `option --${named} needs a value: --${named} <${spec.valueName ?? 'value'}>`
      : `option --${named} takes no value`;
  }
  return message.replaceAll("'", '');
}

/** The CLI's version, from its package.json (one level above src/ and dist/ alike). */
export async function cliVersion(): Promise<string> {
  const text = await readFile(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * Run the pressgate CLI with `argv` (without node and script) and return the
 * exit code. Never calls process.exit: main does, after output is flushed.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CommandEntry[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] ? findCommand(commands, rest[0]) : undefined;
    io.stdout.write(topic ? formatCommandHelp(await loadCommand(topic)) : formatTopHelp(commands));
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    writeLine(io.stdout, `pressgate ${await cliVersion()}`);
    return EXIT_OK;
  }
  const entry = findCommand(commands, name);
  if (!entry) {
    const names = commands.map((known) => known.name);
    const suggestion = name.startsWith('-') ? undefined : suggestClosest(name, names);
    writeLine(
      io.stderr,
      `pressgate: unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`,
    );
    writeLine(io.stderr, `Commands: ${commands.map((known) => known.name).join(', ')}`);
    writeLine(io.stderr, 'Run `pressgate --help` for what each does.');
    return EXIT_USAGE;
  }
  // Only the chosen command's module is loaded: `run` never pays for the emulator or init.
  const command = await loadCommand(entry);
  try {
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help === true) {
      io.stdout.write(formatCommandHelp(command));
      return EXIT_OK;
    }
    return await command.run({ values, positionals, io });
  } catch (error) {
    if (error instanceof ConfigProblemsError) {
      writeLine(io.stderr, error.report);
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      writeLine(io.stderr, `pressgate ${command.name}: ${error.message}`);
      writeLine(io.stderr, `Usage: ${command.usage}`);
      writeLine(io.stderr, `Run \`pressgate ${command.name} --help\` for the options.`);
      return EXIT_USAGE;
    }
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    writeLine(
      io.stderr,
      `pressgate ${command.name}: ${typeof code === 'string' ? `${code}: ` : ''}${message}`,
    );
    return EXIT_FAILURE;
  }
}
