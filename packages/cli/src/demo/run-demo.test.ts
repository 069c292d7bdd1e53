import { PassThrough } from 'node:stream';
import { isPressgateError } from '@pressgate/protocol';
import { captureIo } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { demoCommand } from '../commands/demo.js';
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

describe('pressgate demo --mqtt', () => {
  it('--mqtt --once links through a local mosquitto, says the directives came over MQTT, and delivers the script', async () => {
    const io = captureIo();
    const code = await runCli(['demo', '--mqtt', '--once'], io, [demoCommand]);
    expect({ code, err: io.err() }, io.out()).toEqual({ code: 0, err: '' });
    expect(io.out()).toMatch(/broker {4}mqtt:\/\/127\.0\.0\.1:\d+ {2}\(mosquitto/);
    expect(io.out()).toContain('linked    AcceptGrant accepted; the emulator discovered 1 endpoint');
    // The relay's own count: AcceptGrant and Discover, answered on its directive topic.
    expect(io.out()).toContain(
      'directives came over MQTT: the relay answered 2 on pressgate/demo/directives (connection connected)',
    );
    expect(io.out()).toContain('6 gestures, 6 delivered');
  }, 60_000);

  it('without mosquitto says which package to install, before starting anything', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const error = await runDemo({
      stdout,
      port: 0,
      once: true,
      verbose: false,
      signal: new AbortController().signal,
      mqtt: true,
      mosquittoPaths: ['/nonexistent/mosquitto-for-pressgate-tests'],
    }).catch((caught: unknown) => caught);
    expect(isPressgateError(error, 'ERR_DEMO_MOSQUITTO_MISSING'), String(error)).toBe(true);
    expect(String(error)).toContain('sudo apt-get install mosquitto');
    expect(out).toBe('');
  });
});
