export { type CapturedIo, captureIo } from './capture-io.js';
export { ALL, Harness, type HarnessOptions, HOST_BASE_MS, ManualClock, TIMING } from './decoder.js';
export {
  type DeliveryHarnessOptions,
  type SendStart,
  startDeliveryHarness,
} from './delivery-harness.js';
export * from './emulator-fixture.js';
export { FakeRemote, type FakeRemoteOptions, testPtyPair, testRemote } from './fake-remote.js';
export { freshDir } from './fresh-dir.js';
export { BUTTONS, HELLO, type LogRecord, type Seen, summary, testListener, testLogger } from './listener.js';
export { type CapturedLogs, captureLogs } from './logs.js';
export { type Mosquitto, type MosquittoOptions, type MosquittoUser, startMosquitto } from './mosquitto.js';
export { readOutboxOnDisk, spawnCrashChild } from './outbox-on-disk.js';
export * from './relay-fixtures.js';
export * from './relay-http-harness.js';
export {
  type Answer,
  CORRELATION_TOKEN,
  closedPortUrl,
  DIRECTIVE_SECRET,
  GRANT_CODE,
  lambdaAcceptGrant,
  lambdaDiscover,
  lambdaDiscoverResponse,
  lambdaReportState,
  type RelayStandIn,
  respondWith,
  type SeenRequest,
  startRelayStandIn,
  USER_BEARER,
  UUID_V4,
} from './relay-stand-in.js';
export * from './scripted-server.js';
export { waitFor } from './wait-for.js';
export {
  checksummableArbitrary,
  helloArbitrary,
  latin1LineArbitrary,
  logArbitrary,
  messageArbitrary,
  sequencedArbitrary,
} from './wire-arbitraries.js';
