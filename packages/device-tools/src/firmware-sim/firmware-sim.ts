/**
 * Drives the reference firmware running in simavr: spawns the harness, waits until its
 * pseudo-terminal link is served, and changes button pin levels on the simulated chip. A host
 * opens `linkPath` like the serial port of a real board. See docs/architecture.md, "Parts".
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { PressgateError } from '@pressgate/protocol';
import { FIRMWARE_DEBIAN_PACKAGES } from './firmware-paths.js';

export type FirmwareSimOptions = {
  /** The compiled harness, `build/firmware/pressgate-sim`. */
  harnessPath: string;
  /** The atmega328p build of the reference firmware. */
  elfPath: string;
  /** Where the harness links its pseudo-terminal. */
  linkPath: string;
  /** Uno pin numbers of buttons 1..n, as set in the sketch (default 2, 3, 4, 5). */
  pins?: readonly number[];
  /** How long the harness may take to serve the link (default 10000). */
  readyTimeoutMs?: number;
  /** How long `stop()` waits for the harness to quit before killing it (default 3000). */
  stopTimeoutMs?: number;
  /** Called for every line the firmware ends with `\n`, when its last byte leaves the UART. */
  onLineWritten?: (at: SimInstant) => void;
  /** Called when a host opens the link (true) or closes it (false). */
  onHostChange?: (open: boolean) => void;
  /** Called if the harness exits by itself (not through `stop()`): the link is gone. */
  onExit?: (error: PressgateError) => void;
};

/**
 * A moment in the simulator: `cycle` of the simulated chip (16 MHz), and `hostNs`, the host's
 * monotonic clock (`process.hrtime.bigint()`) when the harness saw it.
 */
export type SimInstant = { cycle: number; hostNs: bigint };

/** The clock of the simulated atmega328p. */
export const SIM_FREQUENCY_HZ = 16_000_000;

/** Simulated milliseconds between two cycles. */
export function simMsBetween(from: number, to: number): number {
  return ((to - from) * 1000) / SIM_FREQUENCY_HZ;
}

export type PinChangeOptions = {
  /**
   * Contact bounce (integer ms, 0..1000): the level changes, flips back after half of it and
   * changes again at its end, in simulated time, as a real switch does; the edge is the first
   * transition. 0 (default): a clean edge. A later change of the same button cancels the rest.
   */
  bounceMs?: number;
};

const DEFAULT_READY_TIMEOUT_MS = 10_000;
const DEFAULT_STOP_TIMEOUT_MS = 3_000;
/** Longest line the harness writes on stdout that we keep waiting for its end. */
const MAX_PENDING_OUTPUT = 4096;
const MAX_BOUNCE_MS = 1000;
/** Longest `wait` the harness takes (one hour). */
const MAX_WAIT_MS = 3_600_000;

type Waiter = { resolve: (at: SimInstant) => void; reject: (error: Error) => void };
type ReadyWaiter = { resolve: () => void; reject: (error: Error) => void };

function simError(
  what: 'COMMAND' | 'EXITED' | 'MISSING' | 'START' | 'STATE',
  message: string,
  cause?: unknown,
): PressgateError {
  return new PressgateError(`ERR_FIRMWARE_SIM_${what}`, message, { cause });
}

/** `ok <cycle> <ns>` or `tx <cycle> <ns>` from the harness. */
function instantOf(line: string): SimInstant {
  const [, cycle = '0', ns = '0'] = line.split(' ');
  return { cycle: Number(cycle), hostNs: /^\d+$/.test(ns) ? BigInt(ns) : 0n };
}

/** The reference firmware in simavr. `start(signal)` once; `stop()` is idempotent. */
export class FirmwareSim {
  readonly linkPath: string;
  readonly #options: FirmwareSimOptions;
  #child: ChildProcessWithoutNullStreams | undefined;
  #exited: Promise<number | null> | undefined;
  #stdout = '';
  #stderr = '';
  #ready: ReadyWaiter | undefined;
  /** Commands sent and not yet acknowledged, oldest first. */
  readonly #acks: Waiter[] = [];
  #stopping: Promise<void> | undefined;
  #hostOpen = false;
  /** Commands not yet written to the harness. */
  #outbox = '';

  constructor(options: FirmwareSimOptions) {
    this.#options = options;
    this.linkPath = options.linkPath;
  }

  /** Whether a host has the link open now. */
  get hostOpen(): boolean {
    return this.#hostOpen;
  }

  /** Spawn the harness and resolve once it serves `linkPath`. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#child !== undefined) throw simError('STATE', 'FirmwareSim.start() may be called once');
    signal?.throwIfAborted();
    for (const path of [this.#options.harnessPath, this.#options.elfPath]) {
      try {
        await access(path, path === this.#options.harnessPath ? constants.X_OK : constants.R_OK);
      } catch (error) {
        throw simError(
          'MISSING',
          `${path} is missing: run \`pnpm firmware:build\` (it needs the Debian packages ` +
            `${FIRMWARE_DEBIAN_PACKAGES.join(' ')})`,
          error,
        );
      }
    }
    const args = ['--elf', this.#options.elfPath, '--link', this.linkPath];
    if (this.#options.pins !== undefined) args.push('--pins', this.#options.pins.join(','));
    if (this.#options.onLineWritten !== undefined) args.push('--trace', '1');
    const child = spawn(this.#options.harnessPath, args, { stdio: 'pipe' });
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null)); // never started: there will be no exit
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.#onStdout(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-MAX_PENDING_OUTPUT);
    });
    child.once('error', (error) => {
      this.#ready?.reject(
        simError('START', `cannot run ${this.#options.harnessPath}: ${error.message}`, error),
      );
    });
    child.stdin.on('error', () => {
      // The harness went away; `exit` below fails what waits on it.
    });
    child.once('exit', (code, sig) => {
      const error = simError(
        'EXITED',
        `the firmware simulator exited (${sig ?? `code ${code}`}): ${this.#stderr.trim() || 'no output'}`,
      );
      this.#ready?.reject(error);
      for (const waiter of this.#acks.splice(0)) waiter.reject(error);
      if (this.#stopping === undefined) this.#options.onExit?.(error);
    });

    const readyTimeoutMs = this.#options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const ready = new Promise<void>((resolve, reject) => {
      this.#ready = { resolve, reject };
    });
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([
        ready,
        delay(readyTimeoutMs, undefined, { signal: abort.signal }).then(() => {
          throw simError(
            'START',
            `the firmware simulator did not serve ${this.linkPath} within ${readyTimeoutMs} ms`,
          );
        }),
      ]);
    } catch (error) {
      await this.stop();
      throw signal?.aborted ? signal.reason : error;
    } finally {
      abort.abort();
      signal?.removeEventListener('abort', onAbort);
      this.#ready = undefined;
    }
  }

  /**
   * Button `button` (1-based) goes down: its pin low. Resolves with the moment the chip's pin
   * changed. Commands run in the order sent, so several may be sent without waiting between.
   */
  press(button: number, options: PinChangeOptions = {}): Promise<SimInstant> {
    return this.#change(button, 0, options.bounceMs ?? 0);
  }

  /** Button `button` (1-based) comes up: its pin high. */
  release(button: number, options: PinChangeOptions = {}): Promise<SimInstant> {
    return this.#change(button, 1, options.bounceMs ?? 0);
  }

  /**
   * Let the chip run `ms` of simulated time before the commands sent after this one; resolves
   * when it has. A sequence sent in one go keeps its timing even when the host is too busy to
   * run the simulator in real time.
   */
  wait(ms: number): Promise<SimInstant> {
    if (!Number.isInteger(ms) || ms < 0 || ms > MAX_WAIT_MS) {
      return Promise.reject(simError('COMMAND', `wait expects an integer 0..${MAX_WAIT_MS} ms, got ${ms}`));
    }
    return this.#send(`wait ${ms}`);
  }

  /** Quit the harness (the link disappears), killing it if it does not quit in time. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined || this.#exited === undefined) return;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timeoutMs = this.#options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    child.stdin.end('quit\n');
    const quit = await Promise.race([this.#exited.then(() => true), delay(timeoutMs, false)]);
    if (quit) return;
    child.kill('SIGTERM');
    const terminated = await Promise.race([this.#exited.then(() => true), delay(timeoutMs, false)]);
    if (!terminated) {
      child.kill('SIGKILL');
      await this.#exited;
    }
  }

  async #change(button: number, level: 0 | 1, bounceMs: number): Promise<SimInstant> {
    if (!Number.isInteger(button) || button < 1 || button > 16) {
      throw simError('COMMAND', `button must be 1..16, got ${button}`);
    }
    if (!Number.isInteger(bounceMs) || bounceMs < 0 || bounceMs > MAX_BOUNCE_MS) {
      throw simError('COMMAND', `bounceMs must be an integer 0..${MAX_BOUNCE_MS}, got ${bounceMs}`);
    }
    // The harness times the bounce in simulated cycles: host timers are too coarse for it.
    return this.#send(bounceMs === 0 ? `${button} ${level}` : `${button} ${level} ${bounceMs}`);
  }

  #send(command: string): Promise<SimInstant> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null || this.#stopping) {
      return Promise.reject(simError('STATE', 'the firmware simulator is not running'));
    }
    return new Promise<SimInstant>((resolve, reject) => {
      this.#acks.push({ resolve, reject });
      // Commands sent in one synchronous run go out in one write, which the harness reads
      // whole: a hold between them then starts with the press, however busy this process is.
      if (this.#outbox === '') {
        queueMicrotask(() => {
          const text = this.#outbox;
          this.#outbox = '';
          child.stdin.write(text);
        });
      }
      this.#outbox += `${command}\n`;
    });
  }

  #onStdout(chunk: string): void {
    this.#stdout += chunk;
    for (;;) {
      const end = this.#stdout.indexOf('\n');
      if (end < 0) break;
      const line = this.#stdout.slice(0, end);
      this.#stdout = this.#stdout.slice(end + 1);
      if (line === `ready ${this.linkPath}`) this.#ready?.resolve();
      else if (line.startsWith('ok ')) this.#acks.shift()?.resolve(instantOf(line));
      else if (line.startsWith('tx ')) this.#options.onLineWritten?.(instantOf(line));
      else if (line === 'host open' || line === 'host closed') {
        this.#hostOpen = line === 'host open';
        this.#options.onHostChange?.(this.#hostOpen);
      } else if (line.startsWith('error ')) {
        this.#acks.shift()?.reject(simError('COMMAND', `the firmware simulator refused: ${line.slice(6)}`));
      }
      // Anything else is simavr talking about loading the firmware.
    }
    if (this.#stdout.length > MAX_PENDING_OUTPUT) this.#stdout = '';
  }
}
