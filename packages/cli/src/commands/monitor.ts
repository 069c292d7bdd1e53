import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { decoderSetupFor, Listener, type ListenerEvents } from '@pressgate/listener';
import { type Gesture, type PressgateConfig, type RemoteConfig, resolveGesture } from '@pressgate/protocol';
import { pino } from 'pino';
import {
  booleanOption,
  type CliIo,
  type Command,
  type CommandContext,
  EXIT_OK,
  EXIT_USAGE,
  integerOption,
  requireStringOption,
  stringOption,
  UsageError,
  writeLine,
} from '../command.js';
import { AMAZON_SECRETS, formatProblems, loadConfigFile } from '../config-file.js';

type Event<K extends keyof ListenerEvents> = ListenerEvents[K][0];

/** One output record; `--json` prints these as they are, one per line. */
export type MonitorRecord =
  | { type: 'connected'; path: string; deviceId: string; firmware: string; buttons: number; at: string }
  | { type: 'disconnected'; code: string; message: string; at: string }
  | { type: 'waiting'; code: string; message: string; retryInMs: number; at: string }
  | (
      | { type: 'line'; raw: string; ok: true; message: unknown; checksum: boolean; at: string }
      | { type: 'line'; raw: string; ok: false; error: { code: string; message: string }; at: string }
    )
  | {
      type: 'gesture';
      button: number;
      gesture: Gesture;
      eventId: string | null;
      deviceMs: number;
      at: string;
    }
  | { type: 'anomaly'; kind: string; button?: number; detail: string; at: string };

export const monitorCommand: Command = {
  name: 'monitor',
  summary: 'live view of the lines a remote sends and the gestures decoded from them',
  usage: 'pressgate monitor --port PATH [--config FILE] [--remote ID] [--json] [--heartbeats] [--baud N]',
  details: [
    'Opens PATH (a /dev/serial/by-id path, /dev/ttyACM0, or the link of `pressgate simulate`) and',
    'prints every line and every decoded gesture until Ctrl-C. With --config, gestures are decoded',
    'with that remote\'s timing and show the eventId they map to, or "not mapped". Unplugging is',
    'shown and survived: monitor waits for the port to come back.',
    '--json prints one object per line: {"type":"gesture","button":1,"gesture":"double",',
    '"eventId":"Button.DoublePush.1","deviceMs":1234,"at":"..."}, and line, connected,',
    'disconnected, waiting and anomaly objects.',
  ].join('\n'),
  options: {
    port: { type: 'string', valueName: 'PATH', description: 'the serial port to open' },
    config: {
      type: 'string',
      valueName: 'FILE',
      description: 'pressgate.yaml, to show what each gesture maps to',
    },
    remote: {
      type: 'string',
      valueName: 'ID',
      description: 'which remote of the config this is (default: the one whose serial.path is PATH)',
    },
    json: { type: 'boolean', description: 'one JSON object per line' },
    heartbeats: { type: 'boolean', description: 'also show the heartbeat lines (hidden by default)' },
    baud: { type: 'string', valueName: 'N', description: "baud rate (default: the remote's, or 115200)" },
  },
  async run(context) {
    const { io } = context;
    const port = resolve(io.cwd, requireStringOption(context, 'port'));
    const baud = integerOption(context, 'baud');
    if (baud === 0) throw new UsageError('--baud expects a positive whole number, got 0');
    let config: PressgateConfig | undefined;
    const configFile = stringOption(context, 'config');
    if (configFile !== undefined) {
      // monitor never talks to Amazon: the Alexa secrets may be unset.
      const loaded = await loadConfigFile(resolve(io.cwd, configFile), io.env, {
        unusedSecrets: AMAZON_SECRETS,
      });
      if (!loaded.ok) {
        writeLine(io.stderr, formatProblems(configFile, loaded.problems));
        return EXIT_USAGE;
      }
      config = loaded.config;
    }
    const remote = config === undefined ? undefined : pickRemote(context, config, port, io.cwd);
    const print = printer(io, booleanOption(context, 'json'), booleanOption(context, 'heartbeats'));
    if (!booleanOption(context, 'json')) {
      const nearby = configFile === undefined ? await defaultConfigNearby(io.cwd) : undefined;
      writeLine(io.stdout, describeSetup(port, configFile, remote, nearby));
    }
    await watch(io, { port, baudRate: baud ?? remote?.serial.baudRate ?? 115_200, config, remote, print });
    return EXIT_OK;
  },
};

function pickRemote(
  context: CommandContext,
  config: PressgateConfig,
  port: string,
  cwd: string,
): RemoteConfig | undefined {
  const ids = config.remotes.map((remote) => remote.id);
  const wanted = stringOption(context, 'remote');
  if (wanted !== undefined) {
    const found = config.remotes.find((remote) => remote.id === wanted);
    if (found === undefined) {
      throw new UsageError(
        `--remote ${wanted}: the config has no such remote; it has ${ids.join(', ') || 'none'}`,
      );
    }
    return found;
  }
  const byPath = config.remotes.find(
    (remote) => remote.serial.path !== undefined && resolve(cwd, remote.serial.path) === port,
  );
  if (byPath !== undefined || config.remotes.length <= 1) return byPath ?? config.remotes[0];
  throw new UsageError(
    `the config has ${ids.length} remotes (${ids.join(', ')}) and none has serial.path ${port}: pick one with --remote ID`,
  );
}

/** `pressgate.yaml` in the current directory, when there is one to suggest. */
async function defaultConfigNearby(cwd: string): Promise<string | undefined> {
  try {
    await access(resolve(cwd, 'pressgate.yaml'));
    return 'pressgate.yaml';
  } catch {
    return undefined;
  }
}

function describeSetup(
  port: string,
  configFile: string | undefined,
  remote: RemoteConfig | undefined,
  nearby?: string,
): string {
  if (configFile === undefined) {
    // Advice about a config only when there is one to pass.
    const hint = nearby === undefined ? '' : ` (add --config ${nearby} to see what each maps to)`;
    return `monitoring ${port} with default timing${hint}. Ctrl-C to stop.`;
  }
  if (remote === undefined) return `monitoring ${port}; ${configFile} has no remotes, so nothing is mapped.`;
  return `monitoring ${port} as remote ${remote.id} of ${configFile}. Ctrl-C to stop.`;
}

type WatchOptions = {
  port: string;
  baudRate: number;
  config: PressgateConfig | undefined;
  remote: RemoteConfig | undefined;
  print: (record: MonitorRecord) => void;
};

/** Run a Listener on the port until the shutdown signal; every event becomes a record. */
async function watch(io: CliIo, options: WatchOptions): Promise<void> {
  const { remote, config, print } = options;
  const remoteId = remote?.id ?? 'monitor';
  const listener = new Listener({
    remoteId,
    serial: { path: options.port, baudRate: options.baudRate },
    decoder: decoderSetupFor(remote),
    // Everything worth saying comes out as records; the listener's own log would repeat it.
    logger: pino({ level: 'silent' }),
  });
  const now = () => new Date().toISOString();
  let lastWaitCode: string | undefined;
  listener.on('connected', (event: Event<'connected'>) => {
    lastWaitCode = undefined;
    const { path, deviceId, firmware, buttons: count } = event;
    print({ type: 'connected', path, deviceId, firmware, buttons: count, at: now() });
  });
  listener.on('disconnected', (event: Event<'disconnected'>) =>
    print({ type: 'disconnected', code: event.code, message: event.message, at: now() }),
  );
  listener.on('retry', (event: Event<'retry'>) => {
    if (event.code === lastWaitCode) return;
    lastWaitCode = event.code;
    print({ type: 'waiting', code: event.code, message: event.message, retryInMs: event.delayMs, at: now() });
  });
  listener.on('line', (event: Event<'line'>) => {
    const { raw, result, at } = event;
    print(
      result.ok
        ? { type: 'line', raw, ok: true, message: result.message, checksum: result.checksum, at }
        : { type: 'line', raw, ok: false, error: result.error, at },
    );
  });
  listener.on('gesture', (event: Event<'gesture'>) => {
    const target =
      config === undefined ? undefined : resolveGesture(config, remoteId, event.button, event.gesture);
    print({
      type: 'gesture',
      button: event.button,
      gesture: event.gesture,
      eventId: target?.eventId ?? null,
      deviceMs: event.deviceMs,
      at: event.at,
    });
  });
  listener.on('anomaly', (event: Event<'anomaly'>) =>
    print({
      type: 'anomaly',
      kind: event.kind,
      ...(event.button === undefined ? {} : { button: event.button }),
      detail: event.detail,
      at: now(),
    }),
  );
  const stopped = new Promise<void>((resolveStop) => {
    if (io.signal.aborted) resolveStop();
    io.signal.addEventListener('abort', () => resolveStop(), { once: true });
  });
  try {
    await listener.start(io.signal);
    await stopped;
  } catch (error) {
    if (!io.signal.aborted) throw error;
  } finally {
    await listener.stop();
  }
}

function printer(io: CliIo, json: boolean, heartbeats: boolean): (record: MonitorRecord) => void {
  const format = json ? JSON.stringify : formatRecord;
  return (record) => {
    if (!heartbeats && isHeartbeat(record)) return;
    writeLine(io.stdout, format(record));
  };
}

function isHeartbeat(record: MonitorRecord): boolean {
  return (
    record.type === 'line' && record.ok && (record.message as { type?: unknown } | null)?.type === 'heartbeat'
  );
}

const KIND_WIDTH = 12;

/** One aligned line: local time, what, then the details. */
export function formatRecord(record: MonitorRecord): string {
  const time = clockTime(record.at);
  const row = (kind: string, text: string) => `${time}  ${kind.padEnd(KIND_WIDTH)}  ${text}`;
  switch (record.type) {
    case 'connected':
      return row(
        'connected',
        `${record.deviceId} firmware ${record.firmware}, ${record.buttons} buttons, on ${record.path}`,
      );
    case 'disconnected':
      return row('disconnected', `${record.code}: ${record.message}`);
    case 'waiting':
      return row('waiting', `${record.code}: ${record.message}`);
    case 'line':
      return record.ok
        ? row('line', record.raw)
        : row('bad line', `${record.error.code}  ${record.error.message}`);
    case 'gesture':
      return row(
        'GESTURE',
        `button ${String(record.button).padEnd(2)}  ${record.gesture.padEnd(6)}  ${record.eventId ?? 'not mapped'}  (device ${record.deviceMs} ms)`,
      );
    case 'anomaly':
      return row(
        'anomaly',
        `${record.kind}${record.button === undefined ? '' : ` button ${record.button}`}: ${record.detail}`,
      );
  }
}

function clockTime(iso: string): string {
  const date = new Date(iso);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
