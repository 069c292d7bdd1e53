import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { LineTap } from '@pressgate/device-tools';
import { type EdgeMessage, parseLine, type WireMessage } from '@pressgate/protocol';
import { captureIo, freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../cli.js';
import { simulateCommand } from './simulate.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs `pressgate simulate` in-process; aborted and awaited when the test finishes. */
function startSimulate(args: string[], stdin?: PassThrough) {
  const shutdown = new AbortController();
  const io = Object.assign(captureIo({ signal: shutdown.signal }), stdin ? { stdin } : {});
  const exit = runCli(['simulate', ...args], io, [simulateCommand]);
  onTestFinished(async () => {
    shutdown.abort();
    await exit;
  });
  return { io, exit, shutdown };
}

async function openTap(path: string): Promise<LineTap> {
  const tap = await LineTap.open(path);
  onTestFinished(() => tap.close());
  return tap;
}

function messagesOf(tap: LineTap): WireMessage[] {
  return tap.lines.map((line) => {
    const result = parseLine(line);
    if (!result.ok)
      throw new Error(`simulate sent an invalid line ${JSON.stringify(line)}: ${result.error.message}`);
    return result.message;
  });
}

const edges = (messages: WireMessage[]): EdgeMessage[] =>
  messages.filter((message): message is EdgeMessage => message.type === 'edge');

describe('pressgate simulate', () => {
  it('rejects a bad script with every problem and its line number, exit 2, before making a pty', async () => {
    const dir = await freshDir('pressgate-simulate-');
    const script = join(dir, 'bad.txt');
    await writeFile(script, '# demo\npress 1\npres 2\nwait 5\npress 5\n');
    const { io, exit } = startSimulate(['--script', script, '--link', join(dir, 'remote')]);
    expect(await exit).toBe(2);
    expect(io.err().trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${script}:3: unknown step "pres"`)),
      `${script}:4: expected a duration with its unit like 90ms or 1.5s, got "5"`,
      `${script}:5: button 5 is above this remote's 4 buttons: pass --buttons 5 or more`,
    ]);
    const missing = startSimulate(['--script', join(dir, 'nope.txt'), '--link', join(dir, 'remote')]);
    expect(await missing.exit).toBe(2);
    expect(missing.io.err()).toMatch(/cannot read the script .*nope\.txt: it does not exist/);
  });

  it('exits 2 on bad options', async () => {
    const buttons = startSimulate(['--buttons', '17']);
    expect(await buttons.exit).toBe(2);
    expect(buttons.io.err()).toContain('--buttons expects 1..16, got 17');
    const id = startSimulate(['--device-id', 'has space']);
    expect(await id.exit).toBe(2);
    expect(id.io.err()).toContain('--device-id expects');
  });

  it('plays a script on a pty once the host asks, with HELLO, increasing seq and device ms, real hold times', async () => {
    const dir = await freshDir('pressgate-simulate-');
    const link = join(dir, 'remote');
    const script = join(dir, 'demo.txt');
    await writeFile(script, 'press 1 90ms\nwait 100ms\ndouble 2\nhold 3 250ms # a hold\n');
    const { io, exit, shutdown } = startSimulate([
      '--link',
      link,
      '--script',
      script,
      '--device-id',
      'rmt-sim',
      '--checksum',
      '--keep-open',
    ]);
    await waitFor(
      "io.out().includes('waiting for a host')",
      () => io.out().includes('waiting for a host'),
      () => io.out() + io.err(),
    );
    expect(io.out()).toContain(`on ${link}`);
    expect(io.out()).toContain(`pressgate monitor --port ${link}`);
    const tap = await openTap(link);
    await tap.write('?');
    await waitFor(
      "io.out().includes('the remote stays up')",
      () => io.out().includes('the remote stays up'),
      () => io.out() + io.err() + JSON.stringify(tap.lines),
    );
    await waitFor(
      'edges(messagesOf(tap)).length >= 8',
      () => edges(messagesOf(tap)).length >= 8,
      () => JSON.stringify(tap.lines),
    );
    const messages = messagesOf(tap);
    expect(messages[0]).toEqual({
      type: 'hello',
      proto: 1,
      deviceId: 'rmt-sim',
      firmware: expect.any(String),
      buttons: 4,
    });
    expect(
      tap.lines.filter((line) => !line.startsWith('#')).every((line) => /\*[0-9A-F]{2}$/.test(line)),
    ).toBe(true);
    const pressed = edges(messages);
    expect(pressed.map((edge) => `${edge.button}${edge.edge}`)).toEqual([
      '1D',
      '1U',
      '2D',
      '2U',
      '2D',
      '2U',
      '3D',
      '3U',
    ]);
    const sequenced = messages.filter((message) => 'seq' in message) as { seq: number; ms: number }[];
    sequenced.slice(1).forEach((message, index) => {
      expect(message.seq).toBe((sequenced[index]?.seq ?? 0) + 1);
      expect(message.ms).toBeGreaterThanOrEqual(sequenced[index]?.ms ?? 0);
    });
    const held = (down: number) => (pressed[down + 1]?.ms ?? 0) - (pressed[down]?.ms ?? 0);
    expect(held(0)).toBeGreaterThanOrEqual(90);
    expect(held(0)).toBeLessThan(90 + 150);
    expect(held(6)).toBeGreaterThanOrEqual(250);
    expect(held(6)).toBeLessThan(250 + 150);
    // The gap inside `double` stays well inside a 300 ms double-press window.
    expect((pressed[4]?.ms ?? 0) - (pressed[3]?.ms ?? 0)).toBeLessThan(300);
    expect((pressed[2]?.ms ?? 0) - (pressed[1]?.ms ?? 0)).toBeGreaterThanOrEqual(100);

    const hellos = () => messagesOf(tap).filter((message) => message.type === 'hello').length;
    await tap.write('?');
    await waitFor(
      'hellos() === 2',
      () => hellos() === 2,
      () => JSON.stringify(tap.lines),
    );
    shutdown.abort();
    expect(await exit).toBe(0);
  });

  it('reads steps from stdin without a script, reports bad ones and goes on, quits on quit', async () => {
    const dir = await freshDir('pressgate-simulate-');
    const link = join(dir, 'remote');
    const stdin = new PassThrough();
    const { io, exit } = startSimulate(['--link', link, '--buttons', '2'], stdin);
    await waitFor(
      "io.out().includes('type a step')",
      () => io.out().includes('type a step'),
      () => io.out() + io.err(),
    );
    const tap = await openTap(link);
    stdin.write('jump 1\npress 3\npress 2 40ms\n');
    await waitFor(
      "io.out().includes('done: press 2 40ms')",
      () => io.out().includes('done: press 2 40ms'),
      () => io.out() + io.err(),
    );
    expect(io.err()).toContain('unknown step "jump"');
    expect(io.err()).toContain("button 3 is above this remote's 2 buttons");
    await waitFor(
      'edges(messagesOf(tap)).length === 2',
      () => edges(messagesOf(tap)).length === 2,
      () => JSON.stringify(tap.lines),
    );
    expect(edges(messagesOf(tap)).map((edge) => `${edge.button}${edge.edge}`)).toEqual(['2D', '2U']);
    stdin.write('quit\n');
    expect(await exit).toBe(0);
  });

  it('prints its usage from the real CLI: simulate --help exits 0', async () => {
    const child = spawn(
      'pnpm',
      ['exec', 'tsx', '--conditions=source', 'packages/cli/src/main.ts', 'simulate', '--help'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('Usage: pressgate simulate [--link PATH] [--script FILE]');
    expect(out).toMatch(
      /--link <PATH>\s+where to put the port a host opens \(default: \/tmp\/pressgate-sim\/remote\)/,
    );
  });
});
