export { Delivery } from './core/delivery.js';
export { GatewayClient, type GatewayResult } from './core/gateway-client.js';
export { LwaClient } from './core/lwa-client.js';
export { OUTBOX_FILE, Outbox } from './core/outbox.js';
export { REDACT, REDACT_PATHS } from './core/redact.js';
export { PressgateRelayCore, type RemoteUpdate } from './core/relay-core.js';
export { remoteToEndpoint } from './core/remote-endpoint.js';
export { TOKENS_FILE, TokenManager } from './core/token-manager.js';
export * from './ports.js';
