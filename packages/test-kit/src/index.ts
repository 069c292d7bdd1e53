export { type CapturedIo, captureIo } from './capture-io.js';
export { ALL, Harness, type HarnessOptions, HOST_BASE_MS, ManualClock, TIMING } from './decoder.js';
export { FakeRemote, type FakeRemoteOptions, testPtyPair, testRemote } from './fake-remote.js';
export { freshDir } from './fresh-dir.js';
export { BUTTONS, HELLO, type LogRecord, type Seen, summary, testListener, testLogger } from './listener.js';
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
