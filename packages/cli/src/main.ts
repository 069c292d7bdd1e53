#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { runCli } from './cli.js';
import { invocationDir } from './invocation-dir.js';

/**
 * V8 lets the old generation grow to several times what is live before a full collection when
 * collections are cheap, and a busy relay's live heap is about 25 MB: after 100,000 events it held
 * 183 MB resident, most of it garbage. Growing by half of what is live keeps it near 135 MB, for
 * a full collection of a few ms every second or so under load (see docs/architecture.md,
 * "Memory"). Set before anything is allocated in earnest; it applies to the collections after it.
 */
const HEAP_GROWING_PERCENT = 50;
setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);

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
