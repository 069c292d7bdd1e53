export { ALL, Harness, type HarnessOptions, HOST_BASE_MS, ManualClock, TIMING } from './decoder.js';
export { FakeRemote, type FakeRemoteOptions, testPtyPair, testRemote } from './fake-remote.js';
export { freshDir } from './fresh-dir.js';
export { BUTTONS, HELLO, type LogRecord, type Seen, summary, testListener, testLogger } from './listener.js';
export { waitFor } from './wait-for.js';
