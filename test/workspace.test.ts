import { GESTURES, PressgateError } from '@pressgate/protocol';
import { describe, expect, it } from 'vitest';

describe('workspace resolution', () => {
  it('resolves workspace packages to their TypeScript source in tests', () => {
    expect(GESTURES).toEqual(['single', 'double', 'long']);
    expect(new PressgateError('ERR_RELAY_STOPPED', 'x').code).toBe('ERR_RELAY_STOPPED');
  });
});
