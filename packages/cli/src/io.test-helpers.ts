import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { onTestFinished } from 'vitest';
import type { CliIo } from './command.js';

export type CapturedIo = CliIo & { out(): string; err(): string };

/** A CliIo whose stdout and stderr are captured as text, for in-process CLI tests. */
export function captureIo(overrides: Partial<CliIo> = {}): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  return {
    stdout,
    stderr,
    env: {},
    cwd: process.cwd(),
    signal: new AbortController().signal,
    ...overrides,
    out: () => out,
    err: () => err,
  };
}

/** A fresh temp folder, removed when the current test finishes. */
export async function freshDir(prefix = 'pressgate-cli-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Poll `check` until it gives a value; on timeout, say what `seen` reports. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  seen: () => string,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; saw: ${seen()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
