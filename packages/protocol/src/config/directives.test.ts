// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax, not a mistaken template
import { describe, expect, it } from 'vitest';
import { formatConfigPath } from './path.js';
import { validateConfig } from './validate.js';

const BASE = { alexa: { clientId: 'id', clientSecret: 'secret' } };
const SECRET = 'directive-secret-123';
const MQTT = { url: 'mqtts://broker.example.net:8883', clientId: 'box-1', topicPrefix: 'pressgate/box-1' };

function issuesOf(directives: unknown, env: Record<string, string> = {}): string[] {
  const result = validateConfig({ ...BASE, directives }, env);
  return result.ok ? [] : result.issues.map((issue) => `${formatConfigPath(issue.path)}: ${issue.message}`);
}

describe('directives.transport and directives.mqtt', () => {
  it('defaults to https and needs no mqtt block', () => {
    const result = validateConfig({ ...BASE, directives: { secret: SECRET } }, {});
    expect(result.ok && result.config.directives).toEqual({ secret: SECRET, transport: 'https' });
  });

  it('takes an mqtt block with ${VAR} secrets expanded', () => {
    const result = validateConfig(
      {
        ...BASE,
        directives: {
          secret: SECRET,
          transport: 'mqtt',
          mqtt: { ...MQTT, url: 'ws://127.0.0.1:9001', username: 'box', password: '${MQTT_PASSWORD}' },
        },
      },
      { MQTT_PASSWORD: 'broker-pass' },
    );
    expect(result.ok && result.config.directives.mqtt).toEqual({
      ...MQTT,
      url: 'ws://127.0.0.1:9001',
      username: 'box',
      password: 'broker-pass',
    });
  });

  it('requires directives.mqtt for the mqtt transport', () => {
    expect(issuesOf({ secret: SECRET, transport: 'mqtt' })).toEqual([
      expect.stringMatching(
        /^directives\.mqtt: directives\.transport is mqtt, so directives\.mqtt is required/,
      ),
    ]);
  });

  it('names the accepted transports and URL schemes', () => {
    expect(issuesOf({ secret: SECRET, transport: 'amqp' })).toEqual([
      'directives.transport: expected a transport: https or mqtt, got "amqp"',
    ]);
    expect(
      issuesOf({ secret: SECRET, transport: 'mqtt', mqtt: { ...MQTT, url: 'https://x.example' } }),
    ).toEqual([
      expect.stringMatching(
        /^directives\.mqtt\.url: expected the broker URL as mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\//,
      ),
    ]);
  });

  it('refuses wildcards in the topic prefix and unpaired credentials', () => {
    expect(
      issuesOf({
        secret: SECRET,
        transport: 'mqtt',
        mqtt: {
          ...MQTT,
          url: 'mqtt://127.0.0.1:1883',
          topicPrefix: 'pressgate/#',
          password: 'p',
          cert: '/c.pem',
        },
      }),
    ).toEqual([
      expect.stringMatching(
        /^directives\.mqtt\.topicPrefix: expected a topicPrefix like pressgate\/living-room/,
      ),
      'directives.mqtt.username: expected a username with the password: set both, or neither',
      'directives.mqtt.key: expected cert and key together: the client certificate and its private key, both PEM files',
      expect.stringMatching(/^directives\.mqtt\.url: a client certificate needs TLS/),
    ]);
  });
});
