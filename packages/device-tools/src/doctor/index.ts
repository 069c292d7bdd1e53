export { analyzeSession, worstStatus } from './analyze-session.js';
export { DEBOUNCE_MS } from './check-buttons.js';
export { HELLO_ANSWER_MS } from './check-identity.js';
export { HEARTBEAT_LIMIT_MS, WARN_DRIFT_PPM } from './check-timeline.js';
export { ANSWER_WINDOW_MS } from './prepare-session.js';
export { quoteLine } from './quote-line.js';
export { type DoctorProgress, type RecordSessionOptions, recordSession } from './record-session.js';
export { type RunDoctorOptions, runDoctor } from './run-doctor.js';
export {
  type ButtonSummary,
  CHECK_IDS,
  type CheckId,
  type CheckStatus,
  type DoctorCheck,
  type DoctorReport,
  type DoctorSession,
  type ErrorSummary,
  type ObservedLine,
  type ObservedQuery,
  type QueryPurpose,
} from './types.js';
