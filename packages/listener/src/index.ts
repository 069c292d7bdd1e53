export * from './decoder/index.js';
export * from './link/index.js';
export * from './listener.js';
export { decoderSetupFor, listenerOptionsFor } from './listener-options.js';
export * from './ports/index.js';
