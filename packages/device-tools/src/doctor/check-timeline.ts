import { isDeviceRestart, MS_MODULO, msStep, SEQ_MODULO, seqGap } from '@pressgate/protocol';
import {
  type PreparedSession,
  rejectedBetween,
  restartBetween,
  type SequencedSeen,
  seconds,
} from './prepare-session.js';
import type { DoctorCheck } from './types.js';

/** PROTOCOL.md section 4: at least one B every 5000 ms of device uptime. */
export const HEARTBEAT_LIMIT_MS = 5000;
/** Host-side timing is blurred by USB and scheduling; allow this much on host-measured spans. */
export const HOST_SLACK_MS = 500;
/** Clock drift above this (1%) is a warning, above FAIL_DRIFT_PPM a failure. */
export const WARN_DRIFT_PPM = 10_000;
export const FAIL_DRIFT_PPM = 100_000;
/** Host receive times jitter by about this much; smaller clock differences are not judged. */
export const DRIFT_NOISE_MS = 50;

/** One pair of consecutive sequenced lines, with what lies between them. */
type Step = { from: SequencedSeen; to: SequencedSeen; restart: boolean; gap: number; rejected: number };

function stepsOf(prepared: PreparedSession): Step[] {
  const steps: Step[] = [];
  for (let index = 1; index < prepared.sequenced.length; index += 1) {
    const from = prepared.sequenced[index - 1] as SequencedSeen;
    const to = prepared.sequenced[index] as SequencedSeen;
    steps.push({
      from,
      to,
      restart: restartBetween(prepared, from.index, to.index),
      gap: seqGap(from.message.seq, to.message.seq),
      rejected: rejectedBetween(prepared, from.index, to.index),
    });
  }
  return steps;
}

export function checkSeq(prepared: PreparedSession): DoctorCheck {
  const title = 'seq goes up by one, wrapping 65535 -> 0, no gaps';
  const count = prepared.sequenced.length;
  if (count < 2) {
    return {
      id: 'seq',
      title,
      status: 'WARN',
      detail: `only ${count} E/G/B line(s) arrived: nothing to compare`,
      fix: 'send heartbeats at least every 5 s and run doctor for longer',
    };
  }
  const steps = stepsOf(prepared).filter((step) => !step.restart);
  const bad = steps.filter((step) => step.gap !== 0 && step.gap > step.rejected);
  const explained = steps.filter((step) => step.gap !== 0 && step.gap <= step.rejected).length;
  const wraps = steps.filter((step) => step.gap === 0 && step.to.message.seq === 0).length;
  if (bad.length > 0) {
    const first = bad[0] as Step;
    const what =
      first.gap === SEQ_MODULO - 1
        ? `seq ${first.to.message.seq} came twice`
        : `seq jumped from ${first.from.message.seq} to ${first.to.message.seq} (${first.gap} missing)`;
    return {
      id: 'seq',
      title,
      status: 'FAIL',
      detail: `${what}${bad.length > 1 ? `, and ${bad.length - 1} more gap(s)` : ''} in ${count} E/G/B lines`,
      fix: 'count every E, G and B line with one counter: +1 per line, 65535 -> 0, never skip or repeat (PROTOCOL.md section 5)',
    };
  }
  const notes = [
    wraps > 0 ? `wrapped 65535 -> 0 ${wraps} time(s)` : '',
    explained > 0 ? `${explained} gap(s) explained by rejected lines (see parse)` : '',
  ].filter((note) => note !== '');
  return {
    id: 'seq',
    title,
    status: 'PASS',
    detail: `${count} E/G/B lines in order${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`,
  };
}

function ppm(deviceMs: number, hostMs: number): number {
  return Math.round(((deviceMs - hostMs) / hostMs) * 1_000_000);
}

export function checkClock(prepared: PreparedSession): DoctorCheck {
  const title = 'ms runs forward (mod 2^32) at host speed';
  const steps = stepsOf(prepared).filter((step) => !step.restart);
  const backwards = steps.filter((step) => isDeviceRestart(step.from.message.ms, step.to.message.ms));
  if (backwards.length > 0) {
    const first = backwards[0] as Step;
    return {
      id: 'clock',
      title,
      status: 'FAIL',
      detail: `ms went back from ${first.from.message.ms} to ${first.to.message.ms} (seq ${first.from.message.seq} -> ${first.to.message.seq}) with no HELLO${backwards.length > 1 ? `, and ${backwards.length - 1} more time(s)` : ''}`,
      fix: 'stamp lines with one free-running uint32 millis(), printed unsigned; a restart must send HELLO first',
    };
  }
  // Measure over the longest run of lines without a restart.
  let best: { deviceMs: number; hostMs: number } = { deviceMs: 0, hostMs: 0 };
  let current = { deviceMs: 0, hostMs: 0 };
  for (const step of stepsOf(prepared)) {
    if (step.restart) {
      current = { deviceMs: 0, hostMs: 0 };
      continue;
    }
    current = {
      deviceMs: current.deviceMs + msStep(step.from.message.ms, step.to.message.ms),
      hostMs: current.hostMs + (step.to.hostMs - step.from.hostMs),
    };
    if (current.hostMs > best.hostMs) best = current;
  }
  const wrapped = steps.some((step) => step.to.message.ms < step.from.message.ms);
  const wrapNote = wrapped ? `; wrapped ${MS_MODULO - 1} -> 0` : '';
  if (best.hostMs < 1000) {
    return {
      id: 'clock',
      title,
      status: 'PASS',
      detail: `ms never went backwards${wrapNote}; too short a span (${Math.round(best.hostMs)} ms) to measure its rate`,
    };
  }
  const drift = ppm(best.deviceMs, best.hostMs);
  const off = Math.abs(best.deviceMs - best.hostMs);
  const measured = `device ${Math.round(best.deviceMs)} ms in ${Math.round(best.hostMs)} ms of host time (${drift >= 0 ? '+' : ''}${drift} ppm)`;
  if (off > DRIFT_NOISE_MS && Math.abs(drift) > WARN_DRIFT_PPM) {
    const fail = Math.abs(drift) > FAIL_DRIFT_PPM;
    return {
      id: 'clock',
      title,
      status: fail ? 'FAIL' : 'WARN',
      detail: `${measured}: off by more than ${fail ? '10' : '1'}%`,
      fix: 'ms must count real milliseconds of uptime (check the timer clock source and prescaler); the host times gestures by it',
    };
  }
  return { id: 'clock', title, status: 'PASS', detail: `ms never went backwards${wrapNote}; ${measured}` };
}

export function checkHeartbeat(prepared: PreparedSession): DoctorCheck {
  const title = `a heartbeat at least every ${HEARTBEAT_LIMIT_MS / 1000} s`;
  const fix = `send "B <seq> <ms>" at least every ${HEARTBEAT_LIMIT_MS} ms (1000..5000 recommended), also while buttons are held`;
  const beats = prepared.sequenced.filter((seen) => seen.message.type === 'heartbeat');
  const { elapsedMs } = prepared.session;
  const hostLimit = HEARTBEAT_LIMIT_MS + HOST_SLACK_MS;
  if (beats.length === 0) {
    return elapsedMs > hostLimit
      ? {
          id: 'heartbeat',
          title,
          status: 'FAIL',
          detail: `no B line in ${seconds(elapsedMs)}`,
          fix,
        }
      : {
          id: 'heartbeat',
          title,
          status: 'WARN',
          detail: `no B line in a ${seconds(elapsedMs)} run; run at least ${hostLimit / 1000} s to judge`,
          fix,
        };
  }
  let maxDeviceMs = 0;
  for (let index = 1; index < beats.length; index += 1) {
    const from = beats[index - 1] as SequencedSeen;
    const to = beats[index] as SequencedSeen;
    const span = restartBetween(prepared, from.index, to.index)
      ? to.hostMs - from.hostMs
      : msStep(from.message.ms, to.message.ms);
    if (span > maxDeviceMs) maxDeviceMs = span;
  }
  const first = beats[0] as SequencedSeen;
  const last = beats.at(-1) as SequencedSeen;
  const lead = first.hostMs;
  const trail = elapsedMs - last.hostMs;
  if (maxDeviceMs > HEARTBEAT_LIMIT_MS) {
    return {
      id: 'heartbeat',
      title,
      status: 'FAIL',
      detail: `two heartbeats ${Math.round(maxDeviceMs)} ms apart (device time)`,
      fix,
    };
  }
  if (lead > hostLimit || trail > hostLimit) {
    const which = lead > hostLimit ? `for the first ${seconds(lead)}` : `for the last ${seconds(trail)}`;
    return { id: 'heartbeat', title, status: 'FAIL', detail: `no B line ${which} of the run`, fix };
  }
  if (beats.length === 1) {
    return {
      id: 'heartbeat',
      title,
      status: 'WARN',
      detail: `one B line in a ${seconds(elapsedMs)} run: the interval could not be measured`,
      fix: 'run doctor for longer (the default 12 s sees at least two heartbeats)',
    };
  }
  return {
    id: 'heartbeat',
    title,
    status: 'PASS',
    detail: `${beats.length} heartbeats, at most ${Math.round(maxDeviceMs)} ms apart`,
  };
}
