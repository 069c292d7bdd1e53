/**
 * The soak's moving parts: the emulator (its state driven directly), `pressgate run` as a
 * child process that can be SIGKILLed and restarted, the serial remote on a pty that can be
 * unplugged, and /v1/stream clients that never read.
 */
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import type { PtyPair, VirtualRemote } from '@pressgate/device-tools';
import type { EmulatorState } from '@pressgate/emulator';
import { type CliChild, plugIn, spawnRun } from '../fixtures/e2e-more-cli.js';
import { residentBytes } from './process-memory.js';

export type RunningRelay = CliChild & { url: string };

export class SoakRig {
  readonly dir: string;
  readonly configPath: string;
  readonly state: EmulatorState;
  /** Every relay process of the run, oldest first. */
  readonly relays: RunningRelay[] = [];
  readonly killsAtMs: number[] = [];
  /** Exits nobody asked for (a crash of the relay), with their code and stderr. */
  readonly unexpectedExits: string[] = [];
  #plugged: { pty: PtyPair; remote: VirtualRemote } | undefined;
  #stalled: Socket[] = [];
  #expectedExit = new WeakSet<RunningRelay>();

  constructor(options: { dir: string; configPath: string; state: EmulatorState }) {
    this.dir = options.dir;
    this.configPath = options.configPath;
    this.state = options.state;
  }

  get relay(): RunningRelay {
    const relay = this.relays.at(-1);
    if (relay === undefined) throw new Error('no relay started yet');
    return relay;
  }

  get plugged(): boolean {
    return this.#plugged !== undefined;
  }

  get remote(): VirtualRemote | undefined {
    return this.#plugged?.remote;
  }

  get stalledClients(): number {
    return this.#stalled.length;
  }

  async startRelay(): Promise<RunningRelay> {
    const relay = await spawnRun(this.configPath);
    void relay.exited.then((exit) => {
      if (!this.#expectedExit.has(relay)) {
        this.unexpectedExits.push(`exit ${JSON.stringify(exit)}: ${relay.stderr().slice(-2_000)}`);
      }
    });
    this.relays.push(relay);
    return relay;
  }

  /** SIGKILL, then a new process on the same config and data dir. */
  async killAndRestart(): Promise<void> {
    const relay = this.relay;
    this.#expectedExit.add(relay);
    this.killsAtMs.push(Date.now());
    relay.process.kill('SIGKILL');
    await relay.exited;
    this.releaseStreams();
    await this.startRelay();
  }

  /** True when the current relay process has exited (for any reason). */
  relayGone(): boolean {
    const { process } = this.relay;
    return process.exitCode !== null || process.signalCode !== null;
  }

  /** Marks the current relay's coming exit as expected (the memory guard kills it). */
  expectExit(): void {
    this.#expectedExit.add(this.relay);
  }

  async rss(): Promise<number | undefined> {
    const pid = this.relay.process.pid;
    return pid === undefined ? undefined : residentBytes(pid);
  }

  async plug(): Promise<void> {
    if (this.#plugged !== undefined) return;
    this.#plugged = await plugIn(this.dir);
  }

  async unplug(): Promise<void> {
    const plugged = this.#plugged;
    if (plugged === undefined) return;
    this.#plugged = undefined;
    await plugged.remote.stop();
    await plugged.pty.kill();
  }

  /** `count` clients that request /v1/stream and never read a byte. */
  stallStreams(count: number): void {
    const { hostname, port } = new URL(this.relay.url);
    for (let index = 0; index < count; index += 1) {
      const socket = createConnection({ host: hostname, port: Number(port) });
      socket.on('error', () => undefined);
      socket.write(
        `GET /v1/stream HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      socket.pause();
      this.#stalled.push(socket);
    }
  }

  releaseStreams(): void {
    for (const socket of this.#stalled) socket.destroy();
    this.#stalled = [];
  }

  /** Every log line of every relay process, in order. */
  allLogs(): Record<string, unknown>[] {
    return this.relays.flatMap((relay) => relay.logs());
  }

  async close(): Promise<void> {
    this.releaseStreams();
    await this.unplug();
  }
}

export function dataDirOf(dir: string): string {
  return join(dir, 'data');
}
