import { once } from 'node:events';
import { Listener, listenerOptionsFor } from '@pressgate/listener';
import { createRelayLogger } from '@pressgate/relay';
import type { DestinationStream } from 'pino';
import { type Command, EXIT_OK, requireStringOption, stringOption, UsageError } from '../command.js';
import { CONFIG_OPTION, loadCommandConfig } from '../command-config.js';
import { AMAZON_SECRETS } from '../config-file.js';
import { GesturePoster } from '../service/gesture-poster.js';

export const listenCommand: Command = {
  name: 'listen',
  summary: 'run the listeners alone, posting gestures to a relay over HTTP',
  usage: 'pressgate listen --config FILE --relay URL [--api-token TOKEN]',
  details:
    'One listener per remote in the config; each decoded gesture goes to POST <URL>/v1/gestures.\n' +
    'Network errors are retried briefly; a gesture older than alexa.maxEventAgeMs is dropped.\n' +
    'The token may also come from PRESSGATE_API_TOKEN. Logs are JSON lines on stdout.',
  options: {
    config: CONFIG_OPTION,
    relay: { type: 'string', valueName: 'URL', description: 'the relay, e.g. http://127.0.0.1:8787' },
    'api-token': { type: 'string', valueName: 'TOKEN', description: "the relay's relay.apiToken (Bearer)" },
  },
  async run(context) {
    const relayUrl = requireStringOption(context, 'relay');
    if (!URL.canParse(relayUrl))
      throw new UsageError(`--relay expects a URL like http://127.0.0.1:8787, got "${relayUrl}"`);
    // listen talks to a relay, never to Amazon: the Alexa secrets may be unset.
    const { config } = await loadCommandConfig(context, { unusedSecrets: AMAZON_SECRETS });
    const { io } = context;
    const apiToken = stringOption(context, 'api-token') ?? io.env.PRESSGATE_API_TOKEN;
    const logger = createRelayLogger(io.stdout as DestinationStream);
    const poster = new GesturePoster({
      relayUrl,
      maxEventAgeMs: config.alexa.maxEventAgeMs,
      logger,
      ...(apiToken === undefined || apiToken === '' ? {} : { apiToken }),
    });
    const listeners = config.remotes.map((remote) => {
      const listener = new Listener(listenerOptionsFor(remote, logger));
      listener.on('gesture', (gesture) => {
        // `at` is the device's time of the gesture, as the listener mapped it to wall time.
        const atMs = Date.parse(gesture.at);
        void poster.post({ remoteId: remote.id, button: gesture.button, gesture: gesture.gesture, atMs });
      });
      return listener;
    });
    try {
      for (const listener of listeners) await listener.start();
      logger.info({ relay: relayUrl, remotes: listeners.length }, 'listening');
      if (!io.signal.aborted) await once(io.signal, 'abort');
    } finally {
      await Promise.all(listeners.map((listener) => listener.stop()));
      poster.stop();
    }
    return EXIT_OK;
  },
};
