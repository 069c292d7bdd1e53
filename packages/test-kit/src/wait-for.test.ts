import { describe, expect, it } from 'vitest';
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
});
