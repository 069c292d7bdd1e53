import { randomUUID } from 'node:crypto';
import { PressgateError, SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';
import { connectAsync, type MqttClient } from 'mqtt';
import type { DirectiveSender } from './link-relay.js';

/** Where the relay takes directives: the wire contract of docs/mqtt.md, "Wire contract". */
const directiveTopic = (topicPrefix: string) => `${topicPrefix}/directives`;

export type MqttDirectivesOptions = {
  /** The broker, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  /** The relay's directives.mqtt.topicPrefix. */
  topicPrefix: string;
  secret: string;
  /** How long one try waits for the answer before sending a fresh directive; default 1 s. */
  attemptMs?: number;
  /** How long a directive may take in all; default 10 s. */
  timeoutMs?: number;
};

export type MqttDirectives = {
  send: DirectiveSender;
  /** Directives answered over the broker so far. */
  readonly answered: number;
  close(): Promise<void>;
};

/**
 * Directives over the broker, as the skill's forwarder sends them with PRESSGATE_MQTT_URL
 * (docs/mqtt.md): published to `<topicPrefix>/directives` with the signature in the MQTT 5
 * user property, a response topic of our own and correlation data; the answer comes back on
 * that topic. The relay connects to the broker on its own schedule, so a try that gets no
 * answer (the relay not subscribed yet) is followed by a fresh directive until `timeoutMs`.
 */
export async function connectMqttDirectives(options: MqttDirectivesOptions): Promise<MqttDirectives> {
  const attemptMs = options.attemptMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client: MqttClient = await connectAsync(options.url, {
    protocolVersion: 5,
    clientId: `pressgate-demo-${randomUUID()}`,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
  });
  const replyTopic = `${options.topicPrefix}/replies/${randomUUID()}`;
  const waiting = new Map<string, (payload: unknown) => void>();
  client.on('message', (topic, payload, packet) => {
    const correlation = packet.properties?.correlationData?.toString('utf8');
    const resolve = correlation === undefined ? undefined : waiting.get(correlation);
    if (topic !== replyTopic || resolve === undefined) return;
    waiting.delete(correlation as string);
    resolve(JSON.parse(payload.toString('utf8')) as unknown);
  });
  await client.subscribeAsync(replyTopic, { qos: 1 });
  let answered = 0;

  const attempt = (make: () => object): Promise<unknown> => {
    const correlation = randomUUID();
    const body = JSON.stringify(make());
    const signature = signDirective(options.secret, body, Math.floor(Date.now() / 1000));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(correlation);
        resolve(undefined);
      }, attemptMs);
      waiting.set(correlation, (payload) => {
        clearTimeout(timer);
        resolve(payload);
      });
      client
        .publishAsync(directiveTopic(options.topicPrefix), body, {
          qos: 1,
          properties: {
            contentType: 'application/json',
            responseTopic: replyTopic,
            correlationData: Buffer.from(correlation, 'utf8'),
            userProperties: { [SIGNATURE_HEADER]: signature },
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          waiting.delete(correlation);
          reject(error);
        });
    });
  };

  const send: DirectiveSender = async (make) => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const answer = await attempt(make);
      if (answer !== undefined) {
        answered += 1;
        return answer;
      }
      if (performance.now() > deadline) {
        throw new PressgateError(
          'ERR_DEMO_LINK',
          `no answer from the relay over MQTT (${options.url}, topic ${directiveTopic(options.topicPrefix)}) within ${timeoutMs} ms`,
        );
      }
    }
  };

  return {
    send,
    get answered() {
      return answered;
    },
    close: async () => {
      await client.endAsync(true).catch(() => undefined);
    },
  };
}
