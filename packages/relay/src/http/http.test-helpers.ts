import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Emulator, startEmulator } from '@pressgate/emulator';
import {
  PressgateConfig,
  type PressgateConfigInput,
  SIGNATURE_HEADER,
  signDirective,
} from '@pressgate/protocol';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type Logger, pino } from 'pino';
import { onTestFinished } from 'vitest';
import { REDACT } from '../core/redact.js';
import { PressgateRelayCore } from '../core/relay-core.js';
import { type AppDeps, buildApp } from './build-app.js';

export const CLIENT_ID = 'amzn1.application-oa2-client.test-relay-http';
export const CLIENT_SECRET = 'client-secret-for-relay-http-tests-0123456789';
export const DIRECTIVE_SECRET = 'directive-secret-for-relay-http-tests';
export const ENDPOINT_ID = 'living-room-remote';
export const BUTTON_1_INSTANCE = '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10';
export const BUTTON_2_INSTANCE = '9b1d2c3e-4f50-4a6b-8c7d-0e1f2a3b4c5d';

/** One remote, two buttons: button 1 single + double, button 2 long only. */
export function testConfig(input: {
  dataDir: string;
  emulator: Emulator;
  apiToken?: string;
  maxEventAgeMs?: number;
}): PressgateConfig {
  const raw: PressgateConfigInput = {
    relay: {
      host: '127.0.0.1',
      port: 0,
      dataDir: input.dataDir,
      ...(input.apiToken === undefined ? {} : { apiToken: input.apiToken }),
    },
    alexa: {
      region: 'NA',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      gatewayUrl: input.emulator.gatewayUrl,
      lwaTokenUrl: input.emulator.lwaTokenUrl,
      maxEventAgeMs: input.maxEventAgeMs ?? 30_000,
    },
    directives: { secret: DIRECTIVE_SECRET },
    remotes: [
      {
        id: 'living-room',
        serial: { path: '/dev/null' },
        endpoint: { endpointId: ENDPOINT_ID, friendlyName: 'Living room remote' },
        buttons: [
          {
            button: 1,
            instance: BUTTON_1_INSTANCE,
            names: [{ asset: 'Alexa.Button.TopButton' }],
            gestures: { single: { id: 'Button.SinglePush.1' }, double: { id: 'Button.DoublePush.1' } },
          },
          {
            button: 2,
            instance: BUTTON_2_INSTANCE,
            names: [{ text: 'Bottom button', locale: 'en-US' }],
            gestures: { long: { id: 'Button.LongPush.2' } },
          },
        ],
      },
    ],
  };
  return PressgateConfig.parse(raw);
}

export type CapturedLogs = { logger: Logger; lines: string[]; entries: () => Record<string, unknown>[] };

/** A pino logger with the relay's redaction, writing JSON lines into memory. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(line);
      callback();
    },
  });
  const logger = pino({ level: 'debug', redact: REDACT }, stream);
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Polls `check` until it returns something other than undefined; fails saying what was seen. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  seen: () => unknown,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; seen: ${JSON.stringify(seen())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function acceptGrantDirective(code: string): object {
  return {
    directive: {
      header: {
        namespace: 'Alexa.Authorization',
        name: 'AcceptGrant',
        payloadVersion: '3',
        messageId: crypto.randomUUID(),
      },
      payload: {
        grant: { type: 'OAuth2.AuthorizationCode', code },
        grantee: { type: 'BearerToken', token: 'Atza|grantee-user-token-from-alexa' },
      },
    },
  };
}

export function discoverDirective(): object {
  return {
    directive: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'Discover',
        payloadVersion: '3',
        messageId: crypto.randomUUID(),
      },
      payload: { scope: { type: 'BearerToken', token: 'Atza|discover-user-token-from-alexa' } },
    },
  };
}

export function reportStateDirective(endpointId: string, correlationToken: string): object {
  return {
    directive: {
      header: {
        namespace: 'Alexa',
        name: 'ReportState',
        payloadVersion: '3',
        messageId: crypto.randomUUID(),
        correlationToken,
      },
      endpoint: { scope: { type: 'BearerToken', token: 'Atza|report-user-token' }, endpointId },
      payload: {},
    },
  };
}

export type Harness = {
  emulator: Emulator;
  core: PressgateRelayCore;
  app: FastifyInstance;
  config: PressgateConfig;
  logs: CapturedLogs;
  /** Signs `rawBody` now (or at `unixSeconds`) and posts it to /alexa/directive. */
  postDirective(
    body: object | string,
    options?: { unixSeconds?: number; signature?: string | null },
  ): Promise<LightMyRequestResponse>;
  postGesture(
    body: unknown,
    options?: { remoteAddress?: string; authorization?: string },
  ): Promise<LightMyRequestResponse>;
  /** AcceptGrant with a fresh emulator code, Discover, and teach the emulator the endpoints. */
  link(): Promise<void>;
};

/** The real core over a temp data dir, a real emulator on 127.0.0.1:0, and buildApp; all closed after the test. */
export async function startHarness(
  options: { apiToken?: string; maxEventAgeMs?: number; app?: Partial<AppDeps> } = {},
): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pressgate-relay-http-'));
  const emulator = await startEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const logs = captureLogs();
  const config = testConfig({
    dataDir,
    emulator,
    ...(options.apiToken === undefined ? {} : { apiToken: options.apiToken }),
    ...(options.maxEventAgeMs === undefined ? {} : { maxEventAgeMs: options.maxEventAgeMs }),
  });
  const core = new PressgateRelayCore({
    config,
    logger: logs.logger,
    gatewayRequestTimeoutMs: 2_000,
    lwaRequestTimeoutMs: 2_000,
    stopDrainMs: 500,
  });
  const app = buildApp({
    core,
    logger: logs.logger,
    directiveSecret: DIRECTIVE_SECRET,
    apiToken: config.relay.apiToken,
    discovery: () => core.discoveryEndpoints(),
    connectivity: (endpointId) => core.connectivity(endpointId),
    ...options.app,
  });
  onTestFinished(async () => {
    await app.close();
    await core.stop();
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  await core.start();

  const postDirective: Harness['postDirective'] = (body, postOptions = {}) => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const unixSeconds = postOptions.unixSeconds ?? Math.floor(Date.now() / 1000);
    const signature =
      postOptions.signature === undefined
        ? signDirective(DIRECTIVE_SECRET, payload, unixSeconds)
        : postOptions.signature;
    return app.inject({
      method: 'POST',
      url: '/alexa/directive',
      headers: {
        'content-type': 'application/json',
        ...(signature === null ? {} : { [SIGNATURE_HEADER]: signature }),
      },
      payload,
    });
  };
  const postGesture: Harness['postGesture'] = (body, postOptions = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/gestures',
      remoteAddress: postOptions.remoteAddress ?? '127.0.0.1',
      headers: {
        'content-type': 'application/json',
        ...(postOptions.authorization === undefined ? {} : { authorization: postOptions.authorization }),
      },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const link = async (): Promise<void> => {
    const grant = await postDirective(acceptGrantDirective(emulator.issueAuthorizationCode()));
    if (grant.json().event.header.name !== 'AcceptGrant.Response') {
      throw new Error(`link failed: ${grant.body}`);
    }
    const discovery = await postDirective(discoverDirective());
    const learned = emulator.learnDiscovery(discovery.json());
    if (!learned.ok) throw new Error(`the emulator refused the Discover.Response: ${learned.description}`);
  };
  return { emulator, core, app, config, logs, postDirective, postGesture, link };
}
