import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@pressgate/emulator';
import { PressgateConfig, SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { onTestFinished } from 'vitest';
import { LIVING_ROOM_ENDPOINT_ID, relayTestConfigInput } from '../core/relay-config.test-helpers.js';
import { PressgateRelayCore } from '../core/relay-core.js';
import { type CapturedLogs, captureLogs } from '../core/test-support.test-helpers.js';
import { type AppDeps, buildApp } from './build-app.js';

export const CLIENT_ID = 'amzn1.application-oa2-client.test-relay-http';
export const CLIENT_SECRET = 'client-secret-for-relay-http-tests-0123456789';
export const DIRECTIVE_SECRET = 'directive-secret-for-relay-http-tests';
export const ENDPOINT_ID = LIVING_ROOM_ENDPOINT_ID;
export { BUTTON_1_INSTANCE, BUTTON_2_INSTANCE } from '../core/relay-config.test-helpers.js';
export { type CapturedLogs, captureLogs, waitFor } from '../core/test-support.test-helpers.js';

/** One remote, two buttons: button 1 single + double, button 2 long only. */
export function testConfig(input: {
  dataDir: string;
  emulator: Emulator;
  apiToken?: string;
  maxEventAgeMs?: number;
}): PressgateConfig {
  return PressgateConfig.parse(
    relayTestConfigInput({
      dataDir: input.dataDir,
      gatewayUrl: input.emulator.gatewayUrl,
      lwaTokenUrl: input.emulator.lwaTokenUrl,
      credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, directiveSecret: DIRECTIVE_SECRET },
      withButton2: true,
      ...(input.apiToken === undefined ? {} : { apiToken: input.apiToken }),
      ...(input.maxEventAgeMs === undefined ? {} : { maxEventAgeMs: input.maxEventAgeMs }),
    }),
  );
}

/** An AcceptGrant as the skill's Lambda forwards it. */
export function acceptGrantDirective(
  code: string,
  granteeToken = 'Atza|grantee-user-token-from-alexa',
): object {
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
        grantee: { type: 'BearerToken', token: granteeToken },
      },
    },
  };
}

/** A Discover as the skill's Lambda forwards it. */
export function discoverDirective(scopeToken = 'Atza|discover-user-token-from-alexa'): object {
  return {
    directive: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'Discover',
        payloadVersion: '3',
        messageId: crypto.randomUUID(),
      },
      payload: { scope: { type: 'BearerToken', token: scopeToken } },
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
