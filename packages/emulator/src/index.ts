export { type AppOptions, buildEmulatorApp, createEmulatorState } from './app.js';
export { RECORDED_HEADER } from './control-routes.js';
export { EmulatorError, GATEWAY_CODE_STATUS } from './errors.js';
export { MAX_BODY_BYTES, MAX_FUTURE_SKEW_MS } from './gateway-handler.js';
export { type Emulator, startEmulator } from './start-emulator.js';
export { EmulatorState, MAX_RECORDS, type StateOptions } from './state.js';
export type {
  AcceptedEvent,
  DiscoveryResult,
  EmulatorOptions,
  GatewayFault,
  GatewayOutcome,
  GatewayRequestRecord,
  LwaFault,
  TokenOutcome,
  TokenRequestRecord,
} from './types.js';
