import { EVENT_ASSET_IDS, INSTANCE_ASSET_IDS, suggestAssetId } from './assets.js';
import { formatConfigPath } from './path.js';

/**
 * Rules of `pressgate.yaml` that relate several keys. They run on the whole
 * file even when parts of it are malformed (so every problem is reported in
 * one go), which is why they read the value defensively, as unknown.
 */

export type ConfigPath = (string | number)[];
export type ReportIssue = (path: ConfigPath, message: string) => void;

type Entry = Record<string, unknown>;
const isRecord = (value: unknown): value is Entry =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Remembers the first path of each value; reports later duplicates. */
function uniqueTracker(report: ReportIssue, describe: (value: string, firstPath: string) => string) {
  const seen = new Map<string, string>();
  return (key: string, path: ConfigPath, shown = key): void => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, formatConfigPath(path));
    else report(path, describe(shown, first));
  };
}

export function checkConfigRules(config: unknown, report: ReportIssue): void {
  if (!isRecord(config)) return;
  checkDirectives(config.directives, report);
  const remoteIds = uniqueTracker(
    report,
    (id, first) => `duplicate remote id "${id}": ${first} already uses it; give each remote its own id`,
  );
  const endpointIds = uniqueTracker(
    report,
    (id, first) =>
      `duplicate endpointId "${id}": ${first} already uses it; give each remote its own endpointId`,
  );
  const instances = uniqueTracker(
    report,
    (id, first) =>
      `duplicate instance "${id}": ${first} already uses it; every button needs its own UUID v4 (node -e "console.log(crypto.randomUUID())")`,
  );

  listOf(config.remotes).forEach((remote, r) => {
    if (!isRecord(remote)) return;
    const base: ConfigPath = ['remotes', r];
    if (typeof remote.id === 'string') remoteIds(remote.id, [...base, 'id']);
    if (isRecord(remote.endpoint) && typeof remote.endpoint.endpointId === 'string') {
      endpointIds(remote.endpoint.endpointId, [...base, 'endpoint', 'endpointId']);
    }
    checkSerial(remote.serial, [...base, 'serial'], report);

    const remoteTiming = numbersOf(remote.timing);
    checkTiming(remoteTiming, [...base, 'timing'], report);

    const buttonNumbers = uniqueTracker(
      report,
      (n, first) => `duplicate button ${n}: ${first} already maps it; list each button once`,
    );
    listOf(remote.buttons).forEach((button, b) => {
      if (!isRecord(button)) return;
      const at: ConfigPath = [...base, 'buttons', b];
      if (typeof button.button === 'number') buttonNumbers(String(button.button), [...at, 'button']);
      if (typeof button.instance === 'string') {
        instances(button.instance.toLowerCase(), [...at, 'instance'], button.instance);
      }
      checkAssets(button.names, [...at, 'names'], 'button', report);
      checkGestures(button.gestures, [...at, 'gestures'], report);
      if (isRecord(button.timing)) {
        checkTiming({ ...remoteTiming, ...numbersOf(button.timing) }, [...at, 'timing'], report);
      }
    });
  });
}

function checkSerial(serial: unknown, path: ConfigPath, report: ReportIssue): void {
  if (!isRecord(serial)) return;
  const hasPath = serial.path !== undefined;
  const hasMatch = serial.match !== undefined;
  if (hasPath && hasMatch) {
    report(path, 'expected either path or match, got both: keep one of them');
  } else if (!hasPath && !hasMatch) {
    report(
      path,
      'expected path (like /dev/serial/by-id/usb-...) or match ({ vendorId, productId }); run `pressgate ports` to see what is plugged in',
    );
  }
}

type TimingNumbers = { doublePressMs?: number; longPressMs?: number; debounceMs?: number };

function numbersOf(timing: unknown): TimingNumbers {
  const out: TimingNumbers = {};
  if (!isRecord(timing)) return out;
  for (const key of ['doublePressMs', 'longPressMs', 'debounceMs'] as const) {
    const value = timing[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}

function checkTiming(timing: TimingNumbers, path: ConfigPath, report: ReportIssue): void {
  const { doublePressMs = 300, longPressMs = 800, debounceMs = 20 } = timing;
  if (longPressMs <= debounceMs) {
    report(
      path,
      `expected longPressMs (${longPressMs}) to be greater than debounceMs (${debounceMs}): raise longPressMs or lower debounceMs`,
    );
  }
  if (doublePressMs <= debounceMs) {
    report(
      path,
      `expected doublePressMs (${doublePressMs}) to be greater than debounceMs (${debounceMs}): raise doublePressMs or lower debounceMs`,
    );
  }
}

function checkGestures(gestures: unknown, path: ConfigPath, report: ReportIssue): void {
  if (!isRecord(gestures)) return;
  const mapped = (['single', 'double', 'long'] as const).filter((g) => gestures[g] !== undefined);
  if (mapped.length === 0) {
    report(
      path,
      'expected at least one gesture: single, double or long, like single: { id: Button.SinglePush.1 }',
    );
  }
  const eventIds = uniqueTracker(
    report,
    (id, first) =>
      `duplicate event id "${id}": ${first} already uses it on this button; give each gesture its own id`,
  );
  for (const gesture of mapped) {
    const mapping = gestures[gesture];
    if (!isRecord(mapping)) continue;
    if (typeof mapping.id === 'string') eventIds(mapping.id, [...path, gesture, 'id']);
    checkAssets(mapping.names, [...path, gesture, 'names'], 'event', report);
  }
}

function checkAssets(names: unknown, path: ConfigPath, kind: 'button' | 'event', report: ReportIssue): void {
  const catalog = kind === 'button' ? INSTANCE_ASSET_IDS : EVENT_ASSET_IDS;
  const other = kind === 'button' ? EVENT_ASSET_IDS : INSTANCE_ASSET_IDS;
  listOf(names).forEach((name, i) => {
    if (!isRecord(name) || typeof name.asset !== 'string' || name.asset === '') return;
    if (catalog.has(name.asset)) return;
    const suggestion = suggestAssetId(name.asset, catalog);
    const misplaced = other.has(name.asset)
      ? ` (that is ${kind === 'button' ? 'an event' : 'a button'} name, not ${kind === 'button' ? 'a button' : 'an event'} name)`
      : '';
    const fix =
      suggestion === undefined
        ? `use an id from the catalog (like ${kind === 'button' ? 'Alexa.Button.FirstButton' : 'Alexa.Button.SinglePress'}) or a text name { text: ..., locale: en-US }`
        : `did you mean ${suggestion}? Or use a text name { text: ..., locale: en-US }`;
    report([...path, i, 'asset'], `unknown ${kind} asset id "${name.asset}"${misplaced}; ${fix}`);
  });
}

/** directives.transport mqtt needs directives.mqtt; credentials come in pairs. */
function checkDirectives(directives: unknown, report: ReportIssue): void {
  if (!isRecord(directives)) return;
  const mqtt = directives.mqtt;
  if (directives.transport === 'mqtt' && mqtt === undefined) {
    report(
      ['directives', 'mqtt'],
      'directives.transport is mqtt, so directives.mqtt is required: { url, clientId, topicPrefix } and a username/password or a cert/key (see docs/mqtt.md)',
    );
  }
  if (!isRecord(mqtt)) return;
  const at: ConfigPath = ['directives', 'mqtt'];
  if (mqtt.password !== undefined && mqtt.username === undefined) {
    report([...at, 'username'], 'expected a username with the password: set both, or neither');
  }
  if ((mqtt.cert === undefined) !== (mqtt.key === undefined)) {
    report(
      [...at, mqtt.cert === undefined ? 'cert' : 'key'],
      'expected cert and key together: the client certificate and its private key, both PEM files',
    );
  }
  if (mqtt.cert !== undefined && typeof mqtt.url === 'string' && !/^(?:mqtts|wss):/i.test(mqtt.url)) {
    report(
      [...at, 'url'],
      'a client certificate needs TLS: use an mqtts:// or wss:// URL (AWS IoT Core: mqtts://<endpoint>:8883)',
    );
  }
}
