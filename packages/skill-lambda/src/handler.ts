import { type AlexaReply, buildErrorFor } from './error-response.js';
import { forwardDirective } from './forward-directive.js';
import { forwardDirectiveOverMqtt } from './forward-mqtt.js';
import { fitTimeoutToLambda } from './forwarder-config.js';
import { logToConsole } from './log-line.js';
import { loadAnyForwarderConfig } from './mqtt-forwarder-config.js';

/** The part of the Lambda context object the forwarder uses. */
export type LambdaContext = { getRemainingTimeInMillis?: () => number };

/**
 * The Lambda entry point (`index.handler` in the bundle): reads the
 * environment on every call, so a changed variable applies at once, then
 * forwards the directive over HTTPS (PRESSGATE_RELAY_URL) or MQTT
 * (PRESSGATE_MQTT_URL). Always resolves with a message for Alexa.
 */
export async function handler(event: unknown, context?: LambdaContext): Promise<AlexaReply> {
  const loaded = loadAnyForwarderConfig(process.env);
  if (!loaded.ok) {
    logToConsole({ level: 'error', msg: loaded.message, code: loaded.code });
    return buildErrorFor(event, 'INTERNAL_ERROR', 'The pressgate skill forwarder is not configured.');
  }
  const config = fitTimeoutToLambda(loaded.config, context?.getRemainingTimeInMillis?.());
  return config.transport === 'mqtt'
    ? forwardDirectiveOverMqtt(event, config)
    : forwardDirective(event, config);
}
