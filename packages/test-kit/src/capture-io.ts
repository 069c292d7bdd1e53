import { PassThrough, type Writable } from 'node:stream';

/**
 * The shape of the cli's `CliIo` (packages/cli/src/command.ts), written out here so the kit
 * imports nothing from the cli: a CapturedIo is accepted wherever a CliIo is.
 */
export type CliIoShape = {
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  signal: AbortSignal;
};

export type CapturedIo = CliIoShape & { out(): string; err(): string };

/** An io for in-process CLI tests whose stdout and stderr are captured as text. */
export function captureIo(overrides: Partial<CliIoShape> = {}): CapturedIo {
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
