import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { PressgateError } from '@pressgate/protocol';

/** Where Debian's mosquitto package puts the broker (sbin is not on a normal user's PATH). */
export const MOSQUITTO_PATHS: readonly string[] = [
  '/usr/sbin/mosquitto',
  '/usr/bin/mosquitto',
  '/usr/local/sbin/mosquitto',
  '/usr/local/bin/mosquitto',
];

/** The first of `candidates` that is an executable file, or undefined. */
export async function findMosquitto(
  candidates: readonly string[] = MOSQUITTO_PATHS,
): Promise<string | undefined> {
  for (const path of candidates) {
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}

export type DemoBroker = {
  /** mqtt://127.0.0.1:<port> */
  readonly url: string;
  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
};

export type DemoBrokerOptions = {
  /** The mosquitto executable (findMosquitto). */
  binary: string;
  /** A private temp folder for the config file. */
  dir: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) {
    throw new PressgateError('ERR_DEMO_BROKER', 'the OS gave no free port for mosquitto');
  }
  return address.port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The broker's config: one listener on loopback, no persistence, errors and warnings to stderr. */
function brokerConfig(port: number): string {
  return [
    // Started as root, mosquitto would switch to its own user, who cannot read this folder.
    `user ${userInfo().username}`,
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    '',
  ].join('\n');
}

/** A started mosquitto child: its stderr tail, and a stop that ends it for sure. */
function superviseBroker(child: ChildProcess, stopTimeoutMs: number) {
  const state = { output: '', spawnError: undefined as Error | undefined };
  child.stderr?.on('data', (chunk: Buffer) => {
    state.output = (state.output + chunk.toString('utf8')).slice(-2000);
  });
  child.once('error', (error) => {
    state.spawnError = error;
  });
  const exited = once(child, 'close').then(() => undefined);
  const gone = () => state.spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (gone()) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(killer);
    })();
    return stopping;
  };
  return { state, gone, stop };
}

/**
 * A local mosquitto for the demo: one MQTT listener on 127.0.0.1 at a free port, no
 * persistence. Anonymous clients are allowed because nothing but this machine can reach the
 * listener and every directive it carries is HMAC-signed; a real broker asks for credentials
 * (docs/mqtt.md).
 */
export async function startDemoBroker(options: DemoBrokerOptions): Promise<DemoBroker> {
  const port = await freePort();
  const configFile = join(options.dir, 'mosquitto.conf');
  await writeFile(configFile, brokerConfig(port), { mode: 0o600 });
  const child = spawn(options.binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  const broker = superviseBroker(child, options.stopTimeoutMs ?? 3_000);
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const deadline = performance.now() + startTimeoutMs;
  for (;;) {
    if (broker.gone()) {
      const how = broker.state.spawnError?.message ?? child.exitCode ?? child.signalCode;
      throw new PressgateError(
        'ERR_DEMO_BROKER',
        `mosquitto exited (${how}) before listening: ${broker.state.output.trim()}`,
      );
    }
    if (await accepts(port)) break;
    if (performance.now() > deadline) {
      await broker.stop();
      throw new PressgateError(
        'ERR_DEMO_BROKER',
        `mosquitto did not listen on 127.0.0.1:${port} within ${startTimeoutMs} ms: ${broker.state.output.trim()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { url: `mqtt://127.0.0.1:${port}`, stop: broker.stop };
}
