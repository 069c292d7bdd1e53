import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/**
 * How long a connection opened ahead waits for a send before it is closed. A gesture is
 * decided within about a second of its first press (longPressMs, or a release + doublePressMs);
 * servers close connections that stay silent much longer.
 */
export const WARM_CONNECTION_TTL_MS = 5_000;

/** Same default as undici's own connector: 10 s to connect (and for TLS, to shake hands). */
const CONNECT_TIMEOUT_MS = 10_000;

type Ready = { socket: Socket; timer: NodeJS.Timeout; onIdleError: () => void };

/**
 * The gateway pool's connector, able to open one connection ahead of a send.
 *
 * A remote is pressed rarely, so by the next press the pool's keep-alive connection to Amazon
 * has usually closed, and the send would first pay DNS, TCP and TLS: several round trips the
 * person waits for. The listener sees the press begin (the button's `D` edge) well before the
 * gesture is decided (at least the press itself, a release + doublePressMs for a single), so the
 * relay calls `open()` then, and the connection is ready when the event goes. undici asks this
 * connector for a socket whenever a pool connection (re)connects; `connect` hands over the
 * ready one if it is still open, else connects as undici would. See docs/architecture.md,
 * "Delivery and ordering".
 *
 * At most one connection is held ready, for at most `ttlMs`; a failed or expired one costs
 * nothing but the attempt: the send then connects as it always did.
 */
export class WarmConnector {
  readonly #base: buildConnector.connector;
  readonly #target: buildConnector.Options;
  readonly #ttlMs: number;
  #ready: Ready | undefined;
  #opening = false;
  #closed = false;
  #opened = 0;
  #used = 0;

  constructor(url: URL, ttlMs = WARM_CONNECTION_TTL_MS) {
    this.#base = buildConnector({ timeout: CONNECT_TIMEOUT_MS });
    const defaultPort = url.protocol === 'https:' ? '443' : '80';
    this.#target = {
      host: url.host,
      hostname: url.hostname,
      protocol: url.protocol,
      port: url.port === '' ? defaultPort : url.port,
    };
    this.#ttlMs = ttlMs;
  }

  /** undici's `connect` option: the ready connection when there is one, else a new one. */
  readonly connect = (options: buildConnector.Options, callback: buildConnector.Callback): void => {
    const socket = this.#take();
    if (socket !== undefined) {
      this.#used += 1;
      // Asynchronously, as a fresh connect would answer: undici starts the request on its own
      // next turn and does not expect the socket while it is still asking for it.
      process.nextTick(callback, null, socket);
      return;
    }
    this.#base(options, callback);
  };

  /** Connections started ahead, how many of them a send used, and whether one is ready now. */
  get stats(): { opened: number; used: number; ready: boolean } {
    return { opened: this.#opened, used: this.#used, ready: this.#ready !== undefined };
  }

  /** Opens one connection ahead, unless one is ready or on its way. Never throws. */
  open(): void {
    if (this.#closed || this.#opening || this.#ready !== undefined) return;
    this.#opening = true;
    this.#opened += 1;
    this.#base(this.#target, (error, socket) => {
      this.#opening = false;
      // A failed warm-up is not an error anyone needs: the send will connect and report.
      if (error !== null || socket === null) return;
      if (this.#closed) {
        socket.destroy();
        return;
      }
      this.#hold(socket);
    });
  }

  close(): void {
    this.#closed = true;
    this.#discard();
  }

  #hold(socket: Socket): void {
    const onIdleError = (): void => this.#discard();
    const timer = setTimeout(() => this.#discard(), this.#ttlMs);
    timer.unref();
    socket.on('error', onIdleError);
    socket.once('close', onIdleError);
    this.#ready = { socket, timer, onIdleError };
  }

  /**
   * The ready socket, if it is still open; it leaves the stash either way. (The pool connects
   * only to its own origin, the one the socket was opened to.)
   */
  #take(): Socket | undefined {
    const ready = this.#release();
    if (ready === undefined) return undefined;
    if (!ready.destroyed && ready.writable && !ready.readableEnded) return ready;
    ready.destroy();
    return undefined;
  }

  /** Takes the ready socket out of the stash, with the stash's listeners and timer removed. */
  #release(): Socket | undefined {
    const ready = this.#ready;
    if (ready === undefined) return undefined;
    this.#ready = undefined;
    clearTimeout(ready.timer);
    ready.socket.off('error', ready.onIdleError);
    ready.socket.off('close', ready.onIdleError);
    return ready.socket;
  }

  #discard(): void {
    this.#release()?.destroy();
  }
}
