// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax, written out.
import type { Gesture } from '@pressgate/protocol';

/**
 * The text of the pressgate.yaml that `pressgate init` writes: one remote,
 * commented so a person can edit it, secrets as `${VAR}` references. Pure:
 * the command does the asking and the I/O.
 */

export const GESTURE_ORDER: readonly Gesture[] = ['single', 'double', 'long'];

/** The environment variables the written file reads its secrets from. */
export const SECRET_VARIABLES = [
  'PRESSGATE_CLIENT_ID',
  'PRESSGATE_CLIENT_SECRET',
  'PRESSGATE_DIRECTIVE_SECRET',
] as const;

/** Button names by the order the person pressed them: Alexa's catalog has First..Eighth. */
const ORDINAL_ASSETS = [
  'FirstButton',
  'SecondButton',
  'ThirdButton',
  'FourthButton',
  'FifthButton',
  'SixthButton',
  'SeventhButton',
  'EighthButton',
];

const GESTURE_TEXT: Record<Gesture, { event: string; name: string }> = {
  single: { event: 'SinglePush', name: 'Single press' },
  double: { event: 'DoublePush', name: 'Double press' },
  long: { event: 'LongPush', name: 'Long press' },
};

export type InitButton = {
  /** The device's button number (1..16). */
  button: number;
  /** 0 for the button the person calls the first one, and so on. */
  order: number;
  instance: string;
  gestures: readonly Gesture[];
};

export type InitConfig = {
  remoteId: string;
  endpointId: string;
  friendlyName: string;
  serialPath: string;
  baudRate: number;
  locale: string;
  buttons: readonly InitButton[];
  /** What was learnt about the device, for the header comment. */
  device?: { deviceId: string; firmware: string; buttons: number };
  /** Where an editor finds the JSON schema, when known. */
  schemaRef?: string;
};

/** Alexa's catalog name for the n-th button (0-based), or text past the eighth. */
export function buttonNameYaml(order: number, locale: string): string {
  const asset = ORDINAL_ASSETS[order];
  return asset === undefined
    ? `{ text: ${quote(`Button ${order + 1}`)}, locale: ${locale} }`
    : `{ asset: Alexa.Button.${asset} }`;
}

export function buttonLabel(order: number): string {
  const asset = ORDINAL_ASSETS[order];
  return asset === undefined ? `button ${order + 1}` : asset.replace(/Button$/, ' button').toLowerCase();
}

/** A remote id from a name: lower case letters, digits and `-`, never empty. */
export function slug(text: string, fallback = 'remote'): string {
  const value = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return value === '' ? fallback : value;
}

export function renderInitYaml(config: InitConfig, file: string): string {
  const lines: string[] = [];
  if (config.schemaRef !== undefined) {
    lines.push(`# yaml-language-server: $schema=${config.schemaRef}`, '#');
  }
  lines.push(`# ${file}: written by \`pressgate init\`.`);
  if (config.device !== undefined) {
    const { deviceId, firmware, buttons } = config.device;
    lines.push(`# Remote ${deviceId}, firmware ${firmware}, ${buttons} buttons.`);
  }
  lines.push(
    `# Check it with \`pressgate check --config ${file}\`: every problem is printed with its line.`,
    '# `${NAME}` in a value is read from the environment, so secrets stay out of this file:',
    `# set ${SECRET_VARIABLES.join(', ')} before \`pressgate run\`.`,
    '',
    '# The local relay service: it holds the Alexa tokens and sends the events.',
    'relay:',
    '  host: 127.0.0.1 # the address the HTTP API and status page listen on',
    '  port: 8787',
    '  dataDir: ./data # tokens and outbox (created 0700)',
    '',
    '# Your Alexa skill: "Alexa Client Id" and "Alexa Client Secret" from its Permissions page.',
    'alexa:',
    '  region: NA # NA, EU (also India) or FE (Far East, Australia)',
    '  clientId: ${PRESSGATE_CLIENT_ID}',
    '  clientSecret: ${PRESSGATE_CLIENT_SECRET}',
    '',
    "# Shared with the skill's forwarder (16+ characters, e.g. `openssl rand -hex 32`).",
    'directives:',
    '  secret: ${PRESSGATE_DIRECTIVE_SECRET}',
    '',
    'remotes:',
    `  - id: ${config.remoteId} # letters, digits, _ and -; used in logs and the API`,
    '    serial:',
    `      path: ${quote(config.serialPath)} # \`pressgate ports\` lists what is plugged in`,
    `      baudRate: ${config.baudRate}`,
    '    endpoint:',
    `      endpointId: ${config.endpointId} # never change it: Alexa knows the remote by it`,
    `      friendlyName: ${quote(config.friendlyName)} # shown in the Alexa app`,
    '    # Each button is one Alexa instance. `instance` is a UUID v4 that must never change:',
    '    # routines are bound to it. Gestures: single, double and long. Mapping `double` makes',
    '    # `single` wait doublePressMs (300 ms) after the release to tell them apart.',
    '    buttons:',
  );
  const ordered = [...config.buttons].sort((a, b) => a.button - b.button);
  for (const entry of ordered) {
    lines.push(
      `      - button: ${entry.button} # the ${buttonLabel(entry.order)}`,
      `        instance: ${entry.instance}`,
      `        names: [${buttonNameYaml(entry.order, config.locale)}]`,
      '        gestures:',
    );
    for (const gesture of GESTURE_ORDER.filter((known) => entry.gestures.includes(known))) {
      const text = GESTURE_TEXT[gesture];
      lines.push(
        `          ${gesture}: { id: Button.${text.event}.${entry.button}, names: [{ text: ${text.name}, locale: ${config.locale} }] }`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A YAML double-quoted scalar (JSON's string syntax is a subset of it). */
function quote(text: string): string {
  return JSON.stringify(text);
}
