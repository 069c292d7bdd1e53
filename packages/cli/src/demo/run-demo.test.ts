import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDemo } from './run-demo.js';

describe('runDemo without socat', () => {
  it('falls back to the in-process remote, says how to install socat, and still delivers the script', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const delivered = await runDemo({
      stdout,
      port: 0,
      once: true,
      verbose: false,
      signal: new AbortController().signal,
      socatPath: '/nonexistent/socat-for-pressgate-tests',
    });
    expect(delivered, out).toBe(true);
    expect(out).toContain('apt-get install socat');
    expect(out).toContain('simulated in-process');
    expect(out).toMatch(/button 2\s+long\s+-> Button\.LongPush\.2\s+delivered/);
    expect(out).toContain('6 gestures, 6 delivered');
  }, 30_000);
});
