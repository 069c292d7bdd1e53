#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// A small box runs one `pressgate run` for months: V8's "optimize for size" mode (smaller young
// generation, earlier garbage collection, memory before speed) holds its resident memory near
// the idle figure under traffic. Set before anything else loads, hence the dynamic imports
// below. Node gives no promise for V8 flags set after start; on Node 20 this one measurably
// works, and scripts/bench/README.md ("cost") has its effect on memory and CPU per event.
setFlagsFromString('--optimize-for-size');

const { runCli } = await import('./cli.js');
const { invocationDir } = await import('./invocation-dir.js');

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
