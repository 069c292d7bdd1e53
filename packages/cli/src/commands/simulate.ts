import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import {
  formatScriptProblems,
  openPtyPair,
  type PtyPair,
  parseScript,
  parseStep,
  SCRIPT_VERBS,
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

/** Where the host side of the pty goes unless --link says otherwise: stable, so a config can name it. */
export const DEFAULT_SIM_LINK = '/tmp/pressgate-sim/remote';

/**
 * After the last step the remote stays up this long before the pty goes away,
 * so a listener can close its last double-press window: unplugging resets the
 * decoder and drops a gesture still being decided.
 */
export const LINGER_MS = 1000;

type Settings = {
  link: string;
  scriptFile: string | undefined;
  deviceId: string;
  buttons: number;
  checksum: boolean;
  keepOpen: boolean;
  startNow: boolean;
  startUptimeMs: number;
};

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'a virtual remote on a pseudo-terminal that speaks protocol v1',
  usage:
    'pressgate simulate [--link PATH] [--script FILE] [--device-id ID] [--buttons N] [--checksum] [--keep-open] [--start-now] [--uptime-ms N]',
  details: [
    'Makes a pseudo-terminal pair (needs socat) and plays a remote on it. Point `pressgate monitor',
    "--port PATH` or a remote's serial.path in pressgate.yaml at the --link path.",
    '',
    'With --script, the steps in FILE play once a host has opened the port and asked for HELLO',
    '(or at once with --start-now), then the command exits. Without it, type the same steps:',
    '  press 1 [90ms]   single 1   double 2   long 1   hold 2 1500ms   wait 400ms',
    '  log TEXT   raw TEXT (one unchecked line)   hello   help   quit',
    'One step per line; # starts a comment. A heartbeat B line goes out every second.',
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
  },
  async run(context) {
    const settings = readSettings(context);
    const { io } = context;
    let script: ScriptLine[] | undefined;
    if (settings.scriptFile !== undefined) {
      const loaded = await loadScript(settings.scriptFile, settings.buttons);
      if (!loaded.ok) {
        writeLine(io.stderr, loaded.message);
        return EXIT_USAGE;
      }
      script = loaded.steps;
    }
    await mkdir(dirname(settings.link), { recursive: true });
    const pair = await openPtyPair({ hostPath: settings.link });
    try {
      return await simulate(io, settings, pair, script);
    } finally {
      await pair.kill();
    }
  },
};

function readSettings(context: CommandContext): Settings {
  const { io } = context;
  const buttons = integerOption(context, 'buttons') ?? 4;
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
  };
}

async function loadScript(
  file: string,
  buttons: number,
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
  return { ok: true, steps: parsed.steps };
}

async function simulate(
  io: CliIo,
  settings: Settings,
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
    else
      await playScript(io, remote, script, { ...settings, startNow: settings.startNow || hostAsked }, signal);
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

async function playScript(
  io: CliIo,
  remote: VirtualRemote,
  script: ScriptLine[],
  settings: Settings,
  signal: AbortSignal,
): Promise<void> {
  if (!settings.startNow) {
    writeLine(
      io.stdout,
      `waiting for a host to open ${settings.link} and ask for HELLO (--start-now: don't)`,
    );
    await new Promise<void>((resolveWait, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      remote.once('query', () => {
        signal.removeEventListener('abort', onAbort);
        resolveWait();
      });
    });
  }
  writeLine(io.stdout, `playing ${script.length} step(s)`);
  for (const { line, text, step } of script) {
    writeLine(io.stdout, `  line ${line}: ${text}`);
    await remote.play(step, signal);
  }
  if (settings.keepOpen) {
    writeLine(io.stdout, 'script done; the remote stays up (heartbeats) until Ctrl-C');
    await new Promise<void>((resolveWait) => {
      if (signal.aborted) resolveWait();
      signal.addEventListener('abort', () => resolveWait(), { once: true });
    });
    return;
  }
  await delay(LINGER_MS, undefined, { signal });
  writeLine(io.stdout, 'script done');
}

const INTERACTIVE_HELP = `type a step and Enter: ${SCRIPT_VERBS.join(', ')} (e.g. "press 1", "double 2", "hold 2 1500ms"); help; quit`;

async function interactive(io: CliIo, remote: VirtualRemote, signal: AbortSignal): Promise<void> {
  // CliIo has no stdin yet; main's process.stdin is the fallback.
  const input = (io as CliIo & { stdin?: Readable }).stdin ?? process.stdin;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  const close = (): void => lines.close();
  signal.addEventListener('abort', close, { once: true });
  writeLine(io.stdout, INTERACTIVE_HELP);
  try {
    for await (const text of lines) {
      const command = text.trim().toLowerCase();
      if (command === 'quit' || command === 'exit') break;
      if (command === 'help' || command === '?') {
        writeLine(io.stdout, INTERACTIVE_HELP);
        continue;
      }
      const parsed = parseStep(text, { buttons: remote.buttons });
      if (!parsed.ok) {
        writeLine(io.stderr, parsed.message);
        continue;
      }
      if (parsed.step === undefined) continue;
      await remote.play(parsed.step, signal);
      writeLine(io.stdout, `done: ${text.trim()}`);
    }
  } finally {
    signal.removeEventListener('abort', close);
    lines.close();
  }
}
