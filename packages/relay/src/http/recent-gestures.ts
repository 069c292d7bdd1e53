import type { RelayCore, RelayEvent } from '../ports.js';

/** How many gestures /v1/status keeps for the status page's first paint. */
export const DEFAULT_RECENT_GESTURES = 20;

export type RecentGesture = Omit<Extract<RelayEvent, { type: 'gesture' }>, 'type'>;

/**
 * The last gestures that reached the relay (mapped or not), newest first, in a bounded ring fed
 * by the core's events since this process started, so a page opened now shows what just happened.
 */
export class RecentGestures {
  readonly #core: RelayCore;
  readonly #limit: number;
  #items: RecentGesture[] = [];
  #unsubscribe: (() => void) | undefined;

  constructor(core: RelayCore, limit = DEFAULT_RECENT_GESTURES) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('expected a limit of at least 1');
    this.#core = core;
    this.#limit = limit;
  }

  start(): void {
    this.#unsubscribe ??= this.#core.subscribe((event) => {
      if (event.type !== 'gesture') return;
      const { type: _type, ...gesture } = event;
      this.#items = [gesture, ...this.#items.slice(0, this.#limit - 1)];
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Newest first, at most the limit. */
  list(): readonly RecentGesture[] {
    return this.#items;
  }
}
