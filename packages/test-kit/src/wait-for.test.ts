import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const value = await waitFor('the third call', () => (++calls >= 3 ? `call ${calls}` : false));
    expect(value).toBe('call 3');
  });

  it('awaits an async check', async () => {
    await expect(waitFor('a promise', async () => 42)).resolves.toBe(42);
  });

  it('names what it waited for and what it saw when time runs out', async () => {
    await expect(
      waitFor(
        'a green light',
        () => undefined,
        () => ({ light: 'red' }),
        30,
      ),
    ).rejects.toThrow(/waiting for a green light; saw: {"light":"red"}/);
  });

  describe('while the test fakes the clock', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('keeps polling with only setTimeout faked', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      let calls = 0;
      await expect(waitFor('the third call', () => ++calls >= 3)).resolves.toBe(true);
    });

    it('times out in real time with every timer and the performance clock faked', async () => {
      vi.useFakeTimers();
      const fakedNowMs = performance.now();
      await expect(waitFor('nothing', () => undefined, undefined, 30)).rejects.toThrow(
        /timed out after 30 ms waiting for nothing/,
      );
      // The clock the test sees did not move: the deadline came from the real one.
      expect(performance.now()).toBe(fakedNowMs);
    });
  });
});
