export { Delivery } from './core/delivery.js';
export { GatewayClient, type GatewayResult } from './core/gateway-client.js';
export { LwaClient } from './core/lwa-client.js';
export { OUTBOX_FILE, Outbox } from './core/outbox.js';
export { REDACT, REDACT_PATHS } from './core/redact.js';
export { PressgateRelayCore, type RemoteUpdate } from './core/relay-core.js';
export { remoteToEndpoint } from './core/remote-endpoint.js';
export { TOKENS_FILE, TokenManager } from './core/token-manager.js';
export { type AppDeps, buildApp, DEFAULT_BODY_LIMIT_BYTES } from './http/build-app.js';
export { GestureBody } from './http/gestures-route.js';
export {
  ERROR_STATUS,
  type ErrorBody,
  errorBody,
  HttpError,
  type HttpErrorCode,
} from './http/http-errors.js';
export { METRICS_CONTENT_TYPE } from './http/metrics.js';
export { isLoopbackAddress } from './http/request-auth.js';
export * from './ports.js';
export { createRelay, createRelayLogger, type Relay, type RelayOptions } from './relay.js';
export * from './status-page/index.js';
