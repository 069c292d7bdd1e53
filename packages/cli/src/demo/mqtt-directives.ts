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

/**
 * Directives over the broker, as the skill's forwarder sends them with PRESSGATE_MQTT_URL
 * (docs/mqtt.md): published to `<topicPrefix>/directives` with the signature in the MQTT 5
 * user property, a response topic of our own and correlation data; the answer comes back on
 * that topic. The relay connects to the broker on its own schedule, so a try that gets no
 * answer (the relay not subscribed yet) is followed by a fresh directive until `timeoutMs`.
 */
export class MqttDirectives {
  readonly #client: MqttClient;
  readonly #options: Required<MqttDirectivesOptions>;
  readonly #replyTopic: string;
  readonly #waiting = new Map<string, (payload: unknown) => void>();

  /** Use `MqttDirectives.connect`: this takes a client already connected. */
  constructor(client: MqttClient, options: Required<MqttDirectivesOptions>) {
    this.#client = client;
    this.#options = options;
    this.#replyTopic = `${options.topicPrefix}/replies/${randomUUID()}`;
    client.on('message', (topic, payload, packet) => {
      const correlation = packet.properties?.correlationData?.toString('utf8') ?? '';
      const resolve = this.#waiting.get(correlation);
      if (topic !== this.#replyTopic || resolve === undefined) return;
      this.#waiting.delete(correlation);
      resolve(JSON.parse(payload.toString('utf8')) as unknown);
    });
  }

  /** Connected to the broker and subscribed to a fresh reply topic. */
  static async connect(options: MqttDirectivesOptions): Promise<MqttDirectives> {
    const full = { attemptMs: 1_000, timeoutMs: 10_000, ...options };
    const client = await connectAsync(full.url, {
      protocolVersion: 5,
      clientId: `pressgate-demo-${randomUUID()}`,
      reconnectPeriod: 0,
      connectTimeout: full.timeoutMs,
    });
    const directives = new MqttDirectives(client, full);
    await client.subscribeAsync(directives.#replyTopic, { qos: 1 });
    return directives;
  }

  readonly send: DirectiveSender = async (make) => {
    const deadline = performance.now() + this.#options.timeoutMs;
    for (;;) {
      const answer = await this.#attempt(make);
      if (answer !== undefined) return answer;
      if (performance.now() > deadline) {
        throw new PressgateError(
          'ERR_DEMO_LINK',
          `no answer from the relay over MQTT (${this.#options.url}, topic ${directiveTopic(this.#options.topicPrefix)}) within ${this.#options.timeoutMs} ms`,
        );
      }
    }
  };

  async close(): Promise<void> {
    await this.#client.endAsync(true).catch(() => undefined);
  }

  /** One signed directive; its answer, or undefined when none came within attemptMs. */
  #attempt(make: () => object): Promise<unknown> {
    const correlation = randomUUID();
    const body = JSON.stringify(make());
    const signature = signDirective(this.#options.secret, body, Math.floor(Date.now() / 1000));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(correlation);
        resolve(undefined);
      }, this.#options.attemptMs);
      this.#waiting.set(correlation, (payload) => {
        clearTimeout(timer);
        resolve(payload);
      });
      const properties = {
        contentType: 'application/json',
        responseTopic: this.#replyTopic,
        correlationData: Buffer.from(correlation, 'utf8'),
        userProperties: { [SIGNATURE_HEADER]: signature },
      };
      this.#client
        .publishAsync(directiveTopic(this.#options.topicPrefix), body, { qos: 1, properties })
        .catch((error: unknown) => {
          clearTimeout(timer);
          this.#waiting.delete(correlation);
          reject(error);
        });
    });
  }
}
