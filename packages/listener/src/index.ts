export * from './decoder/index.js';
export * from './link/index.js';
export * from './listener.js';
export { decoderSetupFor, listenerOptionsFor } from './listener-options.js';
export {
  DEFAULT_LOG_BURST,
  DEFAULT_LOG_PER_SECOND,
  LogLimiter,
  type LogLimiterOptions,
} from './log-limiter.js';
export * from './ports/index.js';
