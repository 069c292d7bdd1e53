import { isDeviceRestart, PROTOCOL_VERSION, seqGap } from '@pressgate/protocol';
import {
  ANSWER_WINDOW_MS,
  type PreparedSession,
  type QueryAnswer,
  rejectedBetween,
  type SequencedSeen,
  seconds,
} from './prepare-session.js';
import { quoteLine } from './quote-line.js';
import type { CheckStatus, DoctorCheck } from './types.js';

/** PROTOCOL.md section 6: the device answers `?` within this. */
export const HELLO_ANSWER_MS = 100;

const ANSWER_FIX =
  'answer "?\\n" (or "?\\r\\n") with HELLO within 100 ms, from the main loop (PROTOCOL.md section 6)';

function latencyStatus(latencyMs: number): CheckStatus {
  return latencyMs <= HELLO_ANSWER_MS ? 'PASS' : 'WARN';
}

/** Why no HELLO came: a rejected HELLO line, other lines only, or nothing at all. */
function whyNoHello(prepared: PreparedSession, from: number, to: number): string {
  const window = prepared.lines.filter((line) => line.hostMs >= from && line.hostMs <= to);
  const badHello = window.find((line) => !line.result.ok && line.raw.startsWith('HELLO'));
  if (badHello !== undefined && !badHello.result.ok) {
    return `a HELLO line arrived but was rejected: ${badHello.result.error.code} ${badHello.result.error.message}`;
  }
  if (window.length > 0) return `${window.length} other line(s) arrived, no HELLO`;
  return 'nothing arrived at all';
}

export function checkHelloAnswer(prepared: PreparedSession): DoctorCheck {
  const title = `HELLO answers "?" within ${HELLO_ANSWER_MS} ms`;
  const answer = prepared.answers.find((entry) => entry.query.purpose === 'open');
  if (answer === undefined) {
    return { id: 'hello-answer', title, status: 'FAIL', detail: 'the run ended before "?" was sent' };
  }
  if (answer.hello === undefined) {
    const from = answer.query.hostMs;
    return {
      id: 'hello-answer',
      title,
      status: 'FAIL',
      detail: `no HELLO within ${ANSWER_WINDOW_MS} ms of "?": ${whyNoHello(prepared, from, from + ANSWER_WINDOW_MS)}`,
      fix: ANSWER_FIX,
    };
  }
  const latencyMs = Math.round(answer.hello.hostMs - answer.query.hostMs);
  const status = latencyStatus(latencyMs);
  return {
    id: 'hello-answer',
    title,
    status,
    detail: `HELLO arrived ${latencyMs} ms after "?"${status === 'WARN' ? ' (slow; host load can add a little, so run again before blaming the firmware)' : ''}`,
    ...(status === 'WARN' ? { fix: ANSWER_FIX } : {}),
  };
}

export function checkIdentity(prepared: PreparedSession): DoctorCheck {
  const title = 'HELLO identity (proto 1, deviceId, firmware, buttons)';
  const device = prepared.device;
  if (device === undefined) {
    const badHello = prepared.lines.find((line) => !line.result.ok && line.raw.startsWith('HELLO'));
    return {
      id: 'identity',
      title,
      status: 'FAIL',
      detail:
        badHello !== undefined && !badHello.result.ok
          ? `HELLO rejected: ${badHello.result.error.message} in ${quoteLine(badHello.raw)}`
          : 'no valid HELLO arrived',
      fix: 'send "HELLO 1 <deviceId> <firmware> <buttons>" at boot and for every "?" (PROTOCOL.md section 4)',
    };
  }
  const shown = `protocol ${device.proto}, device ${device.deviceId}, firmware ${device.firmware}, ${device.buttons} button(s)`;
  if (device.proto !== PROTOCOL_VERSION) {
    return {
      id: 'identity',
      title,
      status: 'FAIL',
      detail: `${shown}: this doctor checks protocol ${PROTOCOL_VERSION}`,
      fix: `send proto ${PROTOCOL_VERSION} in HELLO, or use a pressgate that speaks protocol ${device.proto}`,
    };
  }
  const changed = prepared.hellos.find(
    (seen) =>
      seen.hello.deviceId !== device.deviceId ||
      seen.hello.firmware !== device.firmware ||
      seen.hello.buttons !== device.buttons ||
      seen.hello.proto !== device.proto,
  );
  if (changed !== undefined) {
    const { deviceId, firmware, buttons } = changed.hello;
    return {
      id: 'identity',
      title,
      status: 'FAIL',
      detail: `${shown} at first, then device ${deviceId}, firmware ${firmware}, ${buttons} button(s) at ${seconds(changed.hostMs)}`,
      fix: "derive deviceId from the chip's unique id and send the same HELLO every time",
    };
  }
  const restarts = [...prepared.unasked].map((index) => prepared.lines[index]?.hostMs ?? 0);
  if (restarts.length > 0) {
    return {
      id: 'identity',
      title,
      status: 'WARN',
      detail: `${shown}; a HELLO nobody asked for came at ${restarts.map(seconds).join(', ')}: the device restarted (or sends HELLO unasked)`,
      fix: 'send HELLO only at boot and for "?": the host reads any other HELLO as a restart and resets every button',
    };
  }
  return { id: 'identity', title, status: 'PASS', detail: shown };
}

function lastBefore(prepared: PreparedSession, index: number): SequencedSeen | undefined {
  return prepared.sequenced.filter((seen) => seen.index < index).at(-1);
}

function firstAfter(prepared: PreparedSession, index: number): SequencedSeen | undefined {
  return prepared.sequenced.find((seen) => seen.index > index);
}

export function checkQueryMidRun(prepared: PreparedSession): DoctorCheck {
  const title = 'a second "?" mid-run gets HELLO, seq and ms go on';
  const answer: QueryAnswer | undefined = prepared.answers.find((entry) => entry.query.purpose === 'mid-run');
  if (answer === undefined) {
    return {
      id: 'query-mid-run',
      title,
      status: 'WARN',
      detail: 'not tested: the run ended before the mid-run "?"',
      fix: 'run doctor for longer, with the device connected throughout',
    };
  }
  const from = answer.query.hostMs;
  if (answer.hello === undefined) {
    return {
      id: 'query-mid-run',
      title,
      status: 'FAIL',
      detail: `no HELLO within ${ANSWER_WINDOW_MS} ms of the "?" at ${seconds(from)}: ${whyNoHello(prepared, from, from + ANSWER_WINDOW_MS)}`,
      fix: `${ANSWER_FIX}, every time it is asked, not only once`,
    };
  }
  const latencyMs = Math.round(answer.hello.hostMs - from);
  const before = lastBefore(prepared, answer.hello.index);
  const after = firstAfter(prepared, answer.hello.index);
  if (before === undefined || after === undefined) {
    return {
      id: 'query-mid-run',
      title,
      status: 'WARN',
      detail: `HELLO ${latencyMs} ms after "?"; continuity not checked: no E/G/B line on both sides of it`,
      fix: 'send heartbeats at least every 5 s',
    };
  }
  const keepFix = 'answering "?" must not reset seq or ms: only a real restart does (PROTOCOL.md section 6)';
  if (isDeviceRestart(before.message.ms, after.message.ms)) {
    return {
      id: 'query-mid-run',
      title,
      status: 'FAIL',
      detail: `after the HELLO for "?", ms went back from ${before.message.ms} to ${after.message.ms}`,
      fix: keepFix,
    };
  }
  const gap = seqGap(before.message.seq, after.message.seq);
  if (gap > rejectedBetween(prepared, before.index, after.index)) {
    return {
      id: 'query-mid-run',
      title,
      status: 'FAIL',
      detail: `around the HELLO for "?", seq went from ${before.message.seq} to ${after.message.seq}`,
      fix: keepFix,
    };
  }
  const status = latencyStatus(latencyMs);
  return {
    id: 'query-mid-run',
    title,
    status,
    detail: `HELLO ${latencyMs} ms after "?" at ${seconds(from)}; seq went on ${before.message.seq} -> ${after.message.seq}`,
    ...(status === 'WARN' ? { fix: ANSWER_FIX } : {}),
  };
}
