/**
 * Plays the virtual remote's script steps on the reference firmware in simavr: a press changes
 * the button's pin level on the simulated chip (with contact bounce if asked), and every hold,
 * gap and wait runs in simulated time, so the firmware stamps the timing the script asks for
 * even when the host runs the simulator slower than real time.
 */
import { PressgateError } from '@pressgate/protocol';
import {
  DOUBLE_GAP_MS,
  DOUBLE_PRESS_MS,
  type ScriptLine,
  type ScriptProblem,
  type ScriptStep,
} from '../virtual-remote/script.js';
import { MIN_RELEASE_MS } from '../virtual-remote/virtual-remote.js';
import { type FirmwareSim, type SimInstant, simMsBetween } from './firmware-sim.js';

/** The buttons the reference sketch has (its BUTTON_PINS). */
export const FIRMWARE_BUTTONS = 4;
/** The device id the reference sketch is built with (its DEVICE_ID). */
export const FIRMWARE_DEVICE_ID = 'rmt-0001';

export type FirmwarePlayerOptions = {
  /** Contact bounce on every press and release, ms (0: clean edges). */
  bounceMs?: number;
};

/** Why a step cannot be played on the firmware, or undefined when it can. */
export function firmwareStepProblem(step: ScriptStep): string | undefined {
  if (step.kind === 'log' || step.kind === 'raw' || step.kind === 'hello') {
    return `"${step.kind}" writes a line itself, which the real firmware decides on its own: with --firmware use press, single, double, long, hold and wait`;
  }
  if ((step.kind === 'press' || step.kind === 'double') && step.button > FIRMWARE_BUTTONS) {
    return `button ${step.button} is above the firmware's ${FIRMWARE_BUTTONS} buttons`;
  }
  return undefined;
}

/** The problems of a parsed script for the firmware, with their line numbers. */
export function firmwareScriptProblems(script: readonly ScriptLine[]): ScriptProblem[] {
  return script.flatMap(({ line, step }) => {
    const message = firmwareStepProblem(step);
    return message === undefined ? [] : [{ line, message }];
  });
}

/** Plays steps on a started FirmwareSim, one at a time. */
export class FirmwarePlayer {
  readonly #sim: FirmwareSim;
  readonly #bounceMs: number;
  /** The cycle of each button's last release. */
  readonly #releasedAt = new Map<number, number>();
  /** The latest cycle the harness reported. */
  #cycle = 0;

  constructor(sim: FirmwareSim, options: FirmwarePlayerOptions = {}) {
    this.#sim = sim;
    this.#bounceMs = options.bounceMs ?? 0;
  }

  /** Resolves once the step has played on the chip (in simulated time); rejects on abort. */
  async play(step: ScriptStep, signal?: AbortSignal): Promise<void> {
    const problem = firmwareStepProblem(step);
    if (problem !== undefined) throw new PressgateError('ERR_FIRMWARE_SIM_COMMAND', problem);
    signal?.throwIfAborted();
    let steps: Promise<SimInstant>[];
    switch (step.kind) {
      case 'press':
        steps = this.#press(step.button, step.holdMs);
        break;
      case 'double':
        steps = [
          ...this.#press(step.button, DOUBLE_PRESS_MS),
          this.#sim.wait(DOUBLE_GAP_MS),
          ...this.#press(step.button, DOUBLE_PRESS_MS, true),
        ];
        break;
      default:
        steps = [this.#sim.wait(step.kind === 'wait' ? step.ms : 0)];
    }
    const done = Promise.all(steps).then((instants) => {
      this.#cycle = Math.max(this.#cycle, ...instants.map((at) => at.cycle));
      if (step.kind === 'press' || step.kind === 'double') {
        this.#releasedAt.set(step.button, instants.at(-1)?.cycle ?? this.#cycle);
      }
    });
    if (signal === undefined) return done;
    // Commands already sent play on; the caller stops the simulator when it aborts.
    done.catch(() => {});
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      done.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /**
   * Down, hold, up. A finger needs time to come back: a button released less than
   * MIN_RELEASE_MS ago (in simulated time) waits for the rest first, as the virtual remote does.
   */
  #press(button: number, holdMs: number, afterGap = false): Promise<SimInstant>[] {
    const bounce = this.#bounceMs > 0 ? { bounceMs: this.#bounceMs } : {};
    const released = this.#releasedAt.get(button);
    const restMs =
      afterGap || released === undefined
        ? 0
        : Math.ceil(MIN_RELEASE_MS - simMsBetween(released, this.#cycle));
    return [
      ...(restMs > 0 ? [this.#sim.wait(restMs)] : []),
      this.#sim.press(button, bounce),
      this.#sim.wait(holdMs),
      this.#sim.release(button, bounce),
    ];
  }
}
