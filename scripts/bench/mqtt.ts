/**
 * Directive round trip over MQTT beside HTTPS, on loopback, in one run:
 * forwarder -> mosquitto -> relay -> mosquitto -> forwarder, and forwarder -> relay HTTP.
 * Standalone (not part of `pnpm bench`'s list):
 *   pnpm exec tsx --conditions=source scripts/bench/mqtt.ts [--samples=N]
 * Needs mosquitto (Debian package mosquitto). Prints p50/p99 per transport and writes
 * bench-results/mqtt.json. Each sample is a signed Discover answered by the real relay against
 * the emulator; the MQTT sample includes the forwarder's connect and subscribe, as in Lambda
 * (a fresh connection per invocation). Plain HTTP to loopback stands in for HTTPS (no TLS here).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@pressgate/emulator';
import { PressgateConfig } from '@pressgate/protocol';
import { createRelay, createRelayLogger } from '@pressgate/relay';
import { relayTestConfigInput, startMosquitto } from '@pressgate/test-kit';
import {
  forwardDirective,
  forwardDirectiveOverMqtt,
  loadAnyForwarderConfig,
  loadForwarderConfig,
} from '../../packages/skill-lambda/src/index.js';
import { formatNumber, formatTable, summarize } from './stats.js';

const CLIENT_ID = 'amzn1.application-oa2-client.bench-mqtt';
const CLIENT_SECRET = 'bench-mqtt-client-secret-0123456789';
const SECRET = 'bench-mqtt-directive-secret-0123456789';
const PREFIX = 'pressgate/bench';

const samplesArg = process.argv.find((arg) => arg.startsWith('--samples='));
const SAMPLES = Math.max(10, Math.min(5000, Number(samplesArg?.split('=')[1] ?? 300) || 300));
const WARMUP = 20;

function discover(): object {
  return {
    directive: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'Discover',
        payloadVersion: '3',
        messageId: crypto.randomUUID(),
      },
      payload: { scope: { type: 'BearerToken', token: 'Atza|bench' } },
    },
  };
}

const silent = (): void => undefined;

const broker = await startMosquitto({ stopOnTestEnd: false });
const user = broker.users[0];
if (user === undefined) throw new Error('no broker user');
const dataDir = await mkdtemp(join(tmpdir(), 'pressgate-bench-mqtt-'));
const emulator = await startEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
const config = PressgateConfig.parse({
  ...relayTestConfigInput({
    dataDir,
    gatewayUrl: emulator.gatewayUrl,
    lwaTokenUrl: emulator.lwaTokenUrl,
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, directiveSecret: SECRET },
  }),
  directives: {
    secret: SECRET,
    transport: 'mqtt',
    mqtt: {
      url: broker.tcpUrl,
      clientId: 'bench-relay',
      username: user.username,
      password: user.password,
      topicPrefix: PREFIX,
    },
  },
});
const relay = createRelay({ config, logger: createRelayLogger(undefined, 'warn') });
try {
  const url = await relay.start();
  const connectedBy = performance.now() + 10_000;
  while (relay.core !== undefined && performance.now() < connectedBy) {
    const status = (await (await fetch(`${url}/v1/status`)).json()) as { directives?: { state: string } };
    if (status.directives?.state === 'connected') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const https = loadForwarderConfig({ PRESSGATE_RELAY_URL: url, PRESSGATE_DIRECTIVE_SECRET: SECRET });
  const mqtt = loadAnyForwarderConfig({
    PRESSGATE_MQTT_URL: broker.wsUrl,
    PRESSGATE_MQTT_USERNAME: user.username,
    PRESSGATE_MQTT_PASSWORD: user.password,
    PRESSGATE_MQTT_TOPIC_PREFIX: PREFIX,
    PRESSGATE_DIRECTIVE_SECRET: SECRET,
  });
  const mqttTcp = loadAnyForwarderConfig({
    PRESSGATE_MQTT_URL: broker.tcpUrl,
    PRESSGATE_MQTT_USERNAME: user.username,
    PRESSGATE_MQTT_PASSWORD: user.password,
    PRESSGATE_MQTT_TOPIC_PREFIX: PREFIX,
    PRESSGATE_DIRECTIVE_SECRET: SECRET,
  });
  if (!https.ok || !mqtt.ok || mqtt.config.transport !== 'mqtt') throw new Error('forwarder config refused');
  if (!mqttTcp.ok || mqttTcp.config.transport !== 'mqtt') throw new Error('forwarder config refused');
  const mqttConfig = mqtt.config;
  const mqttTcpConfig = mqttTcp.config;

  const run = {
    https: async () => forwardDirective(discover(), https.config, fetch, { log: silent }),
    mqtt: async () => forwardDirectiveOverMqtt(discover(), mqttConfig, { log: silent }),
    mqttTcp: async () => forwardDirectiveOverMqtt(discover(), mqttTcpConfig, { log: silent }),
  };
  const NAMES = ['https', 'mqtt', 'mqttTcp'] as const;
  const LABELS = {
    https: 'HTTP POST /alexa/directive',
    mqtt: 'MQTT via mosquitto, WebSocket (as from Lambda)',
    mqttTcp: 'MQTT via mosquitto, TCP',
  };
  const times: Record<keyof typeof run, number[]> = { https: [], mqtt: [], mqttTcp: [] };
  let failures = 0;
  // Interleaved, so both transports see the same machine load.
  for (let i = 0; i < WARMUP + SAMPLES; i += 1) {
    for (const name of NAMES) {
      const startedMs = performance.now();
      const reply = (await run[name]()) as { event?: { header?: { name?: string } } };
      const elapsedMs = performance.now() - startedMs;
      if (reply.event?.header?.name !== 'Discover.Response') failures += 1;
      else if (i >= WARMUP) times[name].push(elapsedMs);
    }
  }
  const summaries = {
    https: summarize(times.https),
    mqtt: summarize(times.mqtt),
    mqttTcp: summarize(times.mqttTcp),
  };
  process.stdout.write(
    `directive round trip on loopback (Discover, ${SAMPLES} samples each after ${WARMUP} warm-up, ${cpus().length} CPUs, ${failures} failed)\n`,
  );
  process.stdout.write(
    `${formatTable(
      ['transport', 'p50 ms', 'p99 ms', 'mean ms', 'max ms'],
      NAMES.map((name) => [
        LABELS[name],
        formatNumber(summaries[name].p50Ms),
        formatNumber(summaries[name].p99Ms),
        formatNumber(summaries[name].meanMs),
        formatNumber(summaries[name].maxMs),
      ]),
    )}\n`,
  );
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(
    join(outDir, 'mqtt.json'),
    `${JSON.stringify({ samples: SAMPLES, failures, node: process.version, cpus: cpus().length, ...summaries }, null, 2)}\n`,
  );
} finally {
  await relay.stop();
  await emulator.close();
  await broker.stop();
  await rm(dataDir, { recursive: true, force: true });
}
