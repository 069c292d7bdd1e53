export { xorChecksum } from './checksum.js';
export { type EncodeOptions, encodeLine } from './encode-line.js';
export {
  BUTTON_COUNT_RANGE,
  BUTTON_RANGE,
  DEVICE_ID_PATTERN,
  FIRMWARE_PATTERN,
  type FieldRange,
  MS_RANGE,
  PROTO_RANGE,
  SEQ_RANGE,
} from './field-rules.js';
export { parseLine } from './parse-line.js';
export { isDeviceRestart, msStep, seqGap, signedMsStep, wrapMs } from './sequence.js';
export {
  type ParseResult,
  type QueryMessage,
  WIRE_ENCODE_ERROR_CODE,
  WIRE_ERROR_CODES,
  type WireError,
  type WireErrorCode,
} from './wire-error.js';
