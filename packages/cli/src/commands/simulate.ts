import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  FIRMWARE_BUTTONS,
  firmwareScriptProblems,
  formatScriptProblems,
  openPtyPair,
  type PtyPair,
  parseScript,
  type ScriptLine,
  VirtualRemote,
} from '@pressgate/device-tools';
import { DEVICE_ID_PATTERN, MS_MODULO, PressgateError } from '@pressgate/protocol';
import {
  booleanOption,
  type CliIo,
  type Command,
  type CommandContext,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  integerOption,
  stringOption,
  UsageError,
  writeLine,
} from '../command.js';
import { simulateFirmware } from './simulate-firmware.js';
import { interactive, playScript } from './simulate-play.js';

export { LINGER_MS } from './simulate-play.js';

/** Where the host side of the pty goes unless --link says otherwise: stable, so a config can name it. */
export const DEFAULT_SIM_LINK = '/tmp/pressgate-sim/remote';

/** Options that set what the virtual remote says; the firmware has its own, built in. */
const VIRTUAL_ONLY_OPTIONS = ['device-id', 'buttons', 'checksum', 'uptime-ms'] as const;
const MAX_BOUNCE_MS = 1000;

export type SimulateSettings = {
  link: string;
  scriptFile: string | undefined;
  deviceId: string;
  buttons: number;
  checksum: boolean;
  keepOpen: boolean;
  startNow: boolean;
  startUptimeMs: number;
  firmware: boolean;
  bounceMs: number;
};

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'a virtual remote on a pseudo-terminal that speaks protocol v1',
  usage:
    'pressgate simulate [--link PATH] [--script FILE] [--device-id ID] [--buttons N] [--checksum] [--keep-open] [--start-now] [--uptime-ms N] [--firmware [--bounce-ms N]]',
  details: [
    'Makes a pseudo-terminal pair (needs socat) and plays a remote on it. Point `pressgate monitor',
    "--port PATH` or a remote's serial.path in pressgate.yaml at the --link path.",
    '',
    'With --script, the steps in FILE play once a host has opened the port and asked for HELLO',
    '(or at once with --start-now), then the command exits. Without it, type the same steps:',
    '  press 1 [90ms]   single 1   double 2   long 1   hold 2 1500ms   wait 400ms',
    '  log TEXT   raw TEXT (one unchecked line)   hello   help   quit',
    'One step per line; # starts a comment. A heartbeat B line goes out every second.',
    '',
    'With --firmware, the real reference firmware (its atmega328p build) runs in the simavr',
    'simulator instead, and the steps change the levels of its button pins: the host sees what a',
    'real board sends (rmt-0001, 4 buttons, a heartbeat every 2.5 s). Holds and waits run in the',
    'simulated time; --bounce-ms N adds N ms of contact bounce to every press and release.',
    'log, raw and hello are not steps for the firmware. It needs `pnpm firmware:build` (run for',
    'you when the build is missing) and the Debian packages gcc-avr avr-libc arduino-core-avr',
    'arduino-mk simavr libsimavr-dev libsimavrparts1 libelf-dev; without them it says which and',
    'exits 2. PRESSGATE_FIRMWARE_BUILD_DIR: where the build is (default build/firmware).',
  ].join('\n'),
  options: {
    link: {
      type: 'string',
      valueName: 'PATH',
      description: 'where to put the port a host opens',
      default: DEFAULT_SIM_LINK,
    },
    script: { type: 'string', valueName: 'FILE', description: 'play the steps in FILE, then exit' },
    'device-id': {
      type: 'string',
      valueName: 'ID',
      description: 'device id in HELLO (letters, digits, . _ -)',
      default: 'sim-0001',
    },
    buttons: { type: 'string', valueName: 'N', description: 'number of buttons, 1..16', default: '4' },
    checksum: { type: 'boolean', description: 'end every line with a *HH checksum' },
    'keep-open': { type: 'boolean', description: 'after the script, keep the remote up until Ctrl-C' },
    'start-now': {
      type: 'boolean',
      description: "play the script at once instead of waiting for the host's first ?",
    },
    'uptime-ms': {
      type: 'string',
      valueName: 'MS',
      description: 'device uptime to start from (e.g. 4294960000 to cross the 2^32 wrap)',
      default: '0',
    },
    firmware: {
      type: 'boolean',
      description: 'run the reference firmware in the simavr simulator instead of the virtual remote',
    },
    'bounce-ms': {
      type: 'string',
      valueName: 'N',
      description: 'with --firmware: contact bounce on every press and release, 0..1000 ms',
      default: '0',
    },
  },
  async run(context) {
    const settings = readSettings(context);
    const { io } = context;
    let script: ScriptLine[] | undefined;
    if (settings.scriptFile !== undefined) {
      const loaded = await loadScript(settings.scriptFile, settings.buttons, settings.firmware);
      if (!loaded.ok) {
        writeLine(io.stderr, loaded.message);
        return EXIT_USAGE;
      }
      script = loaded.steps;
    }
    if (settings.firmware) return simulateFirmware(io, settings, script);
    await mkdir(dirname(settings.link), { recursive: true });
    const pair = await openPtyPair({ hostPath: settings.link });
    try {
      return await simulate(io, settings, pair, script);
    } finally {
      await pair.kill();
    }
  },
};

function readSettings(context: CommandContext): SimulateSettings {
  const { io } = context;
  const firmware = booleanOption(context, 'firmware');
  const bounceMs = integerOption(context, 'bounce-ms') ?? 0;
  if (bounceMs > MAX_BOUNCE_MS)
    throw new UsageError(`--bounce-ms expects 0..${MAX_BOUNCE_MS}, got ${bounceMs}`);
  if (bounceMs > 0 && !firmware) throw new UsageError('--bounce-ms needs --firmware');
  // Parsed values carry the defaults: an option counts as given when it differs from its default.
  const given = VIRTUAL_ONLY_OPTIONS.filter((name) => {
    const value = context.values[name];
    return value !== undefined && value !== false && value !== simulateCommand.options[name]?.default;
  });
  if (firmware && given.length > 0) {
    throw new UsageError(
      `--${given[0]} sets the virtual remote; the firmware has its own settings (rmt-0001, ${FIRMWARE_BUTTONS} buttons, no checksum): drop it or --firmware`,
    );
  }
  const buttons = firmware ? FIRMWARE_BUTTONS : (integerOption(context, 'buttons') ?? 4);
  if (buttons < 1 || buttons > 16) throw new UsageError(`--buttons expects 1..16, got ${buttons}`);
  const deviceId = stringOption(context, 'device-id') ?? 'sim-0001';
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    throw new UsageError(`--device-id expects 1..32 of letters, digits, . _ -, got "${deviceId}"`);
  }
  const startUptimeMs = integerOption(context, 'uptime-ms') ?? 0;
  if (startUptimeMs >= MS_MODULO) {
    throw new UsageError(`--uptime-ms expects 0..${MS_MODULO - 1} (u32), got ${startUptimeMs}`);
  }
  const script = stringOption(context, 'script');
  return {
    link: resolve(io.cwd, stringOption(context, 'link') ?? DEFAULT_SIM_LINK),
    scriptFile: script === undefined ? undefined : resolve(io.cwd, script),
    deviceId,
    buttons,
    checksum: booleanOption(context, 'checksum'),
    keepOpen: booleanOption(context, 'keep-open'),
    startNow: booleanOption(context, 'start-now'),
    startUptimeMs,
    firmware,
    bounceMs,
  };
}

async function loadScript(
  file: string,
  buttons: number,
  firmware: boolean,
): Promise<{ ok: true; steps: ScriptLine[] } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
    return { ok: false, message: `pressgate simulate: cannot read the script ${file}: ${why}` };
  }
  const parsed = parseScript(text, { buttons });
  if (!parsed.ok) return { ok: false, message: formatScriptProblems(file, parsed.problems) };
  const refused = firmware ? firmwareScriptProblems(parsed.steps) : [];
  if (refused.length > 0) return { ok: false, message: formatScriptProblems(file, refused) };
  return { ok: true, steps: parsed.steps };
}

async function simulate(
  io: CliIo,
  settings: SimulateSettings,
  pair: PtyPair,
  script: ScriptLine[] | undefined,
): Promise<number> {
  const lost = new AbortController();
  const signal = AbortSignal.any([io.signal, lost.signal]);
  const remote = new VirtualRemote({
    path: pair.devicePath,
    deviceId: settings.deviceId,
    buttons: settings.buttons,
    checksum: settings.checksum,
    startUptimeMs: settings.startUptimeMs,
  });
  const onLost = (error: PressgateError): void => {
    if (!lost.signal.aborted) lost.abort(error);
  };
  remote.on('closed', onLost);
  void pair.closed.then(() =>
    onLost(new PressgateError('ERR_SIM_CLOSED', `socat exited: the pty at ${settings.link} is gone`)),
  );
  let hostAsked = false;
  remote.on('query', () => {
    hostAsked = true;
    writeLine(io.stdout, 'host asked for HELLO (?): answered');
  });
  try {
    await remote.start(signal);
    writeLine(
      io.stdout,
      `virtual remote ${remote.deviceId} (${remote.buttons} buttons${settings.checksum ? ', checksummed' : ''}) on ${settings.link}`,
    );
    writeLine(io.stdout, `  watch it:  pressgate monitor --port ${settings.link}`);
    writeLine(io.stdout, `  or set a remote's serial.path to ${settings.link} in pressgate.yaml`);
    if (script === undefined) await interactive(io, remote, signal);
    else {
      const startNow = settings.startNow || hostAsked;
      await playScript(
        io,
        remote,
        script,
        {
          link: settings.link,
          keepOpen: settings.keepOpen,
          waitForHost: startNow ? undefined : (waitSignal) => hostQuery(remote, waitSignal),
          waitingFor: `open ${settings.link} and ask for HELLO`,
        },
        signal,
      );
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    remote.off('closed', onLost);
    await remote.stop();
  }
  if (lost.signal.aborted && !io.signal.aborted) {
    const reason = lost.signal.reason as PressgateError;
    writeLine(io.stderr, `pressgate simulate: ${reason.code}: ${reason.message}`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

function hostQuery(remote: VirtualRemote, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolveWait, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    remote.once('query', () => {
      signal.removeEventListener('abort', onAbort);
      resolveWait();
    });
  });
}
