import { MAX_BUTTON, MIN_BUTTON } from '@pressgate/protocol';

/**
 * The virtual remote's script format: one step per line, `#` starts a comment,
 * blank lines are ignored. Durations carry their unit (`90ms`, `1.5s`).
 *
 *   press 1            a short press (SHORT_PRESS_MS)     press 1 90ms   a press held 90 ms
 *   single 1           same as `press 1`
 *   double 2           two short presses, a short gap between
 *   long 1             a press held LONG_PRESS_HOLD_MS
 *   hold 2 1500ms      a press held 1500 ms
 *   wait 400ms         nothing happens for 400 ms (heartbeats go on)
 *   log booting        a `# booting` line
 *   raw E 1 2 3 D      the text as one line, unchecked (to show what junk does)
 *   hello              a HELLO line, as if asked
 */

export const SHORT_PRESS_MS = 90;
/** `double`: press, gap, press. The gap is well inside the default 300 ms double-press window. */
export const DOUBLE_PRESS_MS = 80;
export const DOUBLE_GAP_MS = 120;
/** `long`: held past the default 800 ms long-press threshold. */
export const LONG_PRESS_HOLD_MS = 1200;
/** Longest hold or wait one step may ask for (one hour). */
export const MAX_STEP_MS = 3_600_000;

export type ScriptStep =
  | { kind: 'press'; button: number; holdMs: number }
  | { kind: 'double'; button: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'log'; text: string }
  | { kind: 'raw'; text: string }
  | { kind: 'hello' };

/** A step and the 1-based line it came from. */
export type ScriptLine = { line: number; text: string; step: ScriptStep };

export type ScriptProblem = { line: number; message: string };

export type ScriptOptions = {
  /** The remote's button count: a step pressing a higher button is a problem. */
  buttons?: number;
};

export type ParseStepResult = { ok: true; step: ScriptStep | undefined } | { ok: false; message: string };

export type ParseScriptResult = { ok: true; steps: ScriptLine[] } | { ok: false; problems: ScriptProblem[] };

export const SCRIPT_VERBS = ['press', 'single', 'double', 'long', 'hold', 'wait', 'log', 'raw', 'hello'];

const USAGE: Record<string, string> = {
  press: 'press <button> [duration]',
  single: 'single <button>',
  double: 'double <button>',
  long: 'long <button>',
  hold: 'hold <button> <duration>',
  wait: 'wait <duration>',
  log: 'log <text>',
  raw: 'raw <text>',
  hello: 'hello',
};

/**
 * One line of a script (or one interactive command). Blank and comment-only
 * lines give `step: undefined`. Never throws.
 */
export function parseStep(text: string, options: ScriptOptions = {}): ParseStepResult {
  const result = parseStepText(text);
  const button = result.ok && result.step !== undefined ? buttonOf(result.step) : undefined;
  if (button !== undefined && options.buttons !== undefined && button > options.buttons) {
    return {
      ok: false,
      message: `button ${button} is above this remote's ${options.buttons} buttons: pass --buttons ${button} or more`,
    };
  }
  return result;
}

function parseStepText(text: string): ParseStepResult {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return { ok: true, step: undefined };
  const [verb = '', ...rawArgs] = trimmed.split(/\s+/);
  const lower = verb.toLowerCase();
  // log and raw take the rest of the line verbatim (a `#` in it is text, not a comment).
  if (lower === 'log' || lower === 'raw') {
    const rest = trimmed.slice(verb.length).trim();
    if (lower === 'raw') return { ok: true, step: { kind: 'raw', text: rest } };
    return { ok: true, step: { kind: 'log', text: rest } };
  }
  const args = stripComment(rawArgs);
  const usage = USAGE[lower];
  if (usage === undefined) {
    return {
      ok: false,
      message: `unknown step "${verb}": expected one of ${SCRIPT_VERBS.join(', ')} (e.g. "press 1 90ms")`,
    };
  }
  const arity = (min: number, max: number): string | undefined =>
    args.length < min || args.length > max
      ? `"${lower}" expects ${usage}, got ${args.length === 0 ? 'nothing' : `"${args.join(' ')}"`}`
      : undefined;
  switch (lower) {
    case 'hello': {
      const wrong = arity(0, 0);
      return wrong ? { ok: false, message: wrong } : { ok: true, step: { kind: 'hello' } };
    }
    case 'wait': {
      const wrong = arity(1, 1);
      if (wrong) return { ok: false, message: wrong };
      const ms = parseDuration(args[0] ?? '');
      return typeof ms === 'string' ? { ok: false, message: ms } : { ok: true, step: { kind: 'wait', ms } };
    }
    default:
      return parseButtonStep(lower, args, arity);
  }
}

function parseButtonStep(
  verb: string,
  args: readonly string[],
  arity: (min: number, max: number) => string | undefined,
): ParseStepResult {
  const wrong = verb === 'press' ? arity(1, 2) : verb === 'hold' ? arity(2, 2) : arity(1, 1);
  if (wrong) return { ok: false, message: wrong };
  const button = parseButton(args[0] ?? '');
  if (typeof button === 'string') return { ok: false, message: button };
  if (verb === 'double') return { ok: true, step: { kind: 'double', button } };
  if (verb === 'long') return { ok: true, step: { kind: 'press', button, holdMs: LONG_PRESS_HOLD_MS } };
  if (args[1] === undefined) return { ok: true, step: { kind: 'press', button, holdMs: SHORT_PRESS_MS } };
  const holdMs = parseDuration(args[1]);
  if (typeof holdMs === 'string') return { ok: false, message: holdMs };
  if (holdMs === 0) return { ok: false, message: `a press must last at least 1ms, got "${args[1]}"` };
  return { ok: true, step: { kind: 'press', button, holdMs } };
}

/** Parses a whole script; reports every bad line, each with its 1-based line number. */
export function parseScript(text: string, options: ScriptOptions = {}): ParseScriptResult {
  const steps: ScriptLine[] = [];
  const problems: ScriptProblem[] = [];
  text.split(/\r?\n/).forEach((source, index) => {
    const result = parseStep(source, options);
    if (!result.ok) problems.push({ line: index + 1, message: result.message });
    else if (result.step !== undefined)
      steps.push({ line: index + 1, text: source.trim(), step: result.step });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, steps };
}

/** `script.txt:3: unknown step ...`, one line per problem. */
export function formatScriptProblems(fileName: string, problems: readonly ScriptProblem[]): string {
  return problems.map((problem) => `${fileName}:${problem.line}: ${problem.message}`).join('\n');
}

/** The buttons a script presses, for checking against the remote's button count. */
export function buttonOf(step: ScriptStep): number | undefined {
  return step.kind === 'press' || step.kind === 'double' ? step.button : undefined;
}

/** How long a step takes to play, in ms (for a script's total). */
export function stepDurationMs(step: ScriptStep): number {
  switch (step.kind) {
    case 'press':
      return step.holdMs;
    case 'double':
      return 2 * DOUBLE_PRESS_MS + DOUBLE_GAP_MS;
    case 'wait':
      return step.ms;
    default:
      return 0;
  }
}

function stripComment(args: readonly string[]): string[] {
  const index = args.findIndex((arg) => arg.startsWith('#'));
  return index === -1 ? [...args] : args.slice(0, index);
}

function parseButton(token: string): number | string {
  if (!/^\d+$/.test(token) || Number(token) < MIN_BUTTON || Number(token) > MAX_BUTTON) {
    return `expected a button number ${MIN_BUTTON}..${MAX_BUTTON}, got "${token}"`;
  }
  return Number(token);
}

/** `90ms`, `1.5s`, `2s` -> milliseconds (whole); a message for anything else. */
export function parseDuration(token: string): number | string {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(token);
  if (match === null) {
    return `expected a duration with its unit like 90ms or 1.5s, got "${token}"`;
  }
  const ms = Math.round(Number(match[1]) * (match[2] === 's' ? 1000 : 1));
  if (ms > MAX_STEP_MS) return `expected a duration of at most 1 hour, got "${token}"`;
  return ms;
}
