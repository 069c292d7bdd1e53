import { GESTURES, type Gesture } from '../gesture.js';
import { xorChecksum } from './checksum.js';
import { describeInput } from './describe-input.js';
import {
  BUTTON_COUNT_RANGE,
  BUTTON_RANGE,
  DEVICE_ID_PATTERN,
  describeRange,
  FIRMWARE_PATTERN,
  MS_RANGE,
  PROTO_RANGE,
  parseUnsigned,
  SEQ_RANGE,
} from './field-rules.js';
import { MAX_LINE_BYTES, type WireMessage } from './message.js';
import type { ParseResult, WireErrorCode } from './wire-error.js';

type Failure = Extract<ParseResult, { ok: false }>;
type FieldOutcome<T> = { ok: true; value: T } | Failure;

const CHECKSUM_SUFFIX = /^\*[0-9A-F]{2}$/;

function fail(code: WireErrorCode, message: string): Failure {
  return { ok: false, error: { code, message } };
}

/**
 * Parses one device-to-host line of wire protocol v1.
 *
 * `line` is one line as read from the port without its `\n`, decoded as
 * latin1 (one char per byte); one trailing `\r` is ignored. Never throws:
 * bad input of any kind comes back as `{ ok: false, error }` with a stable
 * code. The rules, in the order they are checked, are in
 * firmware-protocol/PROTOCOL.md ("Parsing order").
 */
export function parseLine(line: string): ParseResult {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.length > MAX_LINE_BYTES) {
    return fail(
      'ERR_WIRE_TOO_LONG',
      `expected at most ${MAX_LINE_BYTES} bytes before the line ending, got ${text.length} bytes: ` +
        `${describeInput(text)}; the firmware must keep every line within ${MAX_LINE_BYTES} bytes`,
    );
  }
  if (/^ *$/.test(text)) {
    return fail('ERR_WIRE_EMPTY', `expected a message, got an empty or blank line: ${describeInput(text)}`);
  }
  const badByte = checkBytes(text);
  if (badByte !== undefined) return badByte;

  // Log lines carry free text, `*` included, and never a checksum.
  if (text === '#' || text.startsWith('# ')) {
    return { ok: true, message: { type: 'log', text: text.slice(2) }, checksum: false };
  }

  const star = text.indexOf('*');
  const body = star === -1 ? text : text.slice(0, star);
  if (star !== -1) {
    const suffix = text.slice(star);
    if (star !== text.length - 3 || !CHECKSUM_SUFFIX.test(suffix)) {
      return fail(
        'ERR_WIRE_CHECKSUM_FORMAT',
        `expected "*" only as a checksum suffix "*HH" of two uppercase hex digits ending the line, ` +
          `got ${describeInput(suffix)} in ${describeInput(text)}`,
      );
    }
    const expected = xorChecksum(body);
    if (suffix.slice(1) !== expected) {
      return fail(
        'ERR_WIRE_CHECKSUM',
        `expected checksum ${expected} for ${describeInput(body)}, got ${suffix.slice(1)}; the line was ` +
          'corrupted in transit, or the firmware does not XOR exactly the bytes before "*"',
      );
    }
  }
  const parsed = parseBody(body);
  return parsed.ok ? { ok: true, message: parsed.value, checksum: star !== -1 } : parsed;
}

function checkBytes(text: string): Failure | undefined {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0x20 && code <= 0x7e) continue;
    const shown = `byte ${describeInput(text.charAt(index))} at offset ${index} of ${describeInput(text)}`;
    return code > 0x7f
      ? fail('ERR_WIRE_NON_ASCII', `expected ASCII only, got non-ASCII ${shown}; check the baud rate`)
      : fail('ERR_WIRE_CONTROL_CHAR', `expected printable ASCII (0x20..0x7E), got control ${shown}`);
  }
  return undefined;
}

function parseBody(body: string): FieldOutcome<WireMessage> {
  if (body === '')
    return fail('ERR_WIRE_UNKNOWN_TYPE', 'expected a message type before the checksum, got nothing');
  const fields = body.split(' ');
  if (fields.includes('')) {
    return fail(
      'ERR_WIRE_SPACING',
      `expected fields separated by exactly one space, none at the start or end, got ${describeInput(body)}`,
    );
  }
  const [type = '', ...rest] = fields;
  switch (type) {
    case 'HELLO':
      return parseHello(rest);
    case 'E':
      return parseEdge(rest);
    case 'G':
      return parseGesture(rest);
    case 'B':
      return parseHeartbeat(rest);
    default:
      return fail(
        'ERR_WIRE_UNKNOWN_TYPE',
        `expected a line starting with HELLO, E, G, B or "# ", got type ${describeInput(type, 16)}`,
      );
  }
}

const SHAPES: Record<string, string> = {
  HELLO: 'HELLO <proto> <deviceId> <firmware> <buttons>',
  E: 'E <seq> <ms> <button> <D|U>',
  G: 'G <seq> <ms> <button> <single|double|long>',
  B: 'B <seq> <ms>',
};

function checkCount(type: string, fields: readonly string[], count: number): Failure | undefined {
  if (fields.length === count) return undefined;
  return fail(
    'ERR_WIRE_FIELD_COUNT',
    `expected ${SHAPES[type]} (${count} fields after the type), got ${fields.length}`,
  );
}

function badField(type: string, name: string, expected: string, token: string): Failure {
  return fail(
    'ERR_WIRE_BAD_FIELD',
    `${type} field ${name}: expected ${expected}, got ${describeInput(token, 24)}`,
  );
}

function numberField(
  type: string,
  name: string,
  token: string,
  range: { min: number; max: number },
): FieldOutcome<number> {
  const value = parseUnsigned(token, range);
  return value === undefined ? badField(type, name, describeRange(range), token) : { ok: true, value };
}

function parseHello(fields: readonly string[]): FieldOutcome<WireMessage> {
  const countError = checkCount('HELLO', fields, 4);
  if (countError) return countError;
  const [protoToken = '', deviceId = '', firmware = '', buttonsToken = ''] = fields;
  const proto = numberField('HELLO', 'proto', protoToken, PROTO_RANGE);
  if (!proto.ok) return proto;
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    return badField('HELLO', 'deviceId', '1..32 of A-Z a-z 0-9 . _ -', deviceId);
  }
  if (!FIRMWARE_PATTERN.test(firmware)) {
    return badField('HELLO', 'firmware', '1..32 of A-Z a-z 0-9 . _ - +', firmware);
  }
  const buttons = numberField('HELLO', 'buttons', buttonsToken, BUTTON_COUNT_RANGE);
  if (!buttons.ok) return buttons;
  return {
    ok: true,
    value: { type: 'hello', proto: proto.value, deviceId, firmware, buttons: buttons.value },
  };
}

function parseSeqMs(type: string, fields: readonly string[]): FieldOutcome<{ seq: number; ms: number }> {
  const seq = numberField(type, 'seq', fields[0] ?? '', SEQ_RANGE);
  if (!seq.ok) return seq;
  const ms = numberField(type, 'ms', fields[1] ?? '', MS_RANGE);
  if (!ms.ok) return ms;
  return { ok: true, value: { seq: seq.value, ms: ms.value } };
}

function parseHeartbeat(fields: readonly string[]): FieldOutcome<WireMessage> {
  const countError = checkCount('B', fields, 2);
  if (countError) return countError;
  const stamp = parseSeqMs('B', fields);
  return stamp.ok ? { ok: true, value: { type: 'heartbeat', ...stamp.value } } : stamp;
}

function isEdge(token: string): token is 'D' | 'U' {
  return token === 'D' || token === 'U';
}

function isGesture(token: string): token is Gesture {
  return (GESTURES as readonly string[]).includes(token);
}

function parseEdge(fields: readonly string[]): FieldOutcome<WireMessage> {
  const countError = checkCount('E', fields, 4);
  if (countError) return countError;
  const stamp = parseSeqMs('E', fields);
  if (!stamp.ok) return stamp;
  const button = numberField('E', 'button', fields[2] ?? '', BUTTON_RANGE);
  if (!button.ok) return button;
  const edge = fields[3] ?? '';
  if (!isEdge(edge)) return badField('E', 'edge', 'D or U', edge);
  return { ok: true, value: { type: 'edge', ...stamp.value, button: button.value, edge } };
}

function parseGesture(fields: readonly string[]): FieldOutcome<WireMessage> {
  const countError = checkCount('G', fields, 4);
  if (countError) return countError;
  const stamp = parseSeqMs('G', fields);
  if (!stamp.ok) return stamp;
  const button = numberField('G', 'button', fields[2] ?? '', BUTTON_RANGE);
  if (!button.ok) return button;
  const gesture = fields[3] ?? '';
  if (!isGesture(gesture)) return badField('G', 'gesture', GESTURES.join(', '), gesture);
  return { ok: true, value: { type: 'gesture', ...stamp.value, button: button.value, gesture } };
}
