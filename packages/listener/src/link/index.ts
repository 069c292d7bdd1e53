export { LineFramer, LineSplitter, type SplitterOutput } from './line-splitter.js';
export {
  classifyOpenError,
  SERIAL_ERROR_CODES,
  type SerialErrorCode,
} from './serial-errors.js';
export {
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
  DEFAULT_HELLO_TIMEOUT_MS,
  DEFAULT_PRESENCE_CHECK_MS,
  type LinkLine,
  SerialLink,
  type SerialLinkEvents,
  type SerialLinkOptions,
} from './serial-link.js';
