import { randomUUID } from 'node:crypto';
import { startEmulator } from '@pressgate/emulator';
import { isPressgateError, PressgateConfig, SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';
import {
  acceptGrantDirective,
  HARNESS_CLIENT_ID as CLIENT_ID,
  HARNESS_CLIENT_SECRET as CLIENT_SECRET,
  captureLogs,
  HARNESS_DIRECTIVE_SECRET as DIRECTIVE_SECRET,
  discoverDirective,
  LIVING_ROOM_ENDPOINT_ID as ENDPOINT_ID,
  freshDir,
  type Mosquitto,
  relayTestConfigInput,
  reportStateDirective,
  startMosquitto,
  waitFor,
} from '@pressgate/test-kit';
import { connectAsync, type MqttClient } from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRelay, type Relay } from '../relay.js';

const PREFIX = 'pressgate/test-box';
type Answer = { payload: Record<string, unknown>; correlation: string | undefined; topic: string };

/** A relay with transport mqtt on a real mosquitto, and a requester client as the forwarder would be. */
async function setup(overrides: { brokerUrl?: (broker: Mosquitto) => string; cert?: string } = {}) {
  const broker = await startMosquitto();
  const user = broker.users[0];
  if (user === undefined) throw new Error('no broker user');
  const dataDir = await freshDir('pressgate-relay-mqtt-');
  const emulator = await startEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const input = relayTestConfigInput({
    dataDir,
    gatewayUrl: emulator.gatewayUrl,
    lwaTokenUrl: emulator.lwaTokenUrl,
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, directiveSecret: DIRECTIVE_SECRET },
  });
  const config = PressgateConfig.parse({
    ...input,
    directives: {
      secret: DIRECTIVE_SECRET,
      transport: 'mqtt',
      mqtt: {
        url: overrides.brokerUrl?.(broker) ?? broker.tcpUrl,
        clientId: `relay-${randomUUID()}`,
        username: user.username,
        password: user.password,
        topicPrefix: PREFIX,
        ...(overrides.cert === undefined ? {} : { cert: overrides.cert, key: overrides.cert }),
      },
    },
  });
  const logs = captureLogs();
  const relay = createRelay({ config, logger: logs.logger, stopDrainMs: 200 });
  onTestFinished(async () => {
    await relay.stop();
    await emulator.close();
  });
  const requester = await connectAsync(broker.wsUrl, {
    protocolVersion: 5,
    username: user.username,
    password: user.password,
    reconnectPeriod: 200,
  });
  onTestFinished(() => requester.endAsync(true));
  const replyTopic = `${PREFIX}/replies/${randomUUID()}`;
  const answers: Answer[] = [];
  requester.on('message', (topic, payload, packet) => {
    answers.push({
      topic,
      payload: JSON.parse(payload.toString('utf8')),
      correlation: packet.properties?.correlationData?.toString('utf8'),
    });
  });
  await requester.subscribeAsync(replyTopic, { qos: 1 });
  return { broker, relay, emulator, logs, requester, replyTopic, answers };
}

function publishDirective(
  requester: MqttClient,
  replyTopic: string,
  directive: object,
  options: { secret?: string; correlation?: string; payload?: string | Buffer } = {},
): { correlation: string; payload: string | Buffer; signature: string } {
  const payload = options.payload ?? JSON.stringify(directive);
  const correlation = options.correlation ?? randomUUID();
  const signature = signDirective(options.secret ?? DIRECTIVE_SECRET, payload, Math.floor(Date.now() / 1000));
  requester.publish(`${PREFIX}/directives`, payload, {
    qos: 1,
    properties: {
      responseTopic: replyTopic,
      correlationData: Buffer.from(correlation),
      userProperties: { [SIGNATURE_HEADER]: signature },
    },
  });
  return { correlation, payload, signature };
}

async function answerTo(answers: Answer[], correlation: string): Promise<Answer> {
  return waitFor(
    `the answer with correlation ${correlation}`,
    () => answers.find((answer) => answer.correlation === correlation),
    () => answers,
  );
}

async function connected(relay: Relay): Promise<void> {
  await waitFor('the relay connected to the broker', async () => {
    const status = (await (await fetch(`${relay.url}/v1/status`)).json()) as {
      directives?: { state: string };
    };
    return status.directives?.state === 'connected';
  });
}

describe('directives over MQTT', () => {
  it('answers AcceptGrant, Discover and ReportState on the response topic with the correlation data', async () => {
    const h = await setup();
    const url = await h.relay.start();
    await connected(h.relay);

    const grant = publishDirective(
      h.requester,
      h.replyTopic,
      acceptGrantDirective(h.emulator.issueAuthorizationCode()),
    );
    const granted = await answerTo(h.answers, grant.correlation);
    expect(granted.topic).toBe(h.replyTopic);
    expect(granted.payload).toMatchObject({ event: { header: { name: 'AcceptGrant.Response' } } });
    expect(h.relay.core.tokens.status().state).toBe('linked');

    const discover = publishDirective(h.requester, h.replyTopic, discoverDirective());
    const discovered = (await answerTo(h.answers, discover.correlation)).payload as {
      event: { payload: { endpoints: { endpointId: string }[] } };
    };
    expect(discovered.event.payload.endpoints.map((endpoint) => endpoint.endpointId)).toEqual([ENDPOINT_ID]);

    const report = publishDirective(h.requester, h.replyTopic, reportStateDirective(ENDPOINT_ID, 'corr-1'));
    expect((await answerTo(h.answers, report.correlation)).payload).toMatchObject({
      event: { header: { name: 'StateReport', correlationToken: 'corr-1' } },
    });

    const status = (await (await fetch(`${url}/v1/status`)).json()) as {
      directives: Record<string, unknown>;
    };
    expect(status.directives).toMatchObject({
      transport: 'mqtt',
      state: 'connected',
      broker: h.broker.tcpUrl,
      topic: `${PREFIX}/directives`,
      answered: 3,
    });
    expect(JSON.stringify(status)).not.toContain(h.broker.users[0]?.password);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('pressgate_mqtt_connected 1\n');
    expect(metrics).toContain('pressgate_mqtt_directives_total{outcome="answered"} 3\n');
  });

  it('checks the signature over the payload bytes as sent (a byte that is not UTF-8 stays that byte)', async () => {
    const h = await setup();
    await h.relay.start();
    await connected(h.relay);
    const [before, after] = JSON.stringify({ ...discoverDirective(), note: 'MARK' }).split('MARK') as [
      string,
      string,
    ];
    const bytes = Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(after)]);
    const sent = publishDirective(h.requester, h.replyTopic, {}, { payload: bytes });
    expect((await answerTo(h.answers, sent.correlation)).payload).toMatchObject({
      event: { header: { name: 'Discover.Response' } },
    });
  });

  it('answers an error body for a wrong secret, and no second answer for a replayed copy', async () => {
    const h = await setup();
    await h.relay.start();
    await connected(h.relay);

    const forged = publishDirective(h.requester, h.replyTopic, discoverDirective(), {
      secret: 'not-the-directive-secret-at-all',
    });
    expect((await answerTo(h.answers, forged.correlation)).payload).toMatchObject({
      statusCode: 401,
      code: 'ERR_SIGNATURE_MISMATCH',
    });

    const first = publishDirective(h.requester, h.replyTopic, discoverDirective());
    await answerTo(h.answers, first.correlation);
    // The same bytes and signature again, as a QoS 1 redelivery or a captured copy would be.
    h.requester.publish(`${PREFIX}/directives`, first.payload, {
      qos: 1,
      properties: {
        responseTopic: h.replyTopic,
        correlationData: Buffer.from(first.correlation),
        userProperties: { [SIGNATURE_HEADER]: first.signature },
      },
    });
    const after = publishDirective(h.requester, h.replyTopic, discoverDirective());
    await answerTo(h.answers, after.correlation);
    expect(h.answers.filter((answer) => answer.correlation === first.correlation)).toHaveLength(1);
    const status = (await (await fetch(`${h.relay.url}/v1/status`)).json()) as {
      directives: { dropped: number; refused: number };
    };
    expect(status.directives).toMatchObject({ dropped: 1, refused: 1 });
    expect(h.logs.entries()).toContainEqual(expect.objectContaining({ code: 'ERR_SIGNATURE_REPLAY' }));
  });

  it('reconnects after the broker goes away and comes back, and the next directive works', async () => {
    const h = await setup({ brokerUrl: (broker) => broker.wsUrl });
    await h.relay.start();
    await connected(h.relay);

    await h.broker.pause();
    await waitFor('the relay noticed the broker is gone', async () => {
      const status = (await (await fetch(`${h.relay.url}/v1/status`)).json()) as {
        directives: { state: string };
      };
      return status.directives.state !== 'connected';
    });
    await h.broker.resume();
    await connected(h.relay);
    await waitFor('the requester reconnected', () => h.requester.connected);
    await h.requester.subscribeAsync(h.replyTopic, { qos: 1 });

    const discover = publishDirective(h.requester, h.replyTopic, discoverDirective());
    expect((await answerTo(h.answers, discover.correlation)).payload).toMatchObject({
      event: { header: { name: 'Discover.Response' } },
    });
    const metrics = await (await fetch(`${h.relay.url}/metrics`)).text();
    expect(metrics).toMatch(/pressgate_mqtt_reconnects_total [1-9]/);
  });

  it('refuses to start when a certificate file cannot be read', async () => {
    const h = await setup({ brokerUrl: () => 'mqtts://127.0.0.1:1', cert: '/nonexistent/device.pem.crt' });
    const started = await h.relay.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isPressgateError(started) && started.code).toBe('ERR_MQTT_CREDENTIALS_READ');
  });
});
