import type { DirectivesConfig } from '@pressgate/protocol';
import type { Logger } from 'pino';
import type { DirectiveTransportReport } from '../http/build-app.js';
import type { DirectiveHandler } from '../http/directive-handler.js';
import { MqttDirectiveTransport } from './mqtt-directive-transport.js';
import { renderMqttMetrics } from './mqtt-metrics.js';

/** The MQTT transport when directives.transport is mqtt, with its face for /v1/status and /metrics. */
export function createMqttTransport(
  directives: DirectivesConfig,
  handler: DirectiveHandler,
  logger: Logger,
): { transport: MqttDirectiveTransport; report: DirectiveTransportReport } | undefined {
  if (directives.transport !== 'mqtt' || directives.mqtt === undefined) return undefined;
  const transport = new MqttDirectiveTransport({ config: directives.mqtt, handler, logger });
  return {
    transport,
    report: { status: () => transport.status(), metrics: () => renderMqttMetrics(transport.status()) },
  };
}
