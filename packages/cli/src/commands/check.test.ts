import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { captureIo, freshDir } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const EXAMPLE = new URL('../../../../examples/pressgate.yaml', import.meta.url).pathname;
const ENV = {
  PRESSGATE_CLIENT_ID: 'amzn1.application-oa2-client.example',
  PRESSGATE_CLIENT_SECRET: 'example-client-secret-value',
  PRESSGATE_DIRECTIVE_SECRET: 'example-directive-secret-value',
};

async function writeConfig(text: string): Promise<string> {
  const dir = await freshDir('pressgate-check-');
  const file = join(dir, 'pressgate.yaml');
  await writeFile(file, text);
  return file;
}

describe('pressgate check', () => {
  it('exits 0 with a one-line summary for the example config', async () => {
    const io = captureIo({ env: ENV });
    expect(await runCli(['check', '--config', EXAMPLE], io)).toBe(0);
    expect(io.out()).toMatch(/pressgate\.yaml: OK: 1 remote, 4 buttons, \d+ gestures mapped/);
    expect(io.err()).toBe('');
  });

  it('exits 2 and lists every problem with its key path and line', async () => {
    const file = await writeConfig(
      [
        'alexa:',
        '  region: XX',
        '  clientId: id',
        '  clientSecret: secret',
        'directives:',
        '  secret: a-long-enough-directive-secret',
        'remotes:',
        '  - id: den',
        '    serial: { path: /dev/ttyACM0 }',
        '    endpoint: { endpointId: den, friendlyName: Den }',
        '    buttons:',
        '      - button: 17',
        '        instance: not-a-uuid',
        '        names: [{ text: One, locale: en-US }]',
        '        gestures: { single: { id: Button.SinglePush.1 } }',
      ].join('\n'),
    );
    const io = captureIo({ env: {} });
    expect(await runCli(['check', '-c', file], io)).toBe(2);
    const report = io.err();
    expect(report).toContain('3 problems');
    expect(report).toMatch(/pressgate\.yaml:2:\d+ alexa\.region: /);
    expect(report).toMatch(/pressgate\.yaml:12:\d+ remotes\[0\]\.buttons\[0\]\.button: /);
    expect(report).toMatch(/pressgate\.yaml:13:\d+ remotes\[0\]\.buttons\[0\]\.instance: /);
    expect(io.out()).toBe('');
  });

  it('exits 2 with the fix when the file does not exist', async () => {
    const io = captureIo();
    expect(await runCli(['check', '--config', '/nonexistent/pressgate.yaml'], io)).toBe(2);
    expect(io.err()).toContain('/nonexistent/pressgate.yaml does not exist');
  });
});

describe('pressgate discovery', () => {
  it('prints a Discover.Response with one SimpleEventSource instance per button', async () => {
    const io = captureIo({ env: ENV });
    expect(await runCli(['discovery', '--config', EXAMPLE], io)).toBe(0);
    const response = JSON.parse(io.out());
    expect(response.event.header).toMatchObject({
      namespace: 'Alexa.Discovery',
      name: 'Discover.Response',
      payloadVersion: '3',
    });
    const [endpoint] = response.event.payload.endpoints;
    expect(endpoint.endpointId).toBe('living-room-remote');
    expect(endpoint.displayCategories).toEqual(['REMOTE']);
    const sources = endpoint.capabilities.filter(
      (capability: { interface: string }) => capability.interface === 'Alexa.SimpleEventSource',
    );
    expect(sources.map((source: { instance: string }) => source.instance)).toContain(
      '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
    );
    expect(sources[0].configuration.supportedEvents.map((event: { id: string }) => event.id)).toEqual([
      'Button.SinglePush.1',
      'Button.DoublePush.1',
      'Button.LongPush.1',
    ]);
  });

  it('exits 2 on a broken config, printing nothing on stdout', async () => {
    const file = await writeConfig('alexa: { clientId: a, clientSecret: b }\nremotes: 3\n');
    const io = captureIo({ env: ENV });
    expect(await runCli(['discovery', '--config', file], io)).toBe(2);
    expect(io.err()).toContain('remotes');
    expect(io.out()).toBe('');
  });

  it('needs none of the Alexa secrets: it sends nothing to Amazon', async () => {
    const io = captureIo({ env: {} });
    expect(await runCli(['discovery', '--config', EXAMPLE], io)).toBe(0);
    expect(io.err()).toBe('');
    expect(JSON.parse(io.out()).event.header.name).toBe('Discover.Response');
  });
});
