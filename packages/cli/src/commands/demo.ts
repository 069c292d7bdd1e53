import { isPressgateError } from '@pressgate/protocol';
import { booleanOption, type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, integerOption } from '../command.js';
import { runDemo } from '../demo/run-demo.js';

export const DEMO_PORT = 8787;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'everything wired together on this machine: no hardware, no Amazon account',
  usage: 'pressgate demo [--port N] [--once] [--mqtt] [--verbose]',
  details:
    'Starts the local Alexa stand-in (emulator), the relay with a built-in demo config, links\n' +
    'them with a signed AcceptGrant, and a simulated two button remote on a pseudo-terminal\n' +
    '(socat; without it, in-process). It plays single, double and long presses on both\n' +
    'buttons and prints each event as the stand-in accepted it, with its latency. Then it\n' +
    'keeps running with the status page, whose buttons press the simulated remote, until\n' +
    'Ctrl-C. With --once it exits after the script: 0 when every event was delivered.\n' +
    'With --mqtt it also starts a local mosquitto, and the relay takes its directives over\n' +
    'an outbound MQTT connection to it (directives.transport mqtt) instead of HTTPS.',
  options: {
    port: {
      type: 'string',
      short: 'p',
      valueName: 'N',
      description: `relay port on 127.0.0.1 (default ${DEMO_PORT}; any free port with --once)`,
    },
    once: { type: 'boolean', description: 'play the script, then exit' },
    mqtt: {
      type: 'boolean',
      description: 'directives through a local mosquitto (needs the mosquitto package)',
    },
    verbose: { type: 'boolean', short: 'v', description: 'show the JSON logs too' },
  },
  async run(context) {
    const once = booleanOption(context, 'once');
    try {
      const delivered = await runDemo({
        stdout: context.io.stdout,
        port: integerOption(context, 'port') ?? (once ? 0 : DEMO_PORT),
        once,
        verbose: booleanOption(context, 'verbose'),
        signal: context.io.signal,
        mqtt: booleanOption(context, 'mqtt'),
      });
      return delivered || !once ? EXIT_OK : EXIT_FAILURE;
    } catch (error) {
      if (!isPressgateError(error, 'ERR_DEMO_MOSQUITTO_MISSING')) throw error;
      context.io.stderr.write(`pressgate demo: ${error.message}\n`);
      return EXIT_USAGE;
    }
  },
};
