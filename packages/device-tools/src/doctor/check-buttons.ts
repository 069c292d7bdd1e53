import { msStep } from '@pressgate/protocol';
import { type PreparedSession, restartBetween, type SequencedSeen } from './prepare-session.js';
import type { ButtonSummary, DoctorCheck } from './types.js';

/** The host's default debounceMs: a press or release shorter than this is noise to it. */
export const DEBOUNCE_MS = 20;

type Violation = { button: number; text: string };

/** What the edges and gestures of a run showed, per button. */
export type ButtonFindings = {
  summaries: ButtonSummary[];
  /** D/U order broken. */
  order: Violation[];
  /** Buttons above the HELLO's count. */
  outOfRange: Violation[];
  /** Buttons that sent both E and G lines. */
  mixed: Violation[];
  /** Releases shorter than the debounce (the button bounced back down). */
  bounces: Violation[];
  edgeLines: number;
  gestureLines: number;
};

function summaryOf(summaries: Map<number, ButtonSummary>, button: number): ButtonSummary {
  let summary = summaries.get(button);
  if (summary === undefined) {
    summary = { button, presses: 0, edges: 0, shortPresses: 0, gestures: {} };
    summaries.set(button, summary);
  }
  return summary;
}

export function findButtonFacts(prepared: PreparedSession): ButtonFindings {
  const summaries = new Map<number, ButtonSummary>();
  const findings: ButtonFindings = {
    summaries: [],
    order: [],
    outOfRange: [],
    mixed: [],
    bounces: [],
    edgeLines: 0,
    gestureLines: 0,
  };
  /** Per button: the last edge seen since the last reset (restart or lost lines). */
  const last = new Map<number, SequencedSeen>();
  const kinds = new Map<number, { edge?: number; gesture?: number }>();
  let previous: SequencedSeen | undefined;
  for (const seen of prepared.sequenced) {
    if (previous !== undefined && restartBetween(prepared, previous.index, seen.index)) last.clear();
    else if (previous !== undefined && (previous.message.seq + 1) % 65536 !== seen.message.seq) last.clear();
    previous = seen;
    const message = seen.message;
    if (message.type === 'heartbeat') continue;
    const { button, seq } = message;
    const announced = prepared.hellos.filter((hello) => hello.index < seen.index).at(-1)?.hello.buttons;
    if (
      announced !== undefined &&
      button > announced &&
      !findings.outOfRange.some((v) => v.button === button)
    ) {
      const type = message.type === 'edge' ? 'E' : 'G';
      findings.outOfRange.push({
        button,
        text: `${type} for button ${button} (seq ${seq}) but HELLO announced ${announced} button(s)`,
      });
    }
    const kind = kinds.get(button) ?? {};
    kinds.set(button, kind);
    const summary = summaryOf(summaries, button);
    if (message.type === 'gesture') {
      findings.gestureLines += 1;
      kind.gesture ??= seq;
      summary.gestures[message.gesture] = (summary.gestures[message.gesture] ?? 0) + 1;
      continue;
    }
    findings.edgeLines += 1;
    kind.edge ??= seq;
    summary.edges += 1;
    const before = last.get(button);
    last.set(button, seen);
    if (before === undefined || before.message.type !== 'edge') continue;
    const heldMs = msStep(before.message.ms, message.ms);
    if (before.message.edge === message.edge) {
      findings.order.push({
        button,
        text: `button ${button}: ${message.edge} at seq ${seq} after ${before.message.edge} at seq ${before.message.seq}`,
      });
    } else if (message.edge === 'U') {
      summary.presses += 1;
      summary.minPressMs = Math.min(summary.minPressMs ?? heldMs, heldMs);
      summary.maxPressMs = Math.max(summary.maxPressMs ?? heldMs, heldMs);
      if (heldMs < DEBOUNCE_MS) summary.shortPresses += 1;
    } else if (heldMs < DEBOUNCE_MS) {
      findings.bounces.push({ button, text: `button ${button}: up for only ${heldMs} ms before seq ${seq}` });
    }
  }
  for (const [button, kind] of kinds) {
    if (kind.edge !== undefined && kind.gesture !== undefined) {
      findings.mixed.push({
        button,
        text: `button ${button} sent E (seq ${kind.edge}) and G (seq ${kind.gesture}) lines`,
      });
    }
  }
  findings.summaries = [...summaries.values()].sort((a, b) => a.button - b.button);
  return findings;
}

function listed(violations: readonly Violation[]): string {
  const [first, ...rest] = violations;
  return `${first?.text ?? ''}${rest.length > 0 ? `; and ${rest.length} more` : ''}`;
}

export function checkEdges(findings: ButtonFindings): DoctorCheck {
  const title = 'E edges alternate D/U per button';
  if (findings.order.length > 0) {
    return {
      id: 'edges',
      title,
      status: 'FAIL',
      detail: listed(findings.order),
      fix: 'per button, send D and U strictly in turn, starting with D; count a dropped edge in seq so the host can tell',
    };
  }
  const detail =
    findings.edgeLines === 0
      ? 'no E lines arrived: nothing to check'
      : `${findings.edgeLines} E lines in D/U order`;
  return { id: 'edges', title, status: 'PASS', detail };
}

export function checkButtonRange(findings: ButtonFindings, announced: number | undefined): DoctorCheck {
  const title = "buttons within the HELLO's count";
  if (findings.outOfRange.length > 0) {
    return {
      id: 'button-range',
      title,
      status: 'FAIL',
      detail: listed(findings.outOfRange),
      fix: 'number buttons 1..<buttons> as announced in HELLO, or announce more buttons',
    };
  }
  const used = findings.summaries.map((summary) => summary.button);
  if (used.length === 0)
    return { id: 'button-range', title, status: 'PASS', detail: 'no E or G lines arrived' };
  const limit = announced === undefined ? 'no HELLO to compare with' : `HELLO announced ${announced}`;
  return { id: 'button-range', title, status: 'PASS', detail: `buttons seen: ${used.join(', ')}; ${limit}` };
}

export function checkEdgeOrGesture(findings: ButtonFindings): DoctorCheck {
  const title = 'E and G not mixed on one button';
  if (findings.mixed.length > 0) {
    return {
      id: 'edge-or-gesture',
      title,
      status: 'FAIL',
      detail: listed(findings.mixed),
      fix: 'for each button send either raw edges (E) or decoded gestures (G), never both (PROTOCOL.md section 4)',
    };
  }
  const detail = `${findings.edgeLines} E and ${findings.gestureLines} G lines, no button sent both`;
  return { id: 'edge-or-gesture', title, status: 'PASS', detail };
}

function describeButton(summary: ButtonSummary): string {
  const parts: string[] = [];
  if (summary.edges > 0) {
    const range =
      summary.minPressMs === undefined
        ? ''
        : summary.minPressMs === summary.maxPressMs
          ? ` ${summary.minPressMs} ms`
          : ` ${summary.minPressMs}..${summary.maxPressMs} ms`;
    parts.push(`${summary.presses} press(es)${range}`);
  }
  for (const [gesture, count] of Object.entries(summary.gestures)) parts.push(`${gesture} x${count}`);
  return `button ${summary.button}: ${parts.join(', ')}`;
}

export function checkPresses(findings: ButtonFindings, announced: number | undefined): DoctorCheck {
  const title = 'button presses (press each button once during the run)';
  const seen = findings.summaries;
  if (seen.length === 0) {
    return {
      id: 'presses',
      title,
      status: 'WARN',
      detail: 'no button lines arrived, so edges and gestures were not checked',
      fix: 'run doctor again and press each button once while it listens',
    };
  }
  const summary = seen.map(describeButton).join('; ');
  const pressed = new Set(seen.map((entry) => entry.button));
  const missing: number[] = [];
  for (let button = 1; button <= (announced ?? 0); button += 1)
    if (!pressed.has(button)) missing.push(button);
  const notPressed = missing.length > 0 ? `; not pressed: ${missing.join(', ')}` : '';
  const short = seen.filter((entry) => entry.shortPresses > 0);
  if (short.length > 0 || findings.bounces.length > 0) {
    const what = [
      ...short.map(
        (entry) => `button ${entry.button}: ${entry.shortPresses} press(es) under ${DEBOUNCE_MS} ms`,
      ),
      ...findings.bounces.map((bounce) => bounce.text),
    ].join('; ');
    return {
      id: 'presses',
      title,
      status: 'WARN',
      detail: `${summary}${notPressed}; ${what}`,
      fix: `the host drops presses and releases under ${DEBOUNCE_MS} ms as contact bounce: debounce a few ms in the firmware, stamping the first transition`,
    };
  }
  return { id: 'presses', title, status: 'PASS', detail: `${summary}${notPressed}` };
}
