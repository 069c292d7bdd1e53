import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { copyFile, rename, stat, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  booleanOption,
  type CliIo,
  type Command,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  integerOption,
  stringOption,
  UsageError,
  writeLine,
} from '../command.js';
import { configPath, DEFAULT_CONFIG_FILE } from '../command-config.js';
import { formatProblems, parseConfigText } from '../config-file.js';
import { askGestures, askOrder } from './init-ask.js';
import { describeRemote, type ProbedRemote, probeListedPorts, probePort } from './init-find.js';
import { InitInbox } from './init-inbox.js';
import {
  GESTURE_ORDER,
  type InitButton,
  type InitConfig,
  renderInitYaml,
  SECRET_VARIABLES,
  slug,
} from './init-yaml.js';
import { NO_PORTS_HINT } from './ports.js';

const BAUD_RATE = 115_200;
const MAX_BUTTONS = 16;
/** How long to wait for one typed answer before taking the default. */
const ANSWER_WAIT_MS = 600_000;
const DEFAULT_NAME = 'Button remote';
const LOCALE = 'en-US';

export const initCommand: Command = {
  name: 'init',
  summary: 'find the remote, name its buttons and write a pressgate.yaml that passes check',
  usage: 'pressgate init [--config FILE] [--port PATH] [--yes --buttons N [--force]]',
  details: [
    'Lists the serial ports and asks each for HELLO ("?"), so it can say which one is a pressgate',
    'remote (device id, firmware, buttons); --port PATH skips the search. Then it asks you to press',
    "each button in the order you think of them (first, second, ...), so Alexa's names match, asks",
    'which gestures (single, double, long) to offer per button and what Alexa should call the remote,',
    'and writes FILE (default pressgate.yaml in the current directory) with a new UUID v4 instance per',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's own syntax, shown to the user.
    'button and ${PRESSGATE_CLIENT_ID}-style references for the secrets. Answers are read as lines',
    'from stdin; Enter takes the default shown in [brackets].',
    'An existing FILE is only replaced when you say so; the old one is kept as FILE.bak.',
    '--yes asks nothing: buttons 1..N with every gesture, PATH as given (or the one remote found).',
    'It refuses to replace an existing FILE (exit 2) unless --force is given too.',
  ].join('\n'),
  options: {
    config: {
      type: 'string',
      short: 'c',
      valueName: 'FILE',
      description: 'the file to write',
      default: DEFAULT_CONFIG_FILE,
    },
    port: { type: 'string', valueName: 'PATH', description: "the remote's serial port (default: search)" },
    yes: { type: 'boolean', short: 'y', description: 'ask nothing (needs --buttons)' },
    buttons: { type: 'string', valueName: 'N', description: 'how many buttons (default: what HELLO says)' },
    force: { type: 'boolean', description: 'with --yes: replace an existing FILE (kept as FILE.bak)' },
  },
  async run(context) {
    const { io } = context;
    const yes = booleanOption(context, 'yes');
    const buttons = integerOption(context, 'buttons');
    if (buttons !== undefined && (buttons < 1 || buttons > MAX_BUTTONS)) {
      throw new UsageError(`--buttons expects 1..${MAX_BUTTONS}, got ${buttons}`);
    }
    if (yes && buttons === undefined) throw new UsageError('--yes needs --buttons N: there is nobody to ask');
    const file = configPath(context);
    const shown = relative(io.cwd, file) || file;
    const exists = await isPresent(file);
    if (exists && yes && !booleanOption(context, 'force')) {
      writeLine(io.stderr, `pressgate init: ${shown} exists; --yes never replaces a file.`);
      writeLine(
        io.stderr,
        'Pass --force to replace it (the old one is kept as .bak), or another --config FILE.',
      );
      return EXIT_USAGE;
    }
    const inbox = new InitInbox(yes ? undefined : io.stdin);
    inbox.start();
    let remote: ProbedRemote | undefined;
    try {
      const ask = async (question: string): Promise<string> => {
        io.stdout.write(question);
        const answer = await inbox.line(io.signal, ANSWER_WAIT_MS);
        // A terminal echoes what was typed; a pipe does not, so the transcript shows it here.
        if (answer === undefined || (io.stdin as { isTTY?: boolean } | undefined)?.isTTY !== true) {
          writeLine(io.stdout, answer ?? '');
        }
        return answer ?? '';
      };
      if (exists && !yes) {
        const answer = await ask(`${shown} exists. Replace it (the old one is kept as ${shown}.bak)? [y/N] `);
        if (!/^y(es)?$/i.test(answer)) {
          writeLine(io.stdout, `Left ${shown} as it is; nothing written.`);
          return EXIT_USAGE;
        }
      }
      const port = stringOption(context, 'port');
      const portPath = port === undefined ? undefined : resolve(io.cwd, port);
      if (yes && portPath !== undefined) {
        return await finish(io, file, shown, exists, plainConfig(portPath, buttons ?? 1));
      }
      remote = await findRemote(io, portPath, yes, ask);
      if (remote === undefined) return EXIT_FAILURE;
      if (yes) {
        return await finish(io, file, shown, exists, plainConfig(remote.configPath, buttons ?? 1, remote));
      }
      const count = buttons ?? remote.hello.buttons;
      const order = await askOrder(io, inbox, remote, count);
      const entries: InitButton[] = [];
      for (const [index, button] of order.entries()) {
        const gestures = await askGestures(io, ask, index, button);
        entries.push({ button, order: index, instance: randomUUID(), gestures });
      }
      const answer = await ask(`What should the Alexa app call this remote? [${DEFAULT_NAME}] `);
      // friendlyName holds at most 128 characters.
      const name = answer.slice(0, 128).trim() || DEFAULT_NAME;
      const config = baseConfig(remote.configPath, name, remote);
      return await finish(io, file, shown, exists, { ...config, buttons: entries });
    } catch (error) {
      if (!io.signal.aborted) throw error;
      writeLine(io.stderr, '\npressgate init: stopped; nothing written.');
      return EXIT_FAILURE;
    } finally {
      inbox.stop();
      await remote?.link.close();
    }
  },
};

async function findRemote(
  io: CliIo,
  portPath: string | undefined,
  yes: boolean,
  ask: (question: string) => Promise<string>,
): Promise<ProbedRemote | undefined> {
  if (portPath !== undefined) {
    writeLine(io.stdout, `Asking ${portPath} who it is...`);
    const outcome = await probePort(portPath, BAUD_RATE, io.signal);
    if (!outcome.ok) {
      writeLine(io.stderr, `pressgate init: ${outcome.code}: ${outcome.message}`);
      writeLine(io.stderr, `\`pressgate doctor --port ${portPath}\` says more about what the device sends.`);
      return undefined;
    }
    writeLine(io.stdout, `This one is a pressgate remote: ${describeRemote(outcome.remote.hello)}.`);
    return outcome.remote;
  }
  writeLine(io.stdout, 'Looking for a pressgate remote on every serial port...');
  const { ports, outcomes } = await probeListedPorts(BAUD_RATE, io.signal);
  if (ports.length === 0) {
    writeLine(io.stderr, 'pressgate init: no serial ports found.');
    writeLine(io.stderr, NO_PORTS_HINT);
    return undefined;
  }
  const found: ProbedRemote[] = [];
  for (const outcome of outcomes) {
    if (outcome.ok) {
      found.push(outcome.remote);
      writeLine(
        io.stdout,
        `  ${found.length}. ${outcome.remote.configPath}: a pressgate remote: ${describeRemote(outcome.remote.hello)}`,
      );
    } else {
      writeLine(io.stdout, `  -  ${outcome.path}: not a pressgate remote (${outcome.code})`);
    }
  }
  if (found.length === 0) {
    writeLine(io.stderr, 'pressgate init: no port answered "?" with HELLO.');
    writeLine(io.stderr, 'Pass --port PATH, and see what it sends with `pressgate doctor --port PATH`.');
    return undefined;
  }
  let pick = 1;
  if (found.length > 1) {
    if (yes) {
      await Promise.all(found.map((remote) => remote.link.close()));
      throw new UsageError(`${found.length} remotes found: pick one with --port PATH`);
    }
    const answer = await ask(`Which one? [1-${found.length}, default 1] `);
    const wanted = Number(answer);
    pick = Number.isInteger(wanted) && wanted >= 1 && wanted <= found.length ? wanted : 1;
  }
  await Promise.all(found.filter((_, index) => index !== pick - 1).map((remote) => remote.link.close()));
  const chosen = found[pick - 1] as ProbedRemote;
  writeLine(io.stdout, `Using ${chosen.configPath}: ${describeRemote(chosen.hello)}.`);
  return chosen;
}

function baseConfig(serialPath: string, name: string, remote?: ProbedRemote): Omit<InitConfig, 'buttons'> {
  const remoteId = slug(name);
  return {
    remoteId,
    endpointId: `${remoteId}-${randomUUID().slice(0, 8)}`,
    friendlyName: name,
    serialPath,
    baudRate: BAUD_RATE,
    locale: LOCALE,
    ...(remote === undefined ? {} : { device: remote.hello }),
    ...schemaRef(),
  };
}

function plainConfig(serialPath: string, count: number, remote?: ProbedRemote): InitConfig {
  const buttons = Array.from({ length: count }, (_, index) => ({
    button: index + 1,
    order: index,
    instance: randomUUID(),
    gestures: [...GESTURE_ORDER],
  }));
  return { ...baseConfig(serialPath, DEFAULT_NAME, remote), buttons };
}

/** The JSON schema of a checkout (or an install that keeps it), for editors' hover help. */
function schemaRef(): { schemaRef?: string } {
  const path = fileURLToPath(new URL('../../../protocol/pressgate.schema.json', import.meta.url));
  try {
    return statSync(path).isFile() ? { schemaRef: path } : {};
  } catch {
    return {};
  }
}

async function finish(
  io: CliIo,
  file: string,
  shown: string,
  exists: boolean,
  config: InitConfig,
): Promise<number> {
  const text = renderInitYaml(config, shown);
  // The same validation `check` runs, with the secrets standing in for the ones set later.
  const placeholders = Object.fromEntries(
    SECRET_VARIABLES.map((name) => [name, 'set-later-placeholder-secret']),
  );
  const result = parseConfigText(text, { ...placeholders, ...io.env }, shown);
  if (!result.ok) {
    throw new Error(
      `the generated config does not validate (a bug):\n${formatProblems(shown, result.problems)}`,
    );
  }
  if (exists) await copyFile(file, `${file}.bak`);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o644 });
  await rename(temporary, file);
  const gestures = config.buttons.reduce((sum, button) => sum + button.gestures.length, 0);
  writeLine(io.stdout, '');
  writeLine(
    io.stdout,
    `Wrote ${shown}: remote ${config.remoteId} on ${config.serialPath}, ${config.buttons.length} buttons, ${gestures} gestures.`,
  );
  writeLine(io.stdout, 'Next:');
  writeLine(io.stdout, `  1. set ${SECRET_VARIABLES.join(', ')} in the environment`);
  writeLine(io.stdout, `  2. pressgate check --config ${shown}`);
  writeLine(io.stdout, `  3. pressgate monitor --port ${config.serialPath} --config ${shown}`);
  writeLine(io.stdout, `  4. pressgate run --config ${shown}`);
  return EXIT_OK;
}

async function isPresent(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return false;
    throw error;
  }
}
