import { captureIo } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { COMMANDS, loadCommands } from './index.js';

describe('the command registry', () => {
  it('lists each command under the name and summary its own module gives', async () => {
    const loaded = await loadCommands();
    expect(loaded.map(({ name, summary }) => ({ name, summary }))).toEqual(
      COMMANDS.map(({ name, summary }) => ({ name, summary })),
    );
  });

  it("shows a command's full help through the registry, from `help <command>` and `<command> --help`", async () => {
    const topic = captureIo();
    expect(await runCli(['help', 'run'], topic)).toBe(0);
    expect(topic.out()).toContain('Usage: pressgate run [--config FILE]');
    expect(topic.out()).toMatch(/--log-format <FORMAT>/);
    const flag = captureIo();
    expect(await runCli(['check', '--help'], flag)).toBe(0);
    expect(flag.out()).toContain('Usage: pressgate check [--config FILE]');
  });
});
