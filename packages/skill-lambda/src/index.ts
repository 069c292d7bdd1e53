export * from './error-response.js';
export * from './forward-directive.js';
export * from './forwarder-config.js';
export * from './handler.js';
export * from './log-line.js';
