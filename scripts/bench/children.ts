/**
 * The benches' child processes: `pressgate emulator` and `pressgate run`, each its own node
 * process (no wrapper, so SIGTERM reaches it), plus linking the relay to the emulator over their
 * HTTP APIs the way Alexa would. `spawnCli` runs the TypeScript source through tsx (the dev
 * path); `spawnCompiledCli` runs the compiled command an install runs (`pnpm bench` builds it
 * first).
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { RECORDED_HEADER } from '@pressgate/emulator';
import { SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join('packages', 'cli', 'src', 'main.ts');
export const COMPILED_MAIN = join(ROOT, 'packages', 'cli', 'dist', 'main.js');

export type Child = { process: ChildProcess; exited: Promise<unknown>; stderr: () => string };

/** Polls `check` every 20 ms until it returns a value; fails after `timeoutMs` with what was seen. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  seen: () => string,
  timeoutMs: number,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; seen: ${seen()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `pressgate <args>` as a child process (node + tsx, no wrapper, so SIGTERM reaches it). */
export function spawnCli(
  args: string[],
  stdout: 'pipe' | 'ignore' | number,
  nodeFlags: string[] = [],
): Child {
  return spawnNode([...nodeFlags, '--conditions=source', '--import', 'tsx', MAIN, ...args], stdout);
}

/** `node packages/cli/dist/main.js <args>`: the installed command, no tsx (needs `pnpm build`). */
export function spawnCompiledCli(
  args: readonly string[],
  stdout: 'pipe' | 'ignore' | number,
  nodeFlags: readonly string[] = [],
): Child {
  return spawnNode([...nodeFlags, COMPILED_MAIN, ...args], stdout);
}

/** `node <argv>` from the repository root, its stderr kept for error messages. */
function spawnNode(argv: readonly string[], stdout: 'pipe' | 'ignore' | number): Child {
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', stdout, 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = child.exitCode === null ? once(child, 'exit') : Promise.resolve();
  return { process: child, exited, stderr: () => stderr };
}

/** The compiled command when it is built (what a user runs), else the tsx dev path. */
export function spawnPressgate(args: string[], stdout: 'pipe' | 'ignore' | number): Child {
  return existsSync(COMPILED_MAIN) ? spawnCompiledCli(args, stdout) : spawnCli(args, stdout);
}

/** An `after` past any count the emulator will reach: the answer is empty, its header the count. */
const NOTHING_YET = 999_999_999_999_999;

/**
 * One of the emulator's record lists (`accepted`, `requests`), read as it grows: each `next()`
 * asks only for the records after those already read (`?after=N`, N from the emulator's own
 * count in its last answer), so a poll costs the emulator, whose loop also times the gateway, the
 * same however many records have piled up.
 */
export class RecordReader<T> {
  readonly #url: string;
  #read = 0;

  constructor(emulatorUrl: string, list: 'accepted' | 'requests') {
    this.#url = `${emulatorUrl}/_emulator/${list}`;
  }

  /** Skips what the emulator holds already: the next `next()` answers only what comes after now. */
  async skipToNow(): Promise<this> {
    const answer = await fetch(`${this.#url}?after=${NOTHING_YET}`);
    await answer.body?.cancel();
    this.#read = recordedCount(answer);
    return this;
  }

  /** The records added since the last call, oldest first. */
  async next(): Promise<T[]> {
    const answer = await fetch(`${this.#url}?after=${this.#read}`);
    this.#read = recordedCount(answer);
    return (await answer.json()) as T[];
  }
}

/** The emulator's count of records ever kept; fails on an emulator without it (a stale build). */
function recordedCount(answer: Response): number {
  const count = Number(answer.headers.get(RECORDED_HEADER) ?? Number.NaN);
  if (!Number.isInteger(count))
    throw new Error(`the emulator's answer has no ${RECORDED_HEADER} header: run pnpm build (or pnpm bench)`);
  return count;
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the child has exited. */
export async function stopChild(child: Child | undefined): Promise<void> {
  if (child === undefined || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
}

/** A port on 127.0.0.1 that was free just now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** `pressgate emulator` on a free port; resolves with its URL once its banner says it listens. */
export async function startEmulatorChild(
  credentials: { clientId: string; clientSecret: string },
  timeoutMs: number,
  gatewayDelayMs = 0,
): Promise<{ child: Child; url: string }> {
  const child = spawnPressgate(
    [
      'emulator',
      '--gateway-delay-ms',
      String(gatewayDelayMs),
      '--port',
      '0',
      '--client-id',
      credentials.clientId,
      '--client-secret',
      credentials.clientSecret,
    ],
    'pipe',
  );
  let banner = '';
  child.process.stdout?.on('data', (chunk: Buffer) => {
    banner += chunk.toString('utf8');
  });
  const url = await waitFor(
    'the emulator to listen',
    async () => /emulator listening on (\S+)/.exec(banner)?.[1],
    () => `${banner}${child.stderr()}`,
    timeoutMs,
  );
  return { child, url };
}

/** Resolves once `GET <relayUrl>/healthz` answers ok; fails at once when the child exits. */
export async function waitForRelay(relay: Child, relayUrl: string, timeoutMs: number): Promise<void> {
  await waitFor(
    'the relay to listen',
    async () => {
      if (relay.process.exitCode !== null) throw new Error(`pressgate run exited: ${relay.stderr()}`);
      return (await fetch(`${relayUrl}/healthz`).catch(() => undefined))?.ok ? true : undefined;
    },
    () => relay.stderr(),
    timeoutMs,
  );
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('ErrorResponse'))
    throw new Error(`POST ${url} answered ${response.status}: ${text}`);
  return text;
}

async function postDirective(
  relayUrl: string,
  secret: string,
  namespace: string,
  name: string,
  payload: object,
): Promise<string> {
  const header = { namespace, name, payloadVersion: '3', messageId: randomUUID() };
  const body = JSON.stringify({ directive: { header, payload } });
  const signature = signDirective(secret, body, Math.floor(Date.now() / 1000));
  return post(`${relayUrl}/alexa/directive`, body, { [SIGNATURE_HEADER]: signature });
}

/**
 * Links the relay child to the emulator child over HTTP: AcceptGrant (the relay exchanges the
 * code with the emulator's LWA), then Discover, whose response the emulator learns.
 */
export async function linkOverHttp(
  emulatorUrl: string,
  relayUrl: string,
  directiveSecret: string,
): Promise<void> {
  const { code } = JSON.parse(await post(`${emulatorUrl}/_emulator/authorization-codes`, {})) as {
    code: string;
  };
  await postDirective(relayUrl, directiveSecret, 'Alexa.Authorization', 'AcceptGrant', {
    grant: { type: 'OAuth2.AuthorizationCode', code },
    grantee: { type: 'BearerToken', token: 'Atza|bench-grantee' },
  });
  const scope = { type: 'BearerToken', token: 'Atza|bench-scope' };
  const discovered = await postDirective(relayUrl, directiveSecret, 'Alexa.Discovery', 'Discover', { scope });
  await post(`${emulatorUrl}/_emulator/discovery`, discovered);
}
