import { open } from 'node:fs/promises';
import { type ConfigEnv, formatConfigPath, type PressgateConfig, validateConfig } from '@pressgate/protocol';
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';

/**
 * Reading `pressgate.yaml`: YAML syntax errors with their line, schema issues
 * mapped back to the line and column of the offending key (or its nearest
 * existing parent when the key is missing). The protocol package validates;
 * this file does the I/O and the positions.
 */

export type ConfigProblem = {
  /** Key path like `remotes[0].buttons[1].instance`; empty for the whole file. */
  path: string;
  line?: number;
  column?: number;
  message: string;
};

export type ConfigFileResult =
  | { ok: true; config: PressgateConfig }
  | { ok: false; problems: ConfigProblem[] };

export type ConfigReadOptions = {
  /**
   * Dotted key paths whose `${VAR}` may be unset, for commands that never use
   * those values: they get a stand-in so the rest of the file still validates.
   */
  unusedSecrets?: readonly string[];
};

/** The secrets only talking to Amazon (and verifying its directives) needs. */
export const AMAZON_SECRETS: readonly string[] = [
  'alexa.clientId',
  'alexa.clientSecret',
  'directives.secret',
];

const STAND_IN = 'not-used-by-this-command';

/** The largest config file read: a real one is a few KiB; a huge one is a mistake or an attack. */
export const CONFIG_FILE_LIMIT_BYTES = 1024 * 1024;

/** Thrown by readTextCapped for a file over its limit. */
class FileTooLargeError extends Error {}

/**
 * The file's text, read in chunks and never more than `limitBytes` (a file that grows, or a
 * device like /dev/zero whose size says 0, is stopped at the limit too).
 */
export async function readTextCapped(path: string, limitBytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(Math.min(64 * 1024, limitBytes + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limitBytes) throw new FileTooLargeError();
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await handle.close();
  }
}

export function parseConfigText(
  text: string,
  env: ConfigEnv,
  fileName: string,
  options: ConfigReadOptions = {},
): ConfigFileResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => ({
        path: '',
        ...positionOf(error.linePos?.[0]),
        message: `YAML syntax: ${firstLine(error.message)}`,
      })),
    };
  }
  if (doc.contents === null) {
    return {
      ok: false,
      problems: [
        {
          path: '',
          line: 1,
          column: 1,
          message: `${fileName} is empty: expected relay, alexa, directives and remotes; start from examples/pressgate.yaml`,
        },
      ],
    };
  }

  const forbidden = forbiddenKeys(doc, lineCounter);
  if (forbidden.length > 0) return { ok: false, problems: forbidden };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? firstLine(error.message) : String(error);
    return { ok: false, problems: [{ path: '', message: `YAML: ${message}` }] };
  }

  const result = validateConfig(raw, withStandIns(raw, env, options.unusedSecrets ?? []));
  if (result.ok) return result;
  const problems = result.issues.map((issue) => ({
    path: formatConfigPath(issue.path),
    ...positionOf(locate(doc, issue.path, lineCounter)),
    message: issue.message,
  }));
  return { ok: false, problems: sortByPosition(problems) };
}

export async function loadConfigFile(
  path: string,
  env: ConfigEnv,
  options: ConfigReadOptions = {},
): Promise<ConfigFileResult> {
  let text: string;
  try {
    text = await readTextCapped(path, CONFIG_FILE_LIMIT_BYTES);
  } catch (error) {
    if (error instanceof FileTooLargeError) {
      return {
        ok: false,
        problems: [
          {
            path: '',
            message: `${path} is larger than ${CONFIG_FILE_LIMIT_BYTES} bytes (1 MiB), the most pressgate reads as a config: a real one is a few KiB; check that --config names the right file`,
          },
        ],
      };
    }
    return { ok: false, problems: [{ path: '', message: readFailure(path, error) }] };
  }
  return parseConfigText(text, env, path, options);
}

/** `env` plus a stand-in for every unset variable that only the `paths` values refer to. */
function withStandIns(raw: unknown, env: ConfigEnv, paths: readonly string[]): ConfigEnv {
  const standIns: Record<string, string> = {};
  for (const path of paths) {
    let value: unknown = raw;
    for (const key of path.split('.')) {
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (typeof value !== 'string') continue;
    for (const match of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
      const name = match[1] as string;
      if (env[name] === undefined) standIns[name] = STAND_IN;
    }
  }
  return Object.keys(standIns).length === 0 ? env : { ...env, ...standIns };
}

/** Keys that would reach an object's prototype when the YAML becomes JavaScript. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `__proto__` (and `constructor`, `prototype`) as a key anywhere: refused with its line before
 * the document becomes JavaScript, where a `__proto__` mapping would turn into the object's
 * prototype and supply sections the file never names.
 */
function forbiddenKeys(doc: Document, lineCounter: LineCounter): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Pair(_key, pair) {
      const name = keyText(pair.key);
      if (name === undefined || !FORBIDDEN_KEYS.has(name)) return;
      const offset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
      problems.push({
        path: '',
        ...positionOf(offset === undefined ? undefined : lineCounter.linePos(offset)),
        message: `the key "${name}" is not allowed (it could change how the file is read); remove it`,
      });
    },
  });
  return problems;
}

/** One line per problem: `pressgate.yaml:12:9 remotes[0].buttons[1].instance: expected a UUID v4 ...`. */
export function formatProblems(fileName: string, problems: readonly ConfigProblem[]): string {
  return problems
    .map((problem) => {
      const where =
        problem.line === undefined ? fileName : `${fileName}:${problem.line}:${problem.column ?? 1}`;
      return problem.path === ''
        ? `${where} ${problem.message}`
        : `${where} ${problem.path}: ${problem.message}`;
    })
    .join('\n');
}

function readFailure(path: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return `cannot read the config: ${path} does not exist; create it (start from examples/pressgate.yaml) or pass --config <file>`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read the config: permission denied on ${path}; make it readable by the user pressgate runs as`;
    case 'EISDIR':
      return `cannot read the config: ${path} is a directory; pass the YAML file itself with --config <file>`;
    default:
      return `cannot read the config ${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

type Position = { line: number; col: number };

function positionOf(position: Position | undefined): { line?: number; column?: number } {
  return position === undefined ? {} : { line: position.line, column: position.col };
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * The position of the deepest node on `path` that exists: the key of a
 * mapping entry (so a problem points at `instance:`), or a list item.
 */
function locate(
  doc: Document,
  path: readonly (string | number)[],
  lineCounter: LineCounter,
): Position | undefined {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? node.range?.[0] : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (pair === undefined) break;
      offset = isNode(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!isNode(item)) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset);
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

function sortByPosition(problems: ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort(
      (a, b) =>
        (a.problem.line ?? 0) - (b.problem.line ?? 0) ||
        (a.problem.column ?? 0) - (b.problem.column ?? 0) ||
        a.index - b.index,
    )
    .map(({ problem }) => problem);
}
