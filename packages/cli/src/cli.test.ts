import { readFile } from 'node:fs/promises';
import { captureIo } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { type Command, EXIT_OK, stringOption } from './command.js';

const echo: Command = {
  name: 'echo',
  summary: 'print the --text option',
  usage: 'pressgate echo --text TEXT',
  options: { text: { type: 'string', description: 'what to print', valueName: 'TEXT' } },
  async run(context) {
    context.io.stdout.write(`${stringOption(context, 'text') ?? ''}\n`);
    return EXIT_OK;
  },
};
const failing: Command = {
  name: 'fail',
  summary: 'always fails at run time',
  usage: 'pressgate fail',
  options: {},
  async run() {
    throw Object.assign(new Error('the port went away'), { code: 'ERR_SERIAL_DISCONNECTED' });
  },
};
const commands = [echo, failing];

describe('runCli', () => {
  it('runs a command with its options', async () => {
    const io = captureIo();
    expect(await runCli(['echo', '--text', 'hi'], io, commands)).toBe(0);
    expect(io.out()).toBe('hi\n');
  });

  it('prints command help with every option on --help and exits 0', async () => {
    const io = captureIo();
    expect(await runCli(['echo', '--help'], io, commands)).toBe(0);
    expect(io.out()).toContain('Usage: pressgate echo --text TEXT');
    expect(io.out()).toMatch(/--text <TEXT>\s+what to print/);
    expect(io.out()).toMatch(/-h, --help/);
  });

  it('lists the commands on --help, and exits 2 with the list when no command is given', async () => {
    const help = captureIo();
    expect(await runCli(['--help'], help, commands)).toBe(0);
    expect(help.out()).toMatch(/echo\s+print the --text option/);
    const none = captureIo();
    expect(await runCli([], none, commands)).toBe(2);
    expect(none.out()).toContain('Commands:');
  });

  it('exits 2 on an unknown command or option, naming it and the usage', async () => {
    const unknown = captureIo();
    expect(await runCli(['ecko'], unknown, commands)).toBe(2);
    expect(unknown.err()).toContain('unknown command "ecko"');
    const badOption = captureIo();
    expect(await runCli(['echo', '--txt', 'x'], badOption, commands)).toBe(2);
    expect(badOption.err()).toContain('pressgate echo: unknown option --txt; did you mean --text?\n');
    expect(badOption.err()).toContain('Usage: pressgate echo --text TEXT');
    expect(badOption.err()).not.toContain("'");
    const extra = captureIo();
    expect(await runCli(['echo', 'stray'], extra, commands)).toBe(2);
    expect(extra.err()).toContain('unexpected argument "stray"');
  });

  it('suggests the command meant, and says plainly that an option needs a value', async () => {
    const typo = captureIo();
    expect(await runCli(['ecko'], typo, commands)).toBe(2);
    expect(typo.err()).toContain('pressgate: unknown command "ecko"; did you mean "echo"?');
    const far = captureIo();
    expect(await runCli(['zzzzzz'], far, commands)).toBe(2);
    expect(far.err()).not.toContain('did you mean');
    const missing = captureIo();
    expect(await runCli(['echo', '--text'], missing, commands)).toBe(2);
    expect(missing.err()).toContain('pressgate echo: option --text needs a value: --text <TEXT>\n');
    const flagValue = captureIo();
    expect(await runCli(['echo', '--help=yes'], flagValue, commands)).toBe(2);
    expect(flagValue.err()).toContain('option --help takes no value');
  });

  it('prints its version on --version, -v and version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-v', 'version']) {
      const io = captureIo();
      expect(await runCli([flag], io, commands)).toBe(0);
      expect(io.out()).toBe(`pressgate ${version}\n`);
    }
  });

  it('exits 1 on a runtime failure, with the error code and message', async () => {
    const io = captureIo();
    expect(await runCli(['fail'], io, commands)).toBe(1);
    expect(io.err()).toBe('pressgate fail: ERR_SERIAL_DISCONNECTED: the port went away\n');
  });
});
