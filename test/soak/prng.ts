/**
 * A small seeded PRNG (mulberry32) so a soak run is reproducible from the seed it prints.
 */
export type Prng = {
  readonly seed: number;
  /** In [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One of `items`, each weighted by its `weight`. */
  weighted<T extends { weight: number }>(items: readonly T[]): T;
  chance(probability: number): boolean;
};

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    seed: seed >>> 0,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    weighted: (items) => {
      const total = items.reduce((sum, item) => sum + item.weight, 0);
      let roll = next() * total;
      for (const item of items) {
        roll -= item.weight;
        if (roll < 0) return item;
      }
      const last = items.at(-1);
      if (last === undefined) throw new Error('weighted() needs at least one item');
      return last;
    },
    chance: (probability) => next() < probability,
  };
}

/** The seed from SOAK_SEED, or a fresh one. */
export function soakSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.SOAK_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
      throw new Error(`SOAK_SEED must be an integer from 0 to 4294967295; got ${given}`);
    }
    return seed;
  }
  return Math.floor(Math.random() * 0x1_0000_0000);
}

/** The soak's length from SOAK_SECONDS; default 10. */
export function soakSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.SOAK_SECONDS;
  if (given === undefined || given === '') return 10;
  const seconds = Number(given);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3_600) {
    throw new Error(`SOAK_SECONDS must be a number of seconds from 1 to 3600; got ${given}`);
  }
  return seconds;
}
