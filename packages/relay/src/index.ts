export { Delivery } from './core/delivery/delivery.js';
export { GatewayClient, type GatewayResult } from './core/delivery/gateway-client.js';
export { Outbox } from './core/outbox/outbox.js';
export { OUTBOX_FILE } from './core/outbox/outbox-file.js';
export { PressgateRelayCore } from './core/relay-core.js';
export { remoteToEndpoint } from './core/reports/remote-endpoint.js';
export type { RemoteUpdate } from './core/reports/remote-statuses.js';
export { LwaClient } from './core/tokens/lwa-client.js';
export { TOKENS_FILE } from './core/tokens/token-file.js';
export { TokenManager } from './core/tokens/token-manager.js';
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
export { createRelay, type Relay, type RelayOptions } from './relay.js';
export { createRelayLogger, REDACT, REDACT_PATHS } from './relay-logger.js';
export * from './status-page/index.js';
