import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildEmulatorApp, createEmulatorState, type EmulatorState } from '@pressgate/emulator';
import { freshDir, type Mosquitto, startMosquitto, waitFor } from '@pressgate/test-kit';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ROOT, spawnRun } from './fixtures/e2e-more-cli.js';
import {
  RELAY_CLIENT_ID,
  RELAY_CLIENT_SECRET,
  RELAY_DIRECTIVE_SECRET,
  RELAY_ENDPOINT_ID,
  relayE2eConfigInput,
} from './fixtures/relay-config.js';
import { acceptGrant, discover } from './fixtures/relay-directives.js';

type Reply = { event: { header: { name: string; namespace: string }; payload: Record<string, unknown> } };
type Handler = (event: unknown, context?: { getRemainingTimeInMillis?: () => number }) => Promise<Reply>;

const TOPIC_PREFIX = 'pressgate/e2e-box';
let bundleDir = '';
let handler: Handler;

// The forwarder exactly as it is uploaded: bundled to one file in a folder with no node_modules.
beforeAll(async () => {
  bundleDir = await mkdtemp(join(tmpdir(), 'pressgate-e2e-mqtt-lambda-'));
  const outfile = join(bundleDir, 'index.mjs');
  await promisify(execFile)(process.execPath, ['bundle.mjs', outfile], {
    cwd: join(ROOT, 'packages', 'skill-lambda'),
    timeout: 120_000,
  });
  handler = ((await import(pathToFileURL(outfile).href)) as { handler: Handler }).handler;
}, 120_000);
afterAll(() => rm(bundleDir, { recursive: true, force: true }));

/** Runs the bundled handler as Lambda would: env read at call time, a context with the time left. */
async function invoke(event: object, env: Record<string, string>, budgetMs = 3_000): Promise<Reply> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const startedMs = Date.now();
    return await handler(event, { getRemainingTimeInMillis: () => budgetMs - (Date.now() - startedMs) });
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

function reportState(correlationToken: string): object {
  return {
    directive: {
      header: {
        namespace: 'Alexa',
        name: 'ReportState',
        payloadVersion: '3',
        messageId: crypto.randomUUID(),
        correlationToken,
      },
      endpoint: { scope: { type: 'BearerToken', token: 'Atza|e2e' }, endpointId: RELAY_ENDPOINT_ID },
      payload: {},
    },
  };
}

/** mosquitto (auth on), the emulator, and `pressgate run` with directives.transport mqtt. */
async function setup(): Promise<{
  broker: Mosquitto;
  state: EmulatorState;
  env: Record<string, string>;
  relay: Awaited<ReturnType<typeof spawnRun>>;
}> {
  const broker = await startMosquitto({
    users: [
      { username: 'box', password: 'box-password-e2e' },
      { username: 'lambda', password: 'lambda-password-e2e' },
    ],
  });
  const dir = await freshDir('pressgate-e2e-mqtt-');
  const state = createEmulatorState({ clientId: RELAY_CLIENT_ID, clientSecret: RELAY_CLIENT_SECRET });
  const emulatorApp = buildEmulatorApp(state);
  onTestFinished(() => emulatorApp.close());
  await emulatorApp.listen({ host: '127.0.0.1', port: 0 });
  const emulatorUrl = `http://127.0.0.1:${(emulatorApp.server.address() as AddressInfo).port}`;
  const input = relayE2eConfigInput({
    dataDir: join(dir, 'data'),
    gatewayUrl: `${emulatorUrl}/v3/events`,
    lwaTokenUrl: `${emulatorUrl}/auth/o2/token`,
    serialPath: join(dir, 'no-remote-here'),
  });
  const configPath = join(dir, 'pressgate.json');
  await writeFile(
    configPath,
    JSON.stringify({
      ...input,
      directives: {
        secret: RELAY_DIRECTIVE_SECRET,
        transport: 'mqtt',
        mqtt: {
          url: broker.tcpUrl,
          clientId: 'pressgate-e2e-box',
          username: 'box',
          password: 'box-password-e2e',
          topicPrefix: TOPIC_PREFIX,
        },
      },
    }),
  );
  const relay = await spawnRun(configPath);
  await waitFor(
    'the relay subscribed to its directive topic',
    () => relay.logs().some((line) => line.msg === 'mqtt subscribed'),
    () => relay.logs().slice(-5),
  );
  const env = {
    PRESSGATE_MQTT_URL: broker.wsUrl,
    PRESSGATE_MQTT_USERNAME: 'lambda',
    PRESSGATE_MQTT_PASSWORD: 'lambda-password-e2e',
    PRESSGATE_MQTT_TOPIC_PREFIX: TOPIC_PREFIX,
    PRESSGATE_DIRECTIVE_SECRET: RELAY_DIRECTIVE_SECRET,
  };
  return { broker, state, env, relay };
}

describe('the bundled forwarder over mosquitto to pressgate run', () => {
  it('links, discovers, reports state, refuses a wrong secret, and survives a broker restart', async () => {
    const { broker, state, env, relay } = await setup();

    const linked = await invoke(acceptGrant(state.tokens.issueAuthorizationCode()), env);
    expect(linked.event.header.name).toBe('AcceptGrant.Response');

    const found = await invoke(discover(), env);
    expect(found.event.header.name).toBe('Discover.Response');
    expect((found.event.payload.endpoints as { endpointId: string }[]).map((e) => e.endpointId)).toEqual([
      RELAY_ENDPOINT_ID,
    ]);

    const report = await invoke(reportState('e2e-correlation'), env);
    expect(report.event.header.name).toBe('StateReport');

    const forged = await invoke(discover(), {
      ...env,
      PRESSGATE_DIRECTIVE_SECRET: 'a-wrong-secret-0123456789',
    });
    expect(forged.event.header.name).toBe('ErrorResponse');
    expect(forged.event.payload.type).toBe('INTERNAL_ERROR');
    expect(relay.logs()).toContainEqual(expect.objectContaining({ code: 'ERR_SIGNATURE_MISMATCH' }));

    await broker.pause();
    const startedMs = Date.now();
    const whileDown = await invoke(discover(), env);
    expect(whileDown.event.payload.type).toBe('ENDPOINT_UNREACHABLE');
    expect(Date.now() - startedMs).toBeLessThan(3_000);
    const grantWhileDown = await invoke(acceptGrant('any-code'), env);
    expect(grantWhileDown.event).toMatchObject({
      header: { namespace: 'Alexa.Authorization', name: 'ErrorResponse' },
      payload: { type: 'ACCEPT_GRANT_FAILED' },
    });

    await broker.resume();
    await waitFor(
      'the relay resubscribed after the broker came back',
      () => relay.logs().filter((line) => line.msg === 'mqtt subscribed').length >= 2,
      () => relay.logs().slice(-5),
      20_000,
    );
    const again = await invoke(discover(), env);
    expect(again.event.header.name).toBe('Discover.Response');
  }, 60_000);

  it('answers Alexa ENDPOINT_UNREACHABLE within its budget when the relay is down', async () => {
    const { env, relay } = await setup();
    relay.process.kill('SIGTERM');
    await relay.exited;

    // Nobody holds the directive topic: mosquitto says so in the PUBACK, so the answer is quick.
    const startedMs = Date.now();
    const reply = await invoke(discover(), env, 2_000);
    expect(reply.event.header.name).toBe('ErrorResponse');
    expect(reply.event.payload.type).toBe('ENDPOINT_UNREACHABLE');
    expect(Date.now() - startedMs).toBeLessThan(2_000);
  }, 60_000);
});
