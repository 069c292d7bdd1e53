import { describe, expect, it } from 'vitest';
import { loadAnyForwarderConfig } from './mqtt-forwarder-config.js';

const SECRET = 'mqtt-cfg-test-secret-1f2e';
const BASE = { PRESSGATE_DIRECTIVE_SECRET: SECRET, PRESSGATE_MQTT_TOPIC_PREFIX: 'pressgate/box-1' };

function problemsOf(env: Record<string, string>): string[] {
  const result = loadAnyForwarderConfig(env);
  return result.ok ? [] : result.problems;
}

describe('loadAnyForwarderConfig', () => {
  it('keeps PRESSGATE_RELAY_URL alone as HTTPS, as before', () => {
    const result = loadAnyForwarderConfig({
      PRESSGATE_RELAY_URL: 'https://relay.example.net',
      PRESSGATE_DIRECTIVE_SECRET: SECRET,
    });
    expect(result.ok && 'directiveUrl' in result.config && result.config.directiveUrl.href).toBe(
      'https://relay.example.net/alexa/directive',
    );
  });

  it('reads a password broker', () => {
    const result = loadAnyForwarderConfig({
      ...BASE,
      PRESSGATE_MQTT_URL: 'mqtts://broker.example.net:8883',
      PRESSGATE_MQTT_USERNAME: 'lambda',
      PRESSGATE_MQTT_PASSWORD: 'pw',
    });
    expect(result).toEqual({
      ok: true,
      config: {
        transport: 'mqtt',
        brokerUrl: new URL('mqtts://broker.example.net:8883'),
        topicPrefix: 'pressgate/box-1',
        auth: { kind: 'password', username: 'lambda', password: 'pw' },
        secret: SECRET,
        timeoutMs: 6000,
      },
    });
  });

  it('reads AWS IoT over WebSocket with the role credentials Lambda sets', () => {
    const result = loadAnyForwarderConfig({
      ...BASE,
      PRESSGATE_MQTT_URL: 'wss://abc-ats.iot.eu-west-1.amazonaws.com/mqtt',
      PRESSGATE_MQTT_AUTH: 'aws-sigv4',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret-key',
      AWS_SESSION_TOKEN: 'session-token',
    });
    expect(result.ok && result.config.transport === 'mqtt' && result.config.auth).toEqual({
      kind: 'aws-sigv4',
      region: 'eu-west-1',
      credentials: {
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret-key',
        sessionToken: 'session-token',
      },
    });
  });

  it('reports every problem at once and never echoes a password', () => {
    const problems = problemsOf({
      PRESSGATE_RELAY_URL: 'https://relay.example.net',
      PRESSGATE_MQTT_URL: 'mqtt://broker.example.net',
      PRESSGATE_MQTT_TOPIC_PREFIX: 'pressgate/#',
      PRESSGATE_MQTT_PASSWORD: 'do-not-echo',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^both PRESSGATE_RELAY_URL and PRESSGATE_MQTT_URL are set/),
      expect.stringMatching(/^PRESSGATE_MQTT_URL is unencrypted \(mqtt:\) to broker\.example\.net/),
      expect.stringMatching(/^PRESSGATE_MQTT_TOPIC_PREFIX is not a topic prefix/),
      'PRESSGATE_MQTT_PASSWORD is set without PRESSGATE_MQTT_USERNAME: set both',
      expect.stringMatching(/^PRESSGATE_DIRECTIVE_SECRET is not set/),
    ]);
    expect(JSON.stringify(problems)).not.toContain('do-not-echo');
    expect(
      problemsOf({
        ...BASE,
        PRESSGATE_MQTT_URL: 'mqtts://broker.example.net',
        PRESSGATE_MQTT_AUTH: 'aws-sigv4',
      }),
    ).toEqual([
      'PRESSGATE_MQTT_AUTH=aws-sigv4 signs a WebSocket connection: PRESSGATE_MQTT_URL must be wss://',
      expect.stringMatching(/needs a region/),
      expect.stringMatching(/needs the role's credentials/),
    ]);
  });
});
