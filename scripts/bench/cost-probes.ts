/**
 * The cost bench's probes and processes: CPU time and resident memory from /proc, the gesture
 * traffic and its wait on the emulator, the forwarder child, and start-to-ready timing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import {
  type Child,
  freePort,
  RecordReader,
  spawnCli,
  spawnCompiledCli,
  stopChild,
  waitFor,
} from './children.js';
import type { ForwarderSetup } from './forwarder.js';
import { GESTURES, type Remote, relayConfig } from './relay.js';
import { round } from './stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONCURRENCY = 16;
export const TIMEOUT_MS = 60_000;
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ; 100 on Linux). */
const CLOCK_TICKS_PER_SEC = 100;

/** utime + stime of `pid`, in ms. */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1000) / CLOCK_TICKS_PER_SEC;
}

/** Resident memory of `pid` in MB. */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN);
  return round(kb / 1024, 1);
}

/** `count` POST /v1/gestures, `concurrency` at a time; the messageIds of the 202s. */
export async function sendGestures(
  url: string,
  remotes: readonly Remote[],
  count: number,
  concurrency = CONCURRENCY,
): Promise<string[]> {
  const pool = new Pool(url, { connections: concurrency });
  const ids: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) {
      const remote = remotes[index % remotes.length] as Remote;
      const gesture = GESTURES[Math.floor(index / remotes.length) % GESTURES.length] ?? 'single';
      const response = await pool.request({
        method: 'POST',
        path: '/v1/gestures',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ remoteId: remote.remoteId, button: 1, gesture }),
      });
      const text = await response.body.text();
      if (response.statusCode === 202) ids.push((JSON.parse(text) as { messageId: string }).messageId);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.close();
  }
  if (ids.length !== count)
    throw new Error(`${url}: ${count - ids.length} of ${count} gestures not answered 202`);
  return ids;
}

/** The emulator's accepted events from now on, read as they come (a RecordReader). */
export class AcceptedLog {
  readonly #reader: RecordReader<{ messageId: string }>;

  private constructor(reader: RecordReader<{ messageId: string }>) {
    this.#reader = reader;
  }

  /** A log that reads from now on: what the emulator accepted before is never fetched. */
  static async from(emulatorUrl: string): Promise<AcceptedLog> {
    return new AcceptedLog(
      await new RecordReader<{ messageId: string }>(emulatorUrl, 'accepted').skipToNow(),
    );
  }

  /** Resolves once every one of `ids` was accepted; fails after `timeoutMs` with the count seen. */
  async waitFor(ids: readonly string[], timeoutMs: number): Promise<void> {
    const wanted = new Set(ids);
    const got = new Set<string>();
    await waitFor(
      `${ids.length} events accepted`,
      async () => {
        for (const { messageId } of await this.#reader.next()) if (wanted.has(messageId)) got.add(messageId);
        return got.size === wanted.size ? true : undefined;
      },
      () => `${got.size} of ${wanted.size}`,
      timeoutMs,
    );
  }
}

/** CPU ms per event of `pid` while `count` gestures go through `url` to the emulator. */
export async function cpuPerEvent(
  pid: number,
  url: string,
  accepted: AcceptedLog,
  remotes: readonly Remote[],
  count: number,
) {
  const before = await cpuMs(pid);
  const started = performance.now();
  const ids = await sendGestures(url, remotes, count);
  await accepted.waitFor(ids, Math.max(TIMEOUT_MS, count * 20));
  const cpu = (await cpuMs(pid)) - before;
  return { cpuMsPerEvent: round(cpu / count, 4), cpuMs: cpu, wallMs: round(performance.now() - started) };
}

/** The forwarder through tsx, or plain node on `compiled` (compileForwarder's file). */
export function spawnForwarder(
  setup: ForwarderSetup,
  compiled?: string,
): Promise<{ child: Child; url: string }> {
  const entry =
    compiled === undefined
      ? ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL('./forwarder.ts', import.meta.url))]
      : [compiled];
  const process_: ChildProcess = spawn(process.execPath, [...entry, JSON.stringify(setup)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  process_.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  process_.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const exited = new Promise((resolve) => process_.once('exit', resolve));
  const child: Child = { process: process_, exited, stderr: () => out };
  return waitFor(
    'the forwarder to listen',
    async () => /forwarder listening on (\S+)/.exec(out)?.[1],
    () => out,
    TIMEOUT_MS,
  ).then((url) => ({ child, url }));
}

/** Spawn to the first ok `/healthz`, in ms; the child is stopped after. */
export async function startupMs(
  dir: string,
  emulatorUrl: string,
  remotes: readonly Remote[],
  compiled: boolean,
): Promise<{ readyMs: number; idleRssMb: number }> {
  const dataDir = await mkdtemp(join(dir, 'start-'));
  const port = await freePort();
  const configPath = join(dataDir, 'pressgate.yaml');
  await writeFile(configPath, JSON.stringify(relayConfig(join(dataDir, 'data'), port, emulatorUrl, remotes)));
  const args = ['run', '--config', configPath, '--log-level', 'warn'];
  const started = performance.now();
  const child = compiled ? spawnCompiledCli(args, 'ignore') : spawnCli(args, 'ignore');
  try {
    const url = `http://127.0.0.1:${port}`;
    for (;;) {
      if (child.process.exitCode !== null) throw new Error(`pressgate run exited: ${child.stderr()}`);
      if ((await fetch(`${url}/healthz`).catch(() => undefined))?.ok) break;
      if (performance.now() - started > TIMEOUT_MS) throw new Error('pressgate run did not become ready');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const readyMs = round(performance.now() - started, 1);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // settle before the idle reading
    return { readyMs, idleRssMb: await rssMb(child.process.pid ?? 0) };
  } finally {
    await stopChild(child);
  }
}
