import { randomUUID } from 'node:crypto';
import { SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';
import type { IClientOptions, MqttClient } from 'mqtt';
import { presignIotWebSocketUrl } from './aws-iot-url.js';
import { type AlexaReply, buildErrorFor, summarizeDirective } from './error-response.js';
import {
  type Failure,
  type ForwardOptions,
  failureOfStatus,
  isAlexaReply,
  parseJson,
  safeSummary,
  serializeDirective,
} from './forward-directive.js';
import { logToConsole } from './log-line.js';
import type { MqttForwarderConfig } from './mqtt-forwarder-config.js';

/** Largest answer read from the reply topic; an Alexa answer is a few kB. */
const MAX_ANSWER_BYTES = 256 * 1024;
/** MQTT 5 PUBACK "No matching subscribers": no relay holds the directive topic. */
const NO_MATCHING_SUBSCRIBERS = 16;

const UNREACHABLE_FOR_ALEXA = 'The pressgate relay did not answer.';
const INTERNAL_FOR_ALEXA = 'The pressgate relay could not handle the directive.';

type Outcome = { ok: true; reply: AlexaReply } | { ok: false; failure: Failure };

class Stop extends Error {
  constructor(readonly failure: Failure) {
    super(failure.msg);
  }
}

function unreachable(msg: string, fields?: Record<string, unknown>): Failure {
  return {
    code: 'ERR_FORWARDER_UNREACHABLE',
    alexaType: 'ENDPOINT_UNREACHABLE',
    msg,
    alexaMessage: UNREACHABLE_FOR_ALEXA,
    ...(fields === undefined ? {} : { fields }),
  };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return error instanceof Error ? error.name : typeof error;
}

async function clientOptions(
  config: MqttForwarderConfig,
  timeoutMs: number,
): Promise<[string, IClientOptions]> {
  const options: IClientOptions = {
    protocolVersion: 5,
    clientId: `pressgate-forwarder-${randomUUID()}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: Math.max(1, timeoutMs),
    keepalive: 30,
  };
  const { auth } = config;
  if (auth.kind === 'password') {
    options.username = auth.username;
    if (auth.password !== undefined) options.password = auth.password;
  }
  if (auth.kind === 'aws-sigv4') {
    const url = await presignIotWebSocketUrl({
      endpoint: config.brokerUrl,
      region: auth.region,
      credentials: auth.credentials,
    });
    return [url, options];
  }
  return [config.brokerUrl.href, options];
}

/** Connect, subscribe to a fresh reply topic, publish the signed directive, wait for its answer. */
async function roundTrip(
  body: string,
  config: MqttForwarderConfig,
  nowMs: () => number,
  deadline: AbortSignal,
): Promise<AlexaReply> {
  const { connect } = await import('mqtt');
  const [url, options] = await clientOptions(config, config.timeoutMs);
  const client: MqttClient = connect(url, options);
  const correlation = randomUUID();
  const replyTopic = `${config.topicPrefix}/replies/${randomUUID()}`;
  try {
    return await new Promise<AlexaReply>((resolve, reject) => {
      const fail = (failure: Failure): void => reject(new Stop(failure));
      deadline.addEventListener(
        'abort',
        () => fail({ ...unreachable(''), code: 'ERR_FORWARDER_TIMEOUT', msg: '' }),
        { once: true },
      );
      client.on('error', (error) =>
        fail(
          unreachable(
            `could not connect to the MQTT broker (${codeOf(error)}): check PRESSGATE_MQTT_URL and the credentials (PRESSGATE_MQTT_USERNAME/PASSWORD, or the Lambda role's IoT policy)`,
            { errorCode: codeOf(error) },
          ),
        ),
      );
      client.on('close', () =>
        fail(unreachable('the MQTT broker closed the connection before the answer came')),
      );
      client.on('message', (topic, payload, packet) => {
        if (topic !== replyTopic) return;
        if (packet.properties?.correlationData?.toString('utf8') !== correlation) return;
        if (payload.length > MAX_ANSWER_BYTES) {
          fail(badAnswer(`${payload.length} bytes, more than ${MAX_ANSWER_BYTES}`));
          return;
        }
        const parsed = parseJson(payload.toString('utf8'));
        if (!parsed.ok) {
          fail(badAnswer(`${payload.length} bytes that are not JSON`));
        } else if (isAlexaReply(parsed.value)) {
          resolve(parsed.value);
        } else {
          const status = (parsed.value as { statusCode?: unknown } | null)?.statusCode;
          fail(
            typeof status === 'number'
              ? failureOfStatus(status, parsed.value)
              : badAnswer('JSON without an event object'),
          );
        }
      });
      // This client publishes once: a PUBACK saying nobody holds the directive topic is ours.
      client.on('packetreceive', (packet) => {
        if (packet.cmd === 'puback' && packet.reasonCode === NO_MATCHING_SUBSCRIBERS) {
          fail({
            ...unreachable(
              `no relay is subscribed to ${config.topicPrefix}/directives: check that the relay runs with directives.transport mqtt, the same topicPrefix and a connection to the broker (GET /v1/status)`,
            ),
            code: 'ERR_FORWARDER_NO_RELAY',
          });
        }
      });
      client.on('connect', () => {
        (client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
        void (async () => {
          const granted = await client.subscribeAsync(replyTopic, { qos: 1 });
          const qos = granted[0]?.qos ?? 0x80;
          if (qos >= 0x80) {
            throw new Stop(
              unreachable(
                `the broker refused the subscription to the reply topic ${replyTopic} (reason ${qos}): allow the forwarder to subscribe to ${config.topicPrefix}/replies/#`,
              ),
            );
          }
          const signature = signDirective(config.secret, body, Math.floor(nowMs() / 1000));
          await client.publishAsync(`${config.topicPrefix}/directives`, body, {
            qos: 1,
            properties: {
              responseTopic: replyTopic,
              correlationData: Buffer.from(correlation, 'utf8'),
              contentType: 'application/json',
              userProperties: { [SIGNATURE_HEADER]: signature },
            },
          });
        })().catch((error: unknown) =>
          error instanceof Stop
            ? reject(error)
            : fail(unreachable(`the MQTT exchange failed (${codeOf(error)})`, { errorCode: codeOf(error) })),
        );
      });
    });
  } finally {
    client.removeAllListeners('close');
    client.on('error', () => undefined);
    await client.endAsync(true).catch(() => undefined);
  }
}

function badAnswer(detail: string): Failure {
  return {
    code: 'ERR_FORWARDER_RELAY_BODY',
    alexaType: 'INTERNAL_ERROR',
    msg: `the relay answered with ${detail}, expected an Alexa response {"event":...}`,
    alexaMessage: INTERNAL_FOR_ALEXA,
  };
}

/**
 * forwardDirective over a broker (docs/mqtt.md): the same answers to Alexa on every failure
 * (ACCEPT_GRANT_FAILED for AcceptGrant, else ENDPOINT_UNREACHABLE or INTERNAL_ERROR), within
 * config.timeoutMs. Never throws.
 */
export async function forwardDirectiveOverMqtt(
  event: unknown,
  config: MqttForwarderConfig,
  options: ForwardOptions = {},
): Promise<AlexaReply> {
  const log = options.log ?? logToConsole;
  const nowMs = options.nowMs ?? Date.now;
  const startedMs = nowMs();
  const outcome = await attempt(event, config, nowMs);
  const summary = safeSummary(summarizeDirective(event));
  const durationMs = Math.max(0, nowMs() - startedMs);
  const broker = `${config.brokerUrl.protocol}//${config.brokerUrl.host}`;
  if (outcome.ok) {
    log({ level: 'info', msg: 'directive forwarded', ...summary, transport: 'mqtt', durationMs });
    return outcome.reply;
  }
  const { failure } = outcome;
  log({
    level: 'error',
    msg: failure.msg,
    code: failure.code,
    ...summary,
    ...failure.fields,
    transport: 'mqtt',
    broker,
    durationMs,
  });
  return buildErrorFor(event, failure.alexaType, failure.alexaMessage);
}

async function attempt(event: unknown, config: MqttForwarderConfig, nowMs: () => number): Promise<Outcome> {
  const serialized = serializeDirective(event);
  if (!serialized.ok) return serialized;
  const { body } = serialized;
  const deadline = AbortSignal.timeout(config.timeoutMs);
  try {
    return { ok: true, reply: await roundTrip(body, config, nowMs, deadline) };
  } catch (error) {
    if (error instanceof Stop) {
      if (error.failure.code === 'ERR_FORWARDER_TIMEOUT' || deadline.aborted) {
        return {
          ok: false,
          failure: {
            code: 'ERR_FORWARDER_TIMEOUT',
            alexaType: 'ENDPOINT_UNREACHABLE',
            msg: `no answer within ${config.timeoutMs} ms over MQTT: check that the relay runs and is connected to the broker (GET /v1/status), or raise PRESSGATE_TIMEOUT_MS (at most 7500)`,
            alexaMessage: UNREACHABLE_FOR_ALEXA,
          },
        };
      }
      return { ok: false, failure: error.failure };
    }
    return { ok: false, failure: unreachable(`the MQTT exchange failed (${codeOf(error)})`) };
  }
}
