import { readFile } from 'node:fs/promises';
import { type DirectivesMqttConfig, PressgateError, SIGNATURE_HEADER } from '@pressgate/protocol';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { AlexaAnswer, DirectiveHandler } from '../http/directive-handler.js';
import { type ErrorBody, errorBody, toErrorBody } from '../http/http-errors.js';
import { reconnectDelayMs } from './backoff.js';
import { brokerLabel, directiveTopic, signatureOf } from './mqtt-wire.js';

/** Largest directive payload answered; a directive is a few kB. */
export const DEFAULT_MQTT_MAX_PAYLOAD_BYTES = 64 * 1024;
/** Directives handled at once; more are answered ERR_MQTT_BUSY at once. */
export const DEFAULT_MQTT_MAX_IN_FLIGHT = 16;

export type MqttConnectionState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped';

export type MqttTransportOptions = {
  config: DirectivesMqttConfig;
  handler: DirectiveHandler;
  logger: Logger;
  maxPayloadBytes?: number;
  maxInFlight?: number;
  /** First reconnect delay; doubles up to reconnectMaxMs. */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  connectTimeoutMs?: number;
  keepaliveS?: number;
  nowMs?: () => number;
};

export type MqttTransportStatus = {
  transport: 'mqtt';
  state: MqttConnectionState;
  /** scheme://host:port only: never a user name or password. */
  broker: string;
  topic: string;
  /** When the current state began (ISO 8601). */
  since: string;
  /** The last connection error's code (ECONNREFUSED, a CONNACK reason code, ...). */
  lastError?: string;
  reconnects: number;
  answered: number;
  refused: number;
  dropped: number;
};

/**
 * Directives over an outbound MQTT 5 connection (docs/mqtt.md): subscribes to
 * `<topicPrefix>/directives` at QoS 1, runs each message through the same
 * handler as POST /alexa/directive, and publishes the answer to the request's
 * response topic with its correlation data. Reconnects with bounded backoff
 * for as long as it runs; start() never waits for the broker.
 */
export class MqttDirectiveTransport {
  readonly #config: DirectivesMqttConfig;
  readonly #handler: DirectiveHandler;
  readonly #logger: Logger;
  readonly #maxPayloadBytes: number;
  readonly #maxInFlight: number;
  readonly #reconnectInitialMs: number;
  readonly #reconnectMaxMs: number;
  readonly #connectTimeoutMs: number;
  readonly #keepaliveS: number;
  readonly #nowMs: () => number;
  readonly #topic: string;
  #client: MqttClient | undefined;
  #state: MqttConnectionState = 'idle';
  #sinceMs: number;
  #lastError: string | undefined;
  #attempt = 0;
  #reconnects = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #inFlight = 0;
  readonly #counts = { answered: 0, refused: 0, dropped: 0 };
  #stopping: Promise<void> | undefined;

  constructor(options: MqttTransportOptions) {
    this.#config = options.config;
    this.#handler = options.handler;
    this.#logger = options.logger.child({ component: 'mqtt' });
    this.#maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MQTT_MAX_PAYLOAD_BYTES;
    this.#maxInFlight = options.maxInFlight ?? DEFAULT_MQTT_MAX_IN_FLIGHT;
    this.#reconnectInitialMs = options.reconnectInitialMs ?? 500;
    this.#reconnectMaxMs = options.reconnectMaxMs ?? 30_000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#keepaliveS = options.keepaliveS ?? 30;
    this.#nowMs = options.nowMs ?? Date.now;
    this.#topic = directiveTopic(options.config.topicPrefix);
    this.#sinceMs = this.#nowMs();
  }

  get state(): MqttConnectionState {
    return this.#state;
  }

  /**
   * Reads the certificate files (a missing one is an error now, not a retry loop), then starts
   * connecting and returns without waiting for the broker.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#client !== undefined || this.#stopping !== undefined) return;
    const options = await this.#clientOptions();
    signal?.throwIfAborted();
    if (this.#stopping !== undefined) return;
    this.#setState('connecting');
    const client = connect(this.#config.url, options);
    this.#client = client;
    client.on('connect', () => this.#onConnect(client));
    client.on('close', () => this.#onClose());
    client.on('error', (error) => this.#onError(error));
    client.on('message', (topic, payload, packet) => {
      void this.#onMessage(client, topic, payload, packet);
    });
  }

  /** Disconnects and stops reconnecting; answers still being computed are dropped. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      this.#setState('stopped');
      const client = this.#client;
      if (client !== undefined) await client.endAsync(true).catch(() => undefined);
      this.#logger.info('mqtt transport stopped');
    })();
    return this.#stopping;
  }

  status(): MqttTransportStatus {
    return {
      transport: 'mqtt',
      state: this.#state,
      broker: brokerLabel(this.#config.url),
      topic: this.#topic,
      since: new Date(this.#sinceMs).toISOString(),
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
      reconnects: this.#reconnects,
      ...this.#counts,
    };
  }

  async #clientOptions(): Promise<IClientOptions> {
    const { cert, key, ca, username, password, clientId } = this.#config;
    const files: Partial<Record<'cert' | 'key' | 'ca', Buffer>> = {};
    for (const [name, path] of [
      ['cert', cert],
      ['key', key],
      ['ca', ca],
    ] as const) {
      if (path === undefined) continue;
      try {
        files[name] = await readFile(path);
      } catch (error) {
        throw new PressgateError(
          'ERR_MQTT_CREDENTIALS_READ',
          `could not read directives.mqtt.${name} (${path}): ${(error as NodeJS.ErrnoException).code ?? 'error'}; check the path and that the pressgate user may read it`,
          { cause: error },
        );
      }
    }
    return {
      protocolVersion: 5,
      clientId,
      clean: true,
      // Reconnects are ours, with backoff (mqtt.js would retry at a fixed period).
      reconnectPeriod: 0,
      resubscribe: false,
      connectTimeout: this.#connectTimeoutMs,
      keepalive: this.#keepaliveS,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...files,
      properties: {
        // The broker sends no more than this many unacknowledged QoS 1 messages at once, and
        // none larger than the bound (oversized ones between the two limits are answered 413).
        receiveMaximum: this.#maxInFlight,
        maximumPacketSize: this.#maxPayloadBytes * 4,
      },
    };
  }

  #setState(state: MqttConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#sinceMs = this.#nowMs();
  }

  #onConnect(client: MqttClient): void {
    if (this.#stopping !== undefined) return;
    // Answers are small and must leave at once: no Nagle delay on a TCP stream.
    (client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
    this.#attempt = 0;
    this.#setState('connected');
    this.#logger.info({ broker: brokerLabel(this.#config.url), topic: this.#topic }, 'mqtt connected');
    client.subscribe(this.#topic, { qos: 1 }, (error, granted) => {
      const code = granted?.[0]?.qos;
      if (error !== null && error !== undefined) {
        this.#logger.error({ err: error, topic: this.#topic }, 'mqtt subscribe failed');
      } else if (code !== undefined && code >= 0x80) {
        // The broker refused the topic (its ACL): reconnecting will not help, but it is logged loudly.
        this.#lastError = `SUBACK_${code}`;
        this.#logger.error(
          { topic: this.#topic, reasonCode: code },
          'mqtt subscribe refused by the broker: allow this client to subscribe to the topic (broker ACL or AWS IoT policy)',
        );
      } else {
        this.#logger.info({ topic: this.#topic }, 'mqtt subscribed');
      }
    });
  }

  #onError(error: Error & { code?: string | number }): void {
    const code = error.code === undefined ? error.name : String(error.code);
    this.#lastError = code;
    const refused = typeof error.code === 'number';
    this.#logger.warn(
      { code, broker: brokerLabel(this.#config.url) },
      refused
        ? `mqtt broker refused the connection (${error.message}): check directives.mqtt credentials and the broker's ACL`
        : 'mqtt connection error',
    );
  }

  #onClose(): void {
    if (this.#stopping !== undefined || this.#retryTimer !== undefined) return;
    const wasConnected = this.#state === 'connected';
    this.#setState('waiting');
    const delayMs = reconnectDelayMs(this.#attempt, {
      initialMs: this.#reconnectInitialMs,
      maxMs: this.#reconnectMaxMs,
    });
    this.#attempt += 1;
    this.#logger[wasConnected ? 'warn' : 'info'](
      { delayMs, attempt: this.#attempt, lastError: this.#lastError },
      wasConnected ? 'mqtt connection lost; reconnecting' : 'mqtt not connected; retrying',
    );
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#stopping !== undefined) return;
      this.#reconnects += 1;
      this.#setState('connecting');
      this.#client?.reconnect();
    }, delayMs);
  }

  async #onMessage(
    client: MqttClient,
    topic: string,
    payload: Buffer,
    packet: IPublishPacket,
  ): Promise<void> {
    if (topic !== this.#topic) return;
    const responseTopic = packet.properties?.responseTopic;
    const correlationData = packet.properties?.correlationData;
    if (responseTopic === undefined || responseTopic === '' || /[+#]/.test(responseTopic)) {
      this.#counts.dropped += 1;
      this.#logger.warn(
        { code: 'ERR_MQTT_NO_RESPONSE_TOPIC' },
        'directive dropped: no usable MQTT 5 response topic to answer on',
      );
      return;
    }
    const answer = await this.#answer(payload, packet);
    if (answer === undefined) return;
    client.publish(
      responseTopic,
      JSON.stringify(answer),
      {
        qos: 1,
        properties: {
          contentType: 'application/json',
          ...(correlationData === undefined ? {} : { correlationData }),
        },
      },
      (error) => {
        if (error !== undefined && error !== null) {
          this.#logger.warn({ err: error }, 'directive answer not published');
        }
      },
    );
  }

  /** The answer to publish, or undefined to publish none (a replayed copy). */
  async #answer(payload: Buffer, packet: IPublishPacket): Promise<AlexaAnswer | ErrorBody | undefined> {
    if (payload.length > this.#maxPayloadBytes) {
      this.#counts.refused += 1;
      return errorBody(
        'ERR_HTTP_BODY_TOO_LARGE',
        413,
        `the directive is larger than ${this.#maxPayloadBytes} bytes, the most this relay reads`,
      );
    }
    if (this.#inFlight >= this.#maxInFlight) {
      this.#counts.refused += 1;
      this.#logger.warn({ code: 'ERR_MQTT_BUSY', inFlight: this.#inFlight }, 'directive refused: busy');
      return errorBody(
        'ERR_MQTT_BUSY',
        503,
        `the relay is already handling ${this.#maxInFlight} directives; try again`,
      );
    }
    this.#inFlight += 1;
    try {
      const answer = await this.#handler.handle({
        rawBody: payload,
        signature: signatureOf(packet.properties?.userProperties, SIGNATURE_HEADER),
        from: 'mqtt',
      });
      this.#counts.answered += 1;
      return answer;
    } catch (error) {
      const body = toErrorBody(error, this.#maxPayloadBytes);
      if (body.code === 'ERR_SIGNATURE_REPLAY') {
        // A QoS 1 redelivery or a captured copy: the first copy gets (or got) the answer, and
        // an immediate refusal here could overtake it on the reply topic.
        this.#counts.dropped += 1;
        return undefined;
      }
      this.#counts.refused += 1;
      if (body.statusCode >= 500) this.#logger.error({ err: error, code: body.code }, 'directive failed');
      return body;
    } finally {
      this.#inFlight -= 1;
    }
  }
}
