import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onTestFinished } from 'vitest';
import { waitFor } from './wait-for.js';

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'];
const MOSQUITTO_PASSWD = ['/usr/bin/mosquitto_passwd', '/usr/sbin/mosquitto_passwd'];

export type MosquittoUser = { username: string; password: string };

export type Mosquitto = {
  /** mqtt://127.0.0.1:<port> */
  readonly tcpUrl: string;
  /** ws://127.0.0.1:<port> (mosquitto's WebSocket listener; the path is ignored) */
  readonly wsUrl: string;
  /** The users the broker accepts; nobody gets in anonymously. */
  readonly users: readonly MosquittoUser[];
  /** The broker's log so far (for failure messages). */
  log(): string;
  /** Stops the broker (SIGTERM, then waits for it to exit). Idempotent. */
  stop(): Promise<void>;
  /** Stops the process only (SIGTERM, waits for the exit); `resume()` brings it back. */
  pause(): Promise<void>;
  /** Starts it again on the same ports, with the same users. */
  resume(): Promise<void>;
};

export type MosquittoOptions = {
  /** Default: one user `pressgate` with a random password. */
  users?: readonly MosquittoUser[];
  /** Stop it when the current test finishes; default true. Pass false in beforeAll and stop it yourself. */
  stopOnTestEnd?: boolean;
  startTimeoutMs?: number;
};

async function firstExecutable(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port from the OS');
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

/**
 * A real mosquitto on loopback, with a generated config: password authentication on (no
 * anonymous clients), one TCP (MQTT) listener and one WebSocket listener, each on a free port,
 * no persistence. Fails with the Debian package's name when mosquitto is not installed.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const binary = await firstExecutable(MOSQUITTO);
  const passwd = await firstExecutable(MOSQUITTO_PASSWD);
  if (binary === undefined || passwd === undefined) {
    throw new Error(
      'mosquitto is not installed (looked for mosquitto and mosquitto_passwd): install the Debian package mosquitto (sudo apt-get install mosquitto); .ci/run installs it',
    );
  }
  const users = options.users ?? [{ username: 'pressgate', password: `pw-${process.pid}-${Date.now()}` }];
  const dir = await mkdtemp(join(tmpdir(), 'pressgate-mosquitto-'));
  const passwordFile = join(dir, 'passwd');
  await writeFile(passwordFile, '', { mode: 0o600 });
  for (const user of users) {
    await promisify(execFile)(passwd, ['-b', passwordFile, user.username, user.password]);
  }
  const tcpPort = await freePort();
  const wsPort = await freePort();
  const configFile = join(dir, 'mosquitto.conf');
  await writeFile(
    configFile,
    [
      // As root mosquitto would switch to its own user, who cannot read this private folder.
      `user ${userInfo().username}`,
      'per_listener_settings false',
      'allow_anonymous false',
      `password_file ${passwordFile}`,
      'persistence false',
      // Small MQTT packets leave at once (mosquitto's default keeps Nagle on).
      'set_tcp_nodelay true',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      `listener ${tcpPort} 127.0.0.1`,
      'protocol mqtt',
      `listener ${wsPort} 127.0.0.1`,
      'protocol websockets',
      '',
    ].join('\n'),
  );

  let child: ChildProcess | undefined;
  let output = '';
  const timeoutMs = options.startTimeoutMs ?? 10_000;

  const launch = async (): Promise<void> => {
    const started = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    await waitFor(
      `mosquitto listening on 127.0.0.1:${tcpPort} and :${wsPort}`,
      async () => {
        if (started.exitCode !== null) {
          throw new Error(`mosquitto exited with ${started.exitCode}: ${output.slice(-2000)}`);
        }
        return (await accepts(tcpPort)) && (await accepts(wsPort));
      },
      () => output.slice(-2000),
      timeoutMs,
    );
  };

  const halt = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };

  await launch();
  let stopped: Promise<void> | undefined;
  const broker: Mosquitto = {
    tcpUrl: `mqtt://127.0.0.1:${tcpPort}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    users,
    log: () => output,
    stop: () => {
      stopped ??= (async () => {
        await halt();
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
    pause: halt,
    resume: async () => {
      if (stopped !== undefined) throw new Error('mosquitto was stopped for good; start another');
      if (child !== undefined) return;
      await launch();
    },
  };
  if (options.stopOnTestEnd !== false) onTestFinished(() => broker.stop());
  return broker;
}
