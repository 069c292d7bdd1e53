import { buildDiscoverResponse } from '@pressgate/protocol';
import { remoteToEndpoint } from '@pressgate/relay';
import { type Command, EXIT_OK, writeLine } from '../command.js';
import { CONFIG_OPTION, loadCommandConfig } from '../command-config.js';
import { AMAZON_SECRETS } from '../config-file.js';

export const discoveryCommand: Command = {
  name: 'discovery',
  summary: 'print the Discover.Response the relay gives Alexa for the configured remotes',
  usage: 'pressgate discovery [--config FILE]',
  details:
    'One endpoint per remote, with Alexa, Alexa.EndpointHealth and one Alexa.SimpleEventSource\n' +
    'instance per button listing its mapped gestures. Printed as JSON on stdout.',
  options: { config: CONFIG_OPTION },
  async run(context) {
    // Discovery is computed locally: the Alexa secrets may be unset.
    const { config } = await loadCommandConfig(context, { unusedSecrets: AMAZON_SECRETS });
    const response = buildDiscoverResponse(config.remotes.map(remoteToEndpoint));
    writeLine(context.io.stdout, JSON.stringify(response, null, 2));
    return EXIT_OK;
  },
};
