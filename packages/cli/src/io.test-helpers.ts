import { PassThrough } from 'node:stream';
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
