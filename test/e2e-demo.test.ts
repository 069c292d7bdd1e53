import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

describe('pressgate demo --once (a real child process)', () => {
  it('plays the script over a real pty and exits 0 with every gesture delivered', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join('packages', 'cli', 'src', 'main.ts'), 'demo', '--once'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    onTestFinished(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    const code = await exited;
    expect({ code, stderr }, stdout).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('simulated on the pseudo-terminal');
    for (const button of [1, 2]) {
      for (const [gesture, id] of [
        ['single', 'SinglePush'],
        ['double', 'DoublePush'],
        ['long', 'LongPush'],
      ] as const) {
        expect(stdout).toMatch(
          new RegExp(`button ${button}\\s+${gesture}\\s+-> Button\\.${id}\\.${button}\\s+delivered`),
        );
        expect(stdout).toContain(`"payload":{"id":"Button.${id}.${button}"`);
      }
    }
    expect(stdout).toContain('6 gestures, 6 delivered');
    // The accepted events are shown with their scope token redacted, and no log lines leak in.
    expect(stdout).toContain('"token":"<redacted>"');
    expect(stdout).not.toMatch(/"level":\d+/);
  }, 60_000);
});
