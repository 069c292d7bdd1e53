import { PressgateError } from '../errors.js';
import { GESTURES } from '../gesture.js';
import { xorChecksum } from './checksum.js';
import { describeInput } from './describe-input.js';
import {
  BUTTON_COUNT_RANGE,
  BUTTON_RANGE,
  DEVICE_ID_PATTERN,
  describeRange,
  FIRMWARE_PATTERN,
  type FieldRange,
  isInRange,
  MS_RANGE,
  PROTO_RANGE,
  SEQ_RANGE,
} from './field-rules.js';
import { MAX_LINE_BYTES, type WireMessage } from './message.js';
import { type QueryMessage, WIRE_ENCODE_ERROR_CODE } from './wire-error.js';

/** Options of `encodeLine`. */
export type EncodeOptions = {
  /** Append the `*HH` suffix. Ignored for `#` log lines and `?`, which never carry one. */
  checksum?: boolean;
};

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function encodeError(message: string): PressgateError {
  return new PressgateError(WIRE_ENCODE_ERROR_CODE, `cannot encode wire line: ${message}`);
}

function number(type: string, name: string, value: unknown, range: FieldRange): string {
  if (!isInRange(value, range)) {
    throw encodeError(`${type} field ${name}: expected ${describeRange(range)}, got ${String(value)}`);
  }
  return String(value);
}

function token(type: string, name: string, value: unknown, pattern: RegExp, rule: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw encodeError(`${type} field ${name}: expected ${rule}, got ${describeInput(String(value), 40)}`);
  }
  return value;
}

/**
 * Encodes a message as one protocol v1 line, WITHOUT the trailing `\n`: the
 * caller writes the line ending. Device messages (HELLO, E, G, B, #) are what
 * a simulated remote sends; `{ type: 'query' }` is the host's `?`.
 *
 * Throws PressgateError `ERR_WIRE_ENCODE` when a field is out of range, a
 * token breaks its character rule, or the line would exceed 128 bytes.
 */
export function encodeLine(message: WireMessage | QueryMessage, options: EncodeOptions = {}): string {
  let body: string;
  switch (message.type) {
    case 'query':
      return '?';
    case 'log': {
      if (typeof message.text !== 'string' || !PRINTABLE_ASCII.test(message.text)) {
        throw encodeError(`log text: expected printable ASCII, got ${describeInput(String(message.text))}`);
      }
      const line = message.text === '' ? '#' : `# ${message.text}`;
      return checkLength(line);
    }
    case 'hello':
      body = [
        'HELLO',
        number('HELLO', 'proto', message.proto, PROTO_RANGE),
        token('HELLO', 'deviceId', message.deviceId, DEVICE_ID_PATTERN, '1..32 of A-Z a-z 0-9 . _ -'),
        token('HELLO', 'firmware', message.firmware, FIRMWARE_PATTERN, '1..32 of A-Z a-z 0-9 . _ - +'),
        number('HELLO', 'buttons', message.buttons, BUTTON_COUNT_RANGE),
      ].join(' ');
      break;
    case 'edge':
      if (message.edge !== 'D' && message.edge !== 'U') {
        throw encodeError(`E field edge: expected D or U, got ${describeInput(String(message.edge))}`);
      }
      body = `E ${stamp('E', message)} ${number('E', 'button', message.button, BUTTON_RANGE)} ${message.edge}`;
      break;
    case 'gesture':
      if (!GESTURES.includes(message.gesture)) {
        throw encodeError(`G field gesture: expected ${GESTURES.join(', ')}, got ${String(message.gesture)}`);
      }
      body = `G ${stamp('G', message)} ${number('G', 'button', message.button, BUTTON_RANGE)} ${message.gesture}`;
      break;
    case 'heartbeat':
      body = `B ${stamp('B', message)}`;
      break;
    default:
      throw encodeError(`unknown message type ${describeInput(String((message as { type: unknown }).type))}`);
  }
  return checkLength(options.checksum === true ? `${body}*${xorChecksum(body)}` : body);
}

function stamp(type: string, message: { seq: unknown; ms: unknown }): string {
  return `${number(type, 'seq', message.seq, SEQ_RANGE)} ${number(type, 'ms', message.ms, MS_RANGE)}`;
}

function checkLength(line: string): string {
  if (line.length > MAX_LINE_BYTES) {
    throw encodeError(`expected at most ${MAX_LINE_BYTES} bytes, the line would be ${line.length}`);
  }
  return line;
}
