/**
 * Shared by the burst, disk-sync and cold-press benches: an emulator child, a socat pty with a
 * VirtualRemote on its device side, and `pressgate run` children reading its host side, linked
 * to the emulator; both children are the compiled command when it is built (else tsx). Times:
 * the bench writes each edge (VirtualRemote `sent`, performance.now in this process, turned into
 * wall time); the emulator records each gateway request's arrival and answer (`receivedAtMs`,
 * `answeredAtMs`, wall ms with a fraction). All one machine, one wall clock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open as openFile, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openPtyPair, type PtyPair, VirtualRemote } from '@pressgate/device-tools';
import {
  type Child,
  COMPILED_MAIN,
  freePort,
  linkOverHttp,
  RecordReader,
  spawnPressgate,
  startEmulatorChild,
  stopChild,
  waitFor,
  waitForRelay,
} from './children.js';
import { CLIENT_ID, CLIENT_SECRET, DIRECTIVE_SECRET } from './relay.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join('packages', 'cli', 'src', 'main.ts');
export const TIMEOUT_MS = 60_000;
export const BENCH_TIMING = { doublePressMs: 300, longPressMs: 800, debounceMs: 20 };

export type AcceptedGesture = { messageId: string; at: string; eventId?: string; timestamp?: string };
/** Wall clock with sub-ms resolution, the same clock as the children's Date.now. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

type Gestures = readonly ('single' | 'double' | 'long')[];

function ptyConfig(
  dataDir: string,
  port: number,
  emulatorUrl: string,
  serialPath: string,
  buttons: number,
  gestures: Gestures,
) {
  return {
    relay: { host: '127.0.0.1', port, dataDir },
    alexa: {
      region: 'NA',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      gatewayUrl: `${emulatorUrl}/v3/events`,
      lwaTokenUrl: `${emulatorUrl}/auth/o2/token`,
      maxEventAgeMs: 300_000,
      rateLimit: { burst: 10_000, perMinute: 600_000 },
    },
    directives: { secret: DIRECTIVE_SECRET },
    remotes: [
      {
        id: 'bench-pty',
        serial: { path: serialPath, baudRate: 115_200 },
        endpoint: { endpointId: 'bench-pty-remote', friendlyName: 'Bench pty remote' },
        timing: BENCH_TIMING,
        buttons: Array.from({ length: buttons }, (_, index) => ({
          button: index + 1,
          instance: randomUUID(),
          names: [{ text: `Bench button ${index + 1}`, locale: 'en-US' }],
          gestures: Object.fromEntries(
            gestures.map((gesture) => [gesture, { id: `Button.${gesture}.${index + 1}` }]),
          ),
        })),
      },
    ],
  };
}

/** `pressgate run` as a child, optionally wrapped by strace; its pid is the node process's. */
function spawnRelay(args: string[], logFd: number, strace: string[] | undefined): Child {
  if (strace === undefined) return spawnPressgate(args, logFd);
  const command = existsSync(COMPILED_MAIN)
    ? [COMPILED_MAIN]
    : ['--conditions=source', '--import', 'tsx', MAIN];
  const process_: ChildProcess = spawn('strace', [...strace, '--', process.execPath, ...command, ...args], {
    cwd: ROOT,
    stdio: ['ignore', logFd, 'pipe'],
  });
  let stderr = '';
  process_.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise((resolve) => process_.once('exit', resolve));
  return { process: process_, exited, stderr: () => stderr };
}

/** Stops a strace-wrapped relay: SIGTERM to the node process (strace would only detach), then strace ends. */
async function stopTraced(child: Child): Promise<void> {
  const pid = child.process.pid;
  if (pid !== undefined && child.process.exitCode === null) {
    const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    for (const node of children.split(' ').filter(Boolean)) process.kill(Number(node), 'SIGTERM');
  }
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
}

/** A gateway request's arrival and answer, wall-clock ms with a fraction (the emulator's record). */
export type GatewayTimes = { receivedAtMs?: number; answeredAtMs?: number };

export type PtyRelay = {
  emulatorUrl: string;
  remote: VirtualRemote;
  /** Starts a linked relay on the pty (optionally under strace) and returns its stop. */
  startRelay(strace?: (dataDir: string) => string[]): Promise<{ stop(): Promise<void>; dataDir: string }>;
  /** Events the emulator accepted whose messageIds are new since the last call. */
  accepted(): Promise<AcceptedGesture[]>;
  /**
   * The next `count` accepted gestures, fewer if they do not all come within TIMEOUT_MS. The
   * first poll waits `quietMs`: the emulator that answers polls also times the gateway requests,
   * so a poll must not land on a send being measured.
   */
  acceptedSoon(count: number, quietMs: number): Promise<AcceptedGesture[]>;
  /** Every gateway request the emulator recorded, by messageId (the last one for a resend). */
  gatewayTimes(): Promise<Map<string, GatewayTimes>>;
  close(): Promise<void>;
};

export async function startPtyRelay(options: {
  gatewayDelayMs: number;
  buttons: number;
  gestures: Gestures;
  /** Puts something (a proxy) between the relay and the emulator's gateway: returns its origin. */
  gatewayVia?: (emulatorUrl: string) => Promise<string>;
}): Promise<PtyRelay> {
  const dir = await mkdtemp(join(tmpdir(), 'pressgate-bench-pty-'));
  const log = await openFile(join(dir, 'relay.log'), 'a', 0o600);
  const cleanups: (() => Promise<unknown>)[] = [
    () => rm(dir, { recursive: true, force: true }),
    () => log.close(),
  ];
  const close = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  try {
    const emulator = await startEmulatorChild(
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      TIMEOUT_MS,
      options.gatewayDelayMs,
    );
    cleanups.push(() => stopChild(emulator.child));
    const gatewayOrigin = await options.gatewayVia?.(emulator.url);
    const pair: PtyPair = await openPtyPair({ dir });
    cleanups.push(() => pair.kill());
    const remote = new VirtualRemote({ path: pair.devicePath, buttons: options.buttons, heartbeatMs: 1000 });
    await remote.start();
    cleanups.push(() => remote.stop());
    const acceptedReader = new RecordReader<AcceptedGesture & { name: string }>(emulator.url, 'accepted');
    const accepted = async () => (await acceptedReader.next()).filter((event) => event.name === 'Event');
    const acceptedSoon = async (count: number, quietMs: number) => {
      await sleep(quietMs);
      const got: AcceptedGesture[] = [];
      await waitFor(
        `${count} gestures accepted`,
        async () => {
          got.push(...(await accepted()));
          return got.length >= count ? true : undefined;
        },
        () => `${got.length}`,
        TIMEOUT_MS,
      ).catch(() => undefined);
      return got;
    };
    let relays = 0;
    const startRelay = async (strace?: (dataDir: string) => string[]) => {
      relays += 1;
      const dataDir = join(dir, `data-${relays}`);
      const port = await freePort();
      const configPath = join(dir, `pressgate-${relays}.yaml`);
      const config = ptyConfig(dataDir, port, emulator.url, pair.hostPath, options.buttons, options.gestures);
      if (gatewayOrigin !== undefined) config.alexa.gatewayUrl = `${gatewayOrigin}/v3/events`;
      await writeFile(configPath, JSON.stringify(config));
      const relay = spawnRelay(
        ['run', '--config', configPath, '--log-level', 'warn'],
        log.fd,
        strace?.(dataDir),
      );
      const stop = () => (strace === undefined ? stopChild(relay) : stopTraced(relay));
      cleanups.push(stop);
      const url = `http://127.0.0.1:${port}`;
      await waitForRelay(relay, url, TIMEOUT_MS);
      await linkOverHttp(emulator.url, url, DIRECTIVE_SECRET);
      // The remote is connected once a press is delivered; warm-up presses, not measured.
      for (let warm = 0; warm < 3; warm += 1) {
        await remote.press(1, { holdMs: 60 });
        await waitFor(
          'a warm-up press to be accepted',
          async () => ((await accepted()).length > 0 ? true : undefined),
          () => relay.stderr(),
          TIMEOUT_MS,
        );
      }
      return { stop, dataDir };
    };
    const times = new Map<string, GatewayTimes>();
    const requestsReader = new RecordReader<{ messageId?: string } & GatewayTimes>(emulator.url, 'requests');
    const gatewayTimes = async () => {
      for (const { messageId, ...at } of await requestsReader.next()) if (messageId) times.set(messageId, at);
      return times;
    };
    return { emulatorUrl: emulator.url, remote, startRelay, accepted, acceptedSoon, gatewayTimes, close };
  } catch (error) {
    await close();
    throw error;
  }
}
