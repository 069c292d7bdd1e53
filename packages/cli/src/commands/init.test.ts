import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { openPtyPair, VirtualRemote } from '@pressgate/device-tools';
import { UUID_V4_PATTERN } from '@pressgate/protocol';
import { captureIo, freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../cli.js';
import { loadConfigFile } from '../config-file.js';
import { checkCommand } from './check.js';
import { initCommand } from './init.js';
import { parseGestures } from './init-ask.js';

const SECRETS = {
  PRESSGATE_CLIENT_ID: 'amzn1.application-oa2-client.test',
  PRESSGATE_CLIENT_SECRET: 'test-client-secret',
  PRESSGATE_DIRECTIVE_SECRET: 'directive-secret-0123456789',
};

async function remoteOnPty(dir: string, buttons = 4) {
  const paths = { hostPath: join(dir, 'ttyREMOTE'), devicePath: join(dir, 'device') };
  const pair = await openPtyPair(paths);
  onTestFinished(() => pair.kill());
  const remote = new VirtualRemote({
    path: pair.devicePath,
    deviceId: 'rmt-desk',
    firmware: '1.2.3',
    buttons,
  });
  onTestFinished(() => remote.stop());
  await remote.start();
  return { port: paths.hostPath, remote };
}

/** `check` on the written file, as a person would run it once the secrets are set. */
async function check(file: string, cwd: string) {
  const io = captureIo({ env: SECRETS, cwd });
  const code = await runCli(['check', '--config', file], io, [checkCommand]);
  return { code, out: io.out(), err: io.err() };
}

describe('pressgate init, interactive: a real pty remote and answers piped to stdin', () => {
  it('finds the remote, takes the numbering from presses, asks gestures and a name, writes a file check accepts', async () => {
    const dir = await freshDir('pressgate-init-');
    const { port, remote } = await remoteOnPty(dir);
    const stdin = new PassThrough();
    const io = captureIo({ cwd: dir, stdin, env: {} });
    const exit = runCli(['init', '--port', 'ttyREMOTE'], io, [initCommand]);
    const seen = () => io.out() + io.err();
    const after = (text: string) =>
      waitFor(`output containing ${JSON.stringify(text)}`, () => io.out().includes(text), seen);

    await after('This one is a pressgate remote: device id rmt-desk, firmware 1.2.3, 4 buttons.');
    await after('Press the first button...');
    await remote.press(3);
    await after('Press the second button...');
    await remote.press(3); // the same one again is not taken twice
    await after('that was button 3, already named; press another.');
    await remote.press(1);
    await after('Press the third button...');
    stdin.write('\n'); // the rest in the remote's own order
    await after('Gestures for the first button (button 3)');
    stdin.write('sl\n');
    await after('Gestures for the second button (button 1)');
    stdin.write('\n');
    await after('Gestures for the third button (button 2)');
    stdin.write('double\n');
    await after('Gestures for the fourth button (button 4)');
    stdin.write('bogus\n');
    await after('Type gesture names or letters');
    stdin.write('long\n');
    await after('What should the Alexa app call this remote?');
    stdin.write('Desk remote\n');

    expect(await exit).toBe(0);
    expect(io.out()).toContain('Wrote pressgate.yaml: remote desk-remote');
    const file = join(dir, 'pressgate.yaml');
    const text = await readFile(file, 'utf8');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the file's own ${VAR} syntax
    expect(text).toContain('clientSecret: ${PRESSGATE_CLIENT_SECRET}');
    expect(text).toContain(`path: ${JSON.stringify(port)}`);

    const checked = await check('pressgate.yaml', dir);
    expect(checked.err).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.out).toContain('OK: 1 remote, 4 buttons, 7 gestures mapped');

    const loaded = await loadConfigFile(file, SECRETS);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const [desk] = loaded.config.remotes;
    expect(desk?.endpoint.friendlyName).toBe('Desk remote');
    const byButton = new Map(desk?.buttons.map((button) => [button.button, button]));
    expect(byButton.get(3)?.names).toEqual([{ asset: 'Alexa.Button.FirstButton' }]);
    expect(byButton.get(1)?.names).toEqual([{ asset: 'Alexa.Button.SecondButton' }]);
    expect(byButton.get(2)?.names).toEqual([{ asset: 'Alexa.Button.ThirdButton' }]);
    expect(byButton.get(4)?.names).toEqual([{ asset: 'Alexa.Button.FourthButton' }]);
    expect(Object.keys(byButton.get(3)?.gestures ?? {})).toEqual(['single', 'long']);
    expect(Object.keys(byButton.get(1)?.gestures ?? {})).toEqual(['single', 'double', 'long']);
    expect(byButton.get(2)?.gestures.double?.id).toBe('Button.DoublePush.2');
    expect(Object.keys(byButton.get(4)?.gestures ?? {})).toEqual(['long']);
    const instances = desk?.buttons.map((button) => button.instance) ?? [];
    expect(new Set(instances).size).toBe(4);
    for (const instance of instances) expect(instance).toMatch(UUID_V4_PATTERN);
  });

  it('stops on Ctrl-C (the abort signal) while waiting for a press, and writes nothing', async () => {
    const dir = await freshDir('pressgate-init-');
    await remoteOnPty(dir);
    const shutdown = new AbortController();
    const io = captureIo({ cwd: dir, stdin: new PassThrough(), signal: shutdown.signal });
    const exit = runCli(['init', '--port', 'ttyREMOTE'], io, [initCommand]);
    await waitFor(
      'the first press to be asked for',
      () => io.out().includes('Press the first button...'),
      () => io.out() + io.err(),
    );
    shutdown.abort(new Error('received SIGINT'));
    expect(await exit).toBe(1);
    expect(io.err()).toContain('pressgate init: stopped; nothing written.');
    await expect(readFile(join(dir, 'pressgate.yaml'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('asks before replacing a file, and leaves it alone on no', async () => {
    const dir = await freshDir('pressgate-init-');
    const file = join(dir, 'mine.yaml');
    await writeFile(file, 'relay: {}\n');
    const stdin = new PassThrough();
    const io = captureIo({ cwd: dir, stdin });
    const exit = runCli(['init', '--config', 'mine.yaml', '--port', 'nowhere'], io, [initCommand]);
    await waitFor(
      'the question whether to replace mine.yaml',
      () => io.out().includes('mine.yaml exists. Replace it'),
      () => io.out() + io.err(),
    );
    stdin.write('n\n');
    expect(await exit).toBe(2);
    expect(io.out()).toContain('Left mine.yaml as it is; nothing written.');
    expect(await readFile(file, 'utf8')).toBe('relay: {}\n');
  });

  it('says what is wrong with a port that is not a remote, and writes nothing', async () => {
    const dir = await freshDir('pressgate-init-');
    const io = captureIo({ cwd: dir, stdin: new PassThrough() });
    expect(await runCli(['init', '--port', join(dir, 'ttyNONE')], io, [initCommand])).toBe(1);
    expect(io.err()).toMatch(/ERR_SERIAL_\w+/);
    expect(io.err()).toContain('pressgate doctor --port');
    await expect(readFile(join(dir, 'pressgate.yaml'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('pressgate init --yes', () => {
  it('writes N buttons with every gesture without asking, refuses to replace, and replaces with --force', async () => {
    const dir = await freshDir('pressgate-init-');
    const args = ['init', '--yes', '--buttons', '5', '--port', '/dev/ttyACM0'];
    const first = captureIo({ cwd: dir });
    expect(await runCli(args, first, [initCommand])).toBe(0);
    const checked = await check(join(dir, 'pressgate.yaml'), dir);
    expect(checked.code).toBe(0);
    expect(checked.out).toContain('OK: 1 remote, 5 buttons, 15 gestures mapped');
    const before = await readFile(join(dir, 'pressgate.yaml'), 'utf8');
    expect(before).toContain('names: [{ asset: Alexa.Button.FifthButton }]');

    const again = captureIo({ cwd: dir });
    expect(await runCli(args, again, [initCommand])).toBe(2);
    expect(again.err()).toContain('pressgate.yaml exists; --yes never replaces a file.');
    expect(await readFile(join(dir, 'pressgate.yaml'), 'utf8')).toBe(before);

    const forced = captureIo({ cwd: dir });
    expect(await runCli([...args, '--force'], forced, [initCommand])).toBe(0);
    expect(await readFile(join(dir, 'pressgate.yaml.bak'), 'utf8')).toBe(before);
    const after = await readFile(join(dir, 'pressgate.yaml'), 'utf8');
    expect(after).not.toBe(before); // new instances
    expect((await check('pressgate.yaml', dir)).code).toBe(0);
  });

  it('names buttons past the eighth with text, and needs --buttons', async () => {
    const dir = await freshDir('pressgate-init-');
    const io = captureIo({ cwd: dir });
    expect(await runCli(['init', '-y', '--buttons', '9', '--port', 'tty0'], io, [initCommand])).toBe(0);
    const text = await readFile(join(dir, 'pressgate.yaml'), 'utf8');
    expect(text).toContain('names: [{ text: "Button 9", locale: en-US }]');
    expect((await check('pressgate.yaml', dir)).code).toBe(0);

    const missing = captureIo({ cwd: dir });
    expect(await runCli(['init', '--yes'], missing, [initCommand])).toBe(2);
    expect(missing.err()).toContain('--yes needs --buttons N');
    const tooMany = captureIo({ cwd: dir });
    expect(await runCli(['init', '--yes', '--buttons', '17'], tooMany, [initCommand])).toBe(2);
    expect(tooMany.err()).toContain('--buttons expects 1..16, got 17');
  });
});

describe('parseGestures', () => {
  it('reads names, letters and the empty default, and refuses anything else', () => {
    expect(parseGestures('')).toEqual(['single', 'double', 'long']);
    expect(parseGestures('long, single')).toEqual(['single', 'long']);
    expect(parseGestures('dl')).toEqual(['double', 'long']);
    expect(parseGestures('tap')).toBeUndefined();
  });
});
