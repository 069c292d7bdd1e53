import { once } from 'node:events';
import { startEmulator } from '@pressgate/emulator';
import { type Command, EXIT_OK, integerOption, stringOption, writeLine } from '../command.js';

export const DEMO_CLIENT_ID = 'amzn1.application-oa2-client.pressgate-demo';
export const DEMO_CLIENT_SECRET = 'pressgate-demo-client-secret';

export const emulatorCommand: Command = {
  name: 'emulator',
  summary: 'run the local stand-in for Login with Amazon and the Alexa event gateway',
  usage:
    'pressgate emulator [--port N] [--host ADDRESS] [--client-id ID] [--client-secret SECRET] [--gateway-delay-ms N]',
  details:
    'Serves POST /auth/o2/token (LWA) and POST /v3/events (the event gateway) with strict\n' +
    'validation, and a control API under /_emulator/ (accepted events, fault injection,\n' +
    'authorization codes). Point alexa.lwaTokenUrl and alexa.gatewayUrl at it. Runs until\n' +
    'SIGINT or SIGTERM. It never contacts Amazon.',
  options: {
    port: { type: 'string', short: 'p', valueName: 'N', description: 'port to listen on', default: '9000' },
    host: { type: 'string', valueName: 'ADDRESS', description: 'address to listen on', default: '127.0.0.1' },
    'client-id': {
      type: 'string',
      valueName: 'ID',
      description: 'LWA client id it accepts',
      default: DEMO_CLIENT_ID,
    },
    'client-secret': {
      type: 'string',
      valueName: 'SECRET',
      description: 'LWA client secret it accepts (default: the demo secret)',
    },
    'gateway-delay-ms': {
      type: 'string',
      valueName: 'N',
      description: 'hold every gateway request N ms before answering, like a real round trip',
      default: '0',
    },
  },
  async run(context) {
    const port = integerOption(context, 'port') ?? 9000;
    const emulator = await startEmulator({
      host: stringOption(context, 'host') ?? '127.0.0.1',
      port,
      clientId: stringOption(context, 'client-id') ?? DEMO_CLIENT_ID,
      clientSecret: stringOption(context, 'client-secret') ?? DEMO_CLIENT_SECRET,
      gatewayDelayMs: integerOption(context, 'gateway-delay-ms') ?? 0,
    });
    const { stdout, signal } = context.io;
    writeLine(stdout, `emulator listening on ${emulator.url}`);
    writeLine(stdout, `  alexa.lwaTokenUrl: ${emulator.lwaTokenUrl}`);
    writeLine(stdout, `  alexa.gatewayUrl:  ${emulator.gatewayUrl}`);
    writeLine(
      stdout,
      `  control API:       ${emulator.url}/_emulator/accepted (and faults, authorization-codes)`,
    );
    if (!signal.aborted) await once(signal, 'abort');
    await emulator.close();
    writeLine(stdout, 'emulator stopped');
    return EXIT_OK;
  },
};
