import type { MqttTransportStatus } from './mqtt-directive-transport.js';

/** The MQTT transport's Prometheus lines, appended to the relay's /metrics. */
export function renderMqttMetrics(status: MqttTransportStatus): string {
  const lines = [
    '# HELP pressgate_mqtt_connected Whether the relay holds its MQTT connection to the broker (1) or not (0).',
    '# TYPE pressgate_mqtt_connected gauge',
    `pressgate_mqtt_connected ${status.state === 'connected' ? 1 : 0}`,
    '# HELP pressgate_mqtt_reconnects_total Reconnection attempts to the MQTT broker since the relay started.',
    '# TYPE pressgate_mqtt_reconnects_total counter',
    `pressgate_mqtt_reconnects_total ${status.reconnects}`,
    '# HELP pressgate_mqtt_directives_total Directives taken from the MQTT topic, by outcome.',
    '# TYPE pressgate_mqtt_directives_total counter',
    `pressgate_mqtt_directives_total{outcome="answered"} ${status.answered}`,
    `pressgate_mqtt_directives_total{outcome="refused"} ${status.refused}`,
    `pressgate_mqtt_directives_total{outcome="dropped"} ${status.dropped}`,
  ];
  return `${lines.join('\n')}\n`;
}
