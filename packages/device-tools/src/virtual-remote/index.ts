export { LineTap, type LineTapEvents } from './line-tap.js';
export {
  buttonOf,
  DOUBLE_GAP_MS,
  DOUBLE_PRESS_MS,
  formatScriptProblems,
  LONG_PRESS_HOLD_MS,
  MAX_STEP_MS,
  type ParseScriptResult,
  type ParseStepResult,
  parseDuration,
  parseScript,
  parseStep,
  SCRIPT_VERBS,
  type ScriptLine,
  type ScriptOptions,
  type ScriptProblem,
  type ScriptStep,
  SHORT_PRESS_MS,
  stepDurationMs,
} from './script.js';
export {
  DEFAULT_DEVICE_ID,
  DEFAULT_FIRMWARE,
  MIN_RELEASE_MS,
  VirtualRemote,
  type VirtualRemoteEvents,
  type VirtualRemoteOptions,
} from './virtual-remote.js';
