import { PassThrough } from 'node:stream';
// Type-only: the kit loads no cli code at run time, so the cli's tests cannot make a cycle.
import type { CliIo } from 'pressgate';

export type CapturedIo = CliIo & { out(): string; err(): string };

/** An io for in-process CLI tests whose stdout and stderr are captured as text. */
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
