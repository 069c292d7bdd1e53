// The relay's public surface: what the CLI and the cross-package tests use. The parts behind it
// (core/, http/, status-page/) are internal to this package.
export { OUTBOX_FILE } from './core/outbox/outbox-file.js';
export { remoteToEndpoint } from './core/reports/remote-endpoint.js';
export type { DeliveryRecord, GestureInput, IngestResult, RelayEvent } from './ports.js';
export { createRelay, type Relay, type RelayOptions } from './relay.js';
export { createRelayLogger } from './relay-logger.js';
export { type PressRouteOptions, pressRoute } from './status-page/press-route.js';
