#!/usr/bin/env node
import { runCli } from './cli.js';
import { invocationDir } from './invocation-dir.js';

const shutdown = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second signal while stopping means "now": give up on a clean stop.
    if (shutdown.signal.aborted) process.exit(130);
    shutdown.abort(new Error(`received ${signal}`));
  });
}

const exitCode = await runCli(process.argv.slice(2), {
  // A getter: touching process.stdin opens it, which only `init` needs.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: invocationDir(process.env, process.cwd()),
  signal: shutdown.signal,
});
process.exitCode = exitCode;
