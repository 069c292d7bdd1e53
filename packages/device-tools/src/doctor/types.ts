import type { Gesture, HelloMessage, ParseResult } from '@pressgate/protocol';

/** How one check came out: FAIL breaks protocol v1, WARN is allowed but worth fixing. */
export type CheckStatus = 'PASS' | 'WARN' | 'FAIL';

/** Every check `pressgate doctor` reports, in the order it reports them. */
export const CHECK_IDS = [
  'link',
  'hello-answer',
  'identity',
  'query-mid-run',
  'parse',
  'line-length',
  'line-endings',
  'checksum',
  'seq',
  'clock',
  'heartbeat',
  'edges',
  'button-range',
  'edge-or-gesture',
  'presses',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export type DoctorCheck = {
  id: CheckId;
  /** What the check asks, e.g. `HELLO answers "?" within 100 ms`. */
  title: string;
  status: CheckStatus;
  /** One line: what was seen. */
  detail: string;
  /** For WARN and FAIL: what to change in the firmware. */
  fix?: string;
};

/** One line as the doctor read it; `hostMs` counts from the moment the port opened. */
export type ObservedLine = {
  hostMs: number;
  /** The line without `\n` and without a final `\r`; empty for an overlong line the reader discarded. */
  raw: string;
  result: ParseResult;
  /** The line ended in `\r\n`. */
  crlf: boolean;
  /** Longer than 128 bytes: discarded by the line reader, never parsed. */
  overlong: boolean;
};

export type QueryPurpose = 'open' | 'mid-run';
export type ObservedQuery = { hostMs: number; purpose: QueryPurpose };

/** Everything one doctor run saw: the input of `analyzeSession`. */
export type DoctorSession = {
  path: string;
  /** How long the run was meant to last. */
  plannedMs: number;
  /** How long it lasted (ms since the port opened). */
  elapsedMs: number;
  queries: ObservedQuery[];
  lines: ObservedLine[];
  /** The port went away or failed mid-run. */
  disconnect?: { hostMs: number; code: string; message: string };
  /** Stopped early by the caller's signal (Ctrl-C). */
  aborted: boolean;
};

/** What one button did during the run. */
export type ButtonSummary = {
  button: number;
  /** Complete presses (a D and its U). */
  presses: number;
  edges: number;
  minPressMs?: number;
  maxPressMs?: number;
  /** Presses shorter than the host's 20 ms debounce. */
  shortPresses: number;
  gestures: Partial<Record<Gesture, number>>;
};

export type ErrorSummary = { code: string; count: number; example: string; message: string };

export type DoctorReport = {
  port: string;
  /** The worst status of all checks. */
  status: CheckStatus;
  device?: Omit<HelloMessage, 'type'>;
  elapsedMs: number;
  lines: { total: number; valid: number; rejected: number; log: number };
  checks: DoctorCheck[];
  buttons: ButtonSummary[];
  errors: ErrorSummary[];
};
