import type { Command, OptionSpec } from './command.js';

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

export function withHelpOption(options: Command['options']): Record<string, OptionSpec> {
  return { ...options, help: HELP_OPTION };
}

function optionLabel(name: string, spec: OptionSpec): string {
  const short = spec.short ? `-${spec.short}, ` : '    ';
  const value = spec.type === 'string' ? ` <${spec.valueName ?? 'value'}>` : '';
  return `${short}--${name}${value}`;
}

export function formatCommandHelp(command: Command): string {
  const options = Object.entries(withHelpOption(command.options));
  const labels = options.map(([name, spec]) => optionLabel(name, spec));
  const width = Math.max(...labels.map((label) => label.length));
  const lines = [`Usage: ${command.usage}`, '', command.summary];
  if (command.details) lines.push('', command.details);
  lines.push('', 'Options:');
  options.forEach(([, spec], index) => {
    const fallback = spec.default === undefined ? '' : ` (default: ${String(spec.default)})`;
    lines.push(`  ${(labels[index] ?? '').padEnd(width)}  ${spec.description}${fallback}`);
  });
  return `${lines.join('\n')}\n`;
}

export function formatTopHelp(commands: readonly Pick<Command, 'name' | 'summary'>[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = [
    'Usage: pressgate <command> [options]',
    '',
    'Turn a USB button remote into Alexa routine triggers.',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "Run `pressgate <command> --help` for a command's options.",
    'Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad config.',
  ];
  return `${lines.join('\n')}\n`;
}
