import type { DirectivesConfig } from '@pressgate/protocol';
import type { Logger } from 'pino';
import type { DirectiveTransportReport } from '../http/build-app.js';
import type { DirectiveHandler } from '../http/directive-handler.js';
import type { MqttDirectiveTransport, MqttTransportStatus } from './mqtt-directive-transport.js';
import { renderMqttMetrics } from './mqtt-metrics.js';
import { brokerLabel, directiveTopic } from './mqtt-wire.js';

/** The relay's handle on the transport: started with the relay, stopped when its app closes. */
export type MqttTransportHandle = {
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
};

/**
 * The MQTT transport when directives.transport is mqtt, with its face for /v1/status and /metrics.
 * The transport module, and with it the mqtt package (some 20 MB resident), is imported at
 * start and only then: a relay on HTTP directives never loads it.
 */
export function createMqttTransport(
  directives: DirectivesConfig,
  handler: DirectiveHandler,
  logger: Logger,
): { transport: MqttTransportHandle; report: DirectiveTransportReport } | undefined {
  const config = directives.mqtt;
  if (directives.transport !== 'mqtt' || config === undefined) return undefined;
  let transport: MqttDirectiveTransport | undefined;
  let stopped = false;
  const since = new Date().toISOString();
  // Until the module is loaded: what the transport itself says before it starts (or once stopped).
  const notStarted = (): MqttTransportStatus => ({
    transport: 'mqtt',
    state: stopped ? 'stopped' : 'idle',
    broker: brokerLabel(config.url),
    topic: directiveTopic(config.topicPrefix),
    since,
    reconnects: 0,
    answered: 0,
    refused: 0,
    dropped: 0,
  });
  const status = (): MqttTransportStatus => transport?.status() ?? notStarted();
  return {
    transport: {
      async start(signal) {
        const loaded = await import('./mqtt-directive-transport.js');
        signal?.throwIfAborted();
        if (stopped || transport !== undefined) return;
        transport = new loaded.MqttDirectiveTransport({ config, handler, logger });
        await transport.start(signal);
      },
      async stop() {
        stopped = true;
        await transport?.stop();
      },
    },
    report: { status, metrics: () => renderMqttMetrics(status()) },
  };
}
