import { type Gesture, PressgateConfig, type PressgateConfigInput } from '@pressgate/protocol';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '../commands/emulator.js';

/** The demo's own directive secret: it signs the AcceptGrant and Discover it sends itself. */
export const DEMO_DIRECTIVE_SECRET = 'pressgate-demo-directive-secret-0001';
export const DEMO_REMOTE_ID = 'demo-remote';
export const DEMO_ENDPOINT_ID = 'pressgate-demo-remote';
/** Fixed instance ids, so Alexa would see the same buttons on every run. */
export const DEMO_INSTANCES: Readonly<Record<number, string>> = {
  1: '6b1f3c2a-8d4e-4f7a-9b3c-1e2d3f4a5b61',
  2: '0c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e62',
};

const GESTURE_NAMES: Readonly<Record<Gesture, string>> = {
  single: 'single press',
  double: 'double press',
  long: 'long press',
};

const buttonOf = (button: number, label: string) => ({
  button,
  instance: DEMO_INSTANCES[button] ?? '',
  names: [{ text: label, locale: 'en-US' }],
  gestures: {
    single: {
      id: `Button.SinglePush.${button}`,
      names: [{ text: `${label} ${GESTURE_NAMES.single}`, locale: 'en-US' }],
    },
    double: {
      id: `Button.DoublePush.${button}`,
      names: [{ text: `${label} ${GESTURE_NAMES.double}`, locale: 'en-US' }],
    },
    long: {
      id: `Button.LongPush.${button}`,
      names: [{ text: `${label} ${GESTURE_NAMES.long}`, locale: 'en-US' }],
    },
  },
});

export type DemoConfigOptions = {
  dataDir: string;
  /** Relay port on 127.0.0.1 (0: any free port). */
  port: number;
  gatewayUrl: string;
  lwaTokenUrl: string;
  /** The host side of the simulated remote's pseudo-terminal. */
  serialPath: string;
  /** Directives over this broker (directives.transport mqtt) instead of POST /alexa/directive. */
  mqtt?: { url: string };
};

/** The demo relay's topic prefix: it takes directives on `pressgate/demo/directives`. */
export const DEMO_TOPIC_PREFIX = 'pressgate/demo';

/** One remote with two buttons, single, double and long mapped on both, pointed at the emulator. */
export function demoConfigInput(options: DemoConfigOptions): PressgateConfigInput {
  return {
    relay: { host: '127.0.0.1', port: options.port, dataDir: options.dataDir },
    alexa: {
      region: 'NA',
      clientId: DEMO_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
      gatewayUrl: options.gatewayUrl,
      lwaTokenUrl: options.lwaTokenUrl,
      maxEventAgeMs: 30_000,
    },
    directives:
      options.mqtt === undefined
        ? { secret: DEMO_DIRECTIVE_SECRET }
        : {
            secret: DEMO_DIRECTIVE_SECRET,
            transport: 'mqtt',
            mqtt: { url: options.mqtt.url, clientId: 'pressgate-demo-relay', topicPrefix: DEMO_TOPIC_PREFIX },
          },
    remotes: [
      {
        id: DEMO_REMOTE_ID,
        serial: { path: options.serialPath, baudRate: 115_200 },
        endpoint: {
          endpointId: DEMO_ENDPOINT_ID,
          friendlyName: 'Demo remote',
          description: 'pressgate demo: a simulated two button remote',
        },
        timing: { doublePressMs: 300, longPressMs: 800 },
        buttons: [buttonOf(1, 'Top button'), buttonOf(2, 'Bottom button')],
      },
    ],
  };
}

export function demoConfig(options: DemoConfigOptions): PressgateConfig {
  return PressgateConfig.parse(demoConfigInput(options));
}
