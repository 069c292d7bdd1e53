export {
  type DeliveryHarnessOptions,
  type SendStart,
  startDeliveryHarness,
} from './delivery-harness.js';
export * from './emulator-fixture.js';
export { freshDir } from './fresh-dir.js';
export { type CapturedLogs, captureLogs } from './logs.js';
export { readOutboxOnDisk, spawnCrashChild } from './outbox-on-disk.js';
export * from './relay-fixtures.js';
export * from './relay-http-harness.js';
export * from './scripted-server.js';
export { waitFor } from './wait-for.js';
