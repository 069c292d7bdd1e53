import type { Emulator } from '@pressgate/emulator';
import { PressgateConfig, SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';
import { type AppDeps, buildApp, PressgateRelayCore } from '@pressgate/relay/internals';
import { onTestFinished } from 'vitest';
import { startTestEmulator } from './emulator-fixture.js';
import { freshDir } from './fresh-dir.js';
import { type CapturedLogs, captureLogs } from './logs.js';
import { acceptGrantDirective, discoverDirective, relayTestConfigInput } from './relay-fixtures.js';

type FastifyInstance = ReturnType<typeof buildApp>;
type LightMyRequestResponse = Awaited<ReturnType<FastifyInstance['inject']>>;

export const HARNESS_CLIENT_ID = 'amzn1.application-oa2-client.test-relay-http';
export const HARNESS_CLIENT_SECRET = 'client-secret-for-relay-http-tests-0123456789';
export const HARNESS_DIRECTIVE_SECRET = 'directive-secret-for-relay-http-tests';

/** One remote, two buttons: button 1 single + double, button 2 long only. */
export function harnessConfig(input: {
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
      credentials: {
        clientId: HARNESS_CLIENT_ID,
        clientSecret: HARNESS_CLIENT_SECRET,
        directiveSecret: HARNESS_DIRECTIVE_SECRET,
      },
      withButton2: true,
      ...(input.apiToken === undefined ? {} : { apiToken: input.apiToken }),
      ...(input.maxEventAgeMs === undefined ? {} : { maxEventAgeMs: input.maxEventAgeMs }),
    }),
  );
}

export type HttpHarness = {
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
export async function startHttpHarness(
  options: { apiToken?: string; maxEventAgeMs?: number; app?: Partial<AppDeps> } = {},
): Promise<HttpHarness> {
  // Made first, so it is removed last (after the app, the core and the emulator have closed).
  const dataDir = await freshDir('pressgate-relay-http-');
  const emulator = await startTestEmulator({
    clientId: HARNESS_CLIENT_ID,
    clientSecret: HARNESS_CLIENT_SECRET,
  });
  const logs = captureLogs();
  const config = harnessConfig({
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
    directiveSecret: HARNESS_DIRECTIVE_SECRET,
    apiToken: config.relay.apiToken,
    discovery: () => core.discoveryEndpoints(),
    connectivity: (endpointId) => core.connectivity(endpointId),
    ...options.app,
  });
  onTestFinished(async () => {
    await app.close();
    await core.stop();
  });
  await core.start();

  const postDirective: HttpHarness['postDirective'] = (body, postOptions = {}) => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const unixSeconds = postOptions.unixSeconds ?? Math.floor(Date.now() / 1000);
    const signature =
      postOptions.signature === undefined
        ? signDirective(HARNESS_DIRECTIVE_SECRET, payload, unixSeconds)
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
  const postGesture: HttpHarness['postGesture'] = (body, postOptions = {}) =>
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
