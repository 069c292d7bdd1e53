export { reconnectDelayMs } from './backoff.js';
export {
  DEFAULT_MQTT_MAX_IN_FLIGHT,
  DEFAULT_MQTT_MAX_PAYLOAD_BYTES,
  type MqttConnectionState,
  MqttDirectiveTransport,
  type MqttTransportOptions,
  type MqttTransportStatus,
} from './mqtt-directive-transport.js';
export { renderMqttMetrics } from './mqtt-metrics.js';
export { brokerLabel, DIRECTIVE_TOPIC_SUFFIX, directiveTopic } from './mqtt-wire.js';
