import { booleanOption, type Command, EXIT_FAILURE, EXIT_OK, integerOption } from '../command.js';
import { runDemo } from '../demo/run-demo.js';

export const DEMO_PORT = 8787;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'everything wired together on this machine: no hardware, no Amazon account',
  usage: 'pressgate demo [--port N] [--once] [--verbose]',
  details:
    'Starts the local Alexa stand-in (emulator), the relay with a built-in demo config, links\n' +
    'them with a signed AcceptGrant, and a simulated two button remote on a pseudo-terminal\n' +
    '(socat; without it, in-process). It plays single, double and long presses on both\n' +
    'buttons and prints each event as the stand-in accepted it, with its latency. Then it\n' +
    'keeps running with the status page, whose buttons press the simulated remote, until\n' +
    'Ctrl-C. With --once it exits after the script: 0 when every event was delivered.',
  options: {
    port: {
      type: 'string',
      short: 'p',
      valueName: 'N',
      description: `relay port on 127.0.0.1 (default ${DEMO_PORT}; any free port with --once)`,
    },
    once: { type: 'boolean', description: 'play the script, then exit' },
    verbose: { type: 'boolean', short: 'v', description: 'show the JSON logs too' },
  },
  async run(context) {
    const once = booleanOption(context, 'once');
    const delivered = await runDemo({
      stdout: context.io.stdout,
      port: integerOption(context, 'port') ?? (once ? 0 : DEMO_PORT),
      once,
      verbose: booleanOption(context, 'verbose'),
      signal: context.io.signal,
    });
    return delivered || !once ? EXIT_OK : EXIT_FAILURE;
  },
};
