import type { AwsCredentials } from './aws-iot-url.js';
import {
  type ForwarderConfig,
  type ForwarderConfigResult,
  type ForwarderEnv,
  isLoopbackHost,
  loadForwarderConfig,
  readSecretAndTimeout,
} from './forwarder-config.js';

/** How the forwarder authenticates to the broker. */
export type MqttAuth =
  | { kind: 'none' }
  | { kind: 'password'; username: string; password: string | undefined }
  | { kind: 'aws-sigv4'; region: string; credentials: AwsCredentials };

/** Directives over a broker (docs/mqtt.md): the relay answers on a reply topic. */
export type MqttForwarderConfig = {
  transport: 'mqtt';
  /** The broker, without credentials. */
  brokerUrl: URL;
  /** The relay's directives.mqtt.topicPrefix: requests go to `<topicPrefix>/directives`. */
  topicPrefix: string;
  auth: MqttAuth;
  /** Shared with the relay's `directives.secret`. Never logged. */
  secret: string;
  /** Budget for the whole round trip (connect, subscribe, publish, answer). */
  timeoutMs: number;
};

export type AnyForwarderConfig = ForwarderConfig | MqttForwarderConfig;

export type AnyForwarderConfigResult =
  | { ok: true; config: AnyForwarderConfig }
  | Extract<ForwarderConfigResult, { ok: false }>;

const TOPIC_PREFIX = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

function brokerUrlOf(raw: string, problems: string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(
      `PRESSGATE_MQTT_URL is not a URL (${raw.length} characters): set it to the broker, e.g. mqtts://broker.example.net:8883 or wss://<id>-ats.iot.<region>.amazonaws.com/mqtt`,
    );
    return undefined;
  }
  if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol)) {
    problems.push(
      `PRESSGATE_MQTT_URL uses ${url.protocol}, expected mqtts: or wss: (mqtt: and ws: only to loopback)`,
    );
    return undefined;
  }
  if ((url.protocol === 'mqtt:' || url.protocol === 'ws:') && !isLoopbackHost(url.hostname)) {
    problems.push(
      `PRESSGATE_MQTT_URL is unencrypted (${url.protocol}) to ${url.hostname}: directives carry account tokens, so use mqtts: or wss: (plain is only allowed to localhost / 127.0.0.1 / [::1])`,
    );
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    problems.push(
      'PRESSGATE_MQTT_URL contains a user name or password: put them in PRESSGATE_MQTT_USERNAME and PRESSGATE_MQTT_PASSWORD instead',
    );
    return undefined;
  }
  url.hash = '';
  return url;
}

function authOf(env: ForwarderEnv, url: URL | undefined, problems: string[]): MqttAuth {
  const mode = env.PRESSGATE_MQTT_AUTH?.trim() ?? '';
  const username = env.PRESSGATE_MQTT_USERNAME ?? '';
  const password = env.PRESSGATE_MQTT_PASSWORD ?? '';
  if (mode === 'aws-sigv4') {
    if (url !== undefined && url.protocol !== 'wss:') {
      problems.push(
        'PRESSGATE_MQTT_AUTH=aws-sigv4 signs a WebSocket connection: PRESSGATE_MQTT_URL must be wss://',
      );
    }
    const region = env.PRESSGATE_MQTT_AWS_REGION?.trim() || env.AWS_REGION?.trim() || '';
    const accessKeyId = env.AWS_ACCESS_KEY_ID ?? '';
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY ?? '';
    if (region === '') {
      problems.push(
        'PRESSGATE_MQTT_AUTH=aws-sigv4 needs a region: AWS_REGION (set by Lambda) or PRESSGATE_MQTT_AWS_REGION',
      );
    }
    if (accessKeyId === '' || secretAccessKey === '') {
      problems.push(
        "PRESSGATE_MQTT_AUTH=aws-sigv4 needs the role's credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (Lambda sets them)",
      );
    }
    const sessionToken = env.AWS_SESSION_TOKEN;
    return {
      kind: 'aws-sigv4',
      region,
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    };
  }
  if (mode !== '' && mode !== 'password') {
    problems.push(
      `PRESSGATE_MQTT_AUTH is ${JSON.stringify(mode.slice(0, 20))}, expected password or aws-sigv4 (or leave it unset)`,
    );
  }
  if (password !== '' && username === '') {
    problems.push('PRESSGATE_MQTT_PASSWORD is set without PRESSGATE_MQTT_USERNAME: set both');
  }
  if (username === '') return { kind: 'none' };
  return { kind: 'password', username, password: password === '' ? undefined : password };
}

/**
 * The forwarder's settings for either transport: PRESSGATE_MQTT_URL picks MQTT
 * (with PRESSGATE_MQTT_TOPIC_PREFIX and credentials), else PRESSGATE_RELAY_URL
 * and HTTPS as before. Every problem is reported at once.
 */
export function loadAnyForwarderConfig(env: ForwarderEnv): AnyForwarderConfigResult {
  const rawMqtt = env.PRESSGATE_MQTT_URL?.trim() ?? '';
  if (rawMqtt === '') return loadForwarderConfig(env);
  const problems: string[] = [];
  if ((env.PRESSGATE_RELAY_URL?.trim() ?? '') !== '') {
    problems.push(
      "both PRESSGATE_RELAY_URL and PRESSGATE_MQTT_URL are set: keep the one matching the relay's directives.transport",
    );
  }
  const brokerUrl = brokerUrlOf(rawMqtt, problems);
  const topicPrefix = env.PRESSGATE_MQTT_TOPIC_PREFIX?.trim() ?? '';
  if (!TOPIC_PREFIX.test(topicPrefix) || topicPrefix.length > 200) {
    problems.push(
      `PRESSGATE_MQTT_TOPIC_PREFIX ${topicPrefix === '' ? 'is not set' : 'is not a topic prefix'}: set it to the relay's directives.mqtt.topicPrefix, like pressgate/living-room (no + or #)`,
    );
  }
  const auth = authOf(env, brokerUrl, problems);
  const { secret, timeoutMs } = readSecretAndTimeout(env, problems);
  if (problems.length > 0 || brokerUrl === undefined) {
    return {
      ok: false,
      code: 'ERR_FORWARDER_CONFIG',
      message: `pressgate forwarder misconfigured: ${problems.join('; ')}`,
      problems,
    };
  }
  return { ok: true, config: { transport: 'mqtt', brokerUrl, topicPrefix, auth, secret, timeoutMs } };
}
