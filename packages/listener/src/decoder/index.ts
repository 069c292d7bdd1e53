export { GestureDecoder } from './gesture-decoder.js';
export { systemClock } from './system-clock.js';
export type {
  ButtonSetup,
  Clock,
  DecodedGesture,
  DecoderAnomaly,
  DecoderAnomalyKind,
  GestureDecoderOptions,
  Timing,
} from './types.js';
export { DECODER_ANOMALY_KINDS } from './types.js';
