/**
 * A bound on gateway requests in flight at once, across every lane: `run` waits for a free
 * slot, then holds it for exactly one request. Waiters are served first come, first served.
 */
export class SendSlots {
  readonly #limit: number;
  #busy = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  get busy(): number {
    return this.#busy;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#busy >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#busy += 1;
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter: `busy` stays as it is.
      if (next === undefined) this.#busy -= 1;
      else next();
    }
  }
}
