export { type CapturedIo, captureIo } from './capture-io.js';
export { freshDir } from './fresh-dir.js';
export { type Mosquitto, type MosquittoOptions, type MosquittoUser, startMosquitto } from './mosquitto.js';
export { pollUntil } from './poll-until.js';
export {
  type Answer,
  acceptGrantDirective,
  CORRELATION_TOKEN,
  closedPortUrl,
  DIRECTIVE_SECRET,
  discoverDirective,
  discoverResponse,
  GRANT_CODE,
  type RelayStandIn,
  reportStateDirective,
  respondWith,
  type SeenRequest,
  startRelayStandIn,
  USER_BEARER,
  UUID_V4,
} from './relay-stand-in.js';
export { waitFor } from './wait-for.js';
export {
  checksummableArbitrary,
  helloArbitrary,
  latin1LineArbitrary,
  logArbitrary,
  messageArbitrary,
  sequencedArbitrary,
} from './wire-arbitraries.js';
