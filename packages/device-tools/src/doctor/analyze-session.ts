import {
  checkButtonRange,
  checkEdgeOrGesture,
  checkEdges,
  checkPresses,
  findButtonFacts,
} from './check-buttons.js';
import {
  checkChecksums,
  checkLineEndings,
  checkLineLength,
  checkParse,
  summarizeErrors,
} from './check-framing.js';
import { checkHelloAnswer, checkIdentity, checkQueryMidRun } from './check-identity.js';
import { checkClock, checkHeartbeat, checkSeq } from './check-timeline.js';
import { prepareSession, seconds } from './prepare-session.js';
import type { CheckStatus, DoctorCheck, DoctorReport, DoctorSession } from './types.js';

const RANK: Record<CheckStatus, number> = { PASS: 0, WARN: 1, FAIL: 2 };

/** The worst of the statuses: FAIL over WARN over PASS. */
export function worstStatus(checks: readonly { status: CheckStatus }[]): CheckStatus {
  let worst: CheckStatus = 'PASS';
  for (const check of checks) if (RANK[check.status] > RANK[worst]) worst = check.status;
  return worst;
}

function checkLink(session: DoctorSession): DoctorCheck {
  const title = 'stays connected for the run';
  if (session.disconnect !== undefined) {
    const { code, message, hostMs } = session.disconnect;
    return {
      id: 'link',
      title,
      status: 'FAIL',
      detail: `${code} after ${seconds(hostMs)}: ${message}`,
      fix: 'keep the device plugged in for the whole run; if it drops by itself, check the cable, power and any watchdog reset',
    };
  }
  if (session.aborted) {
    return {
      id: 'link',
      title,
      status: 'WARN',
      detail: `stopped early after ${seconds(session.elapsedMs)}: the checks cover that part only`,
      fix: `let the run finish (${seconds(session.plannedMs)})`,
    };
  }
  return {
    id: 'link',
    title,
    status: 'PASS',
    detail: `connected for the whole ${seconds(session.elapsedMs)}`,
  };
}

/**
 * Judges a recorded doctor run against wire protocol v1: pure, no I/O, so
 * every rule can be tested with a hand-written session.
 */
export function analyzeSession(session: DoctorSession): DoctorReport {
  const prepared = prepareSession(session);
  const errors = summarizeErrors(prepared);
  const buttons = findButtonFacts(prepared);
  const announced = prepared.device?.buttons;
  const checks: DoctorCheck[] = [
    checkLink(session),
    checkHelloAnswer(prepared),
    checkIdentity(prepared),
    checkQueryMidRun(prepared),
    checkParse(prepared, errors),
    checkLineLength(prepared),
    checkLineEndings(prepared),
    checkChecksums(prepared, errors),
    checkSeq(prepared),
    checkClock(prepared),
    checkHeartbeat(prepared),
    checkEdges(buttons),
    checkButtonRange(buttons, announced),
    checkEdgeOrGesture(buttons),
    checkPresses(buttons, announced),
  ];
  const valid = prepared.lines.filter((line) => line.result.ok);
  const device = prepared.device;
  return {
    port: session.path,
    status: worstStatus(checks),
    ...(device === undefined
      ? {}
      : {
          device: {
            proto: device.proto,
            deviceId: device.deviceId,
            firmware: device.firmware,
            buttons: device.buttons,
          },
        }),
    elapsedMs: Math.round(session.elapsedMs),
    lines: {
      total: prepared.lines.length,
      valid: valid.length,
      rejected: prepared.rejected.length,
      log: valid.filter((line) => line.result.ok && line.result.message.type === 'log').length,
    },
    checks,
    buttons: buttons.summaries,
    errors,
  };
}
