import { describe, expect, it } from 'vitest';
import { invocationDir } from './invocation-dir.js';

describe('invocationDir', () => {
  it("is INIT_CWD under a package manager's script, the process directory otherwise", () => {
    const script = { INIT_CWD: '/home/me/remotes', npm_lifecycle_event: 'pressgate' };
    expect(invocationDir(script, '/repo')).toBe('/home/me/remotes');
    expect(invocationDir({ INIT_CWD: '/home/me/remotes' }, '/repo')).toBe('/repo');
    expect(invocationDir({ npm_lifecycle_event: 'pressgate' }, '/repo')).toBe('/repo');
    expect(invocationDir({ INIT_CWD: 'relative', npm_lifecycle_event: 'pressgate' }, '/repo')).toBe('/repo');
  });
});
