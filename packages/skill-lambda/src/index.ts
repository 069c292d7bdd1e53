export * from './aws-iot-url.js';
export * from './error-response.js';
export * from './forward-directive.js';
export * from './forward-mqtt.js';
export * from './forwarder-config.js';
export * from './handler.js';
export * from './log-line.js';
export * from './mqtt-forwarder-config.js';
