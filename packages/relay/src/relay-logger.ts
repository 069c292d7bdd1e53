import {
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Logger,
  type LoggerOptions,
  pino,
} from 'pino';

/**
 * Log paths that may carry a token, secret, authorization code or signature.
 * The core never logs these on purpose; this is the second line of defence.
 * (`code` alone is not here: it is the error-code field everywhere else.)
 */
export const REDACT_PATHS: readonly string[] = [
  'token',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'authorizationCode',
  'authorization',
  'signature',
  'secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.authorizationCode',
  '*.authorization',
  '*.secret',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-pressgate-signature"]',
  'headers["x-pressgate-signature"]',
  'alexa.clientSecret',
  'config.alexa.clientSecret',
  'config.directives.secret',
  'event.endpoint.scope.token',
  'event.payload.scope.token',
  'directive.payload.grant.code',
  'directive.payload.grantee.token',
  'directive.payload.scope.token',
  'directive.endpoint.scope.token',
];

/** pino `redact` option built from REDACT_PATHS (for a pino logger built elsewhere). */
export const REDACT: NonNullable<LoggerOptions['redact']> = {
  paths: [...REDACT_PATHS],
  censor: '[redacted]',
};

const CENSOR = '[redacted]';

/**
 * What is censored below one level of a logged object: a key maps to `true` (its value is
 * replaced) or to the rules one level further down; `*` stands for every key.
 */
type RedactRules = Map<string, RedactRules | true>;

/** A path's segments, as pino reads them: `a.b`, `a["b-c"]`, `*.b`. */
function pathSegments(path: string): string[] {
  return [...path.matchAll(/[^.[\]]+|\[([^[\]]*?)\]/g)].map((match) =>
    match[1] === undefined ? match[0] : match[1].replace(/^(["'`])(.*)\1$/, '$2'),
  );
}

function addPath(rules: RedactRules, segments: readonly string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (rest.length === 0) {
    rules.set(head, true);
    return;
  }
  let next = rules.get(head);
  if (next === true) return;
  if (next === undefined) {
    next = new Map();
    rules.set(head, next);
  }
  addPath(next, rest);
}

/** Copies the `*` rules of each level into its named keys, as pino applies both to a named key. */
function spreadWildcards(rules: RedactRules): RedactRules {
  const any = rules.get('*');
  for (const [key, next] of rules) {
    if (next === true) continue;
    if (key !== '*' && any instanceof Map) {
      for (const [anyKey, anyNext] of any) {
        const existing = next.get(anyKey);
        if (anyNext === true) addPath(next, [anyKey]);
        else if (existing !== true) next.set(anyKey, mergeRules(existing, anyNext));
      }
    }
    spreadWildcards(next);
  }
  return rules;
}

function mergeRules(into: RedactRules | undefined, from: RedactRules): RedactRules {
  const merged: RedactRules = new Map(into ?? []);
  for (const [key, next] of from) {
    const existing = merged.get(key);
    if (next === true || existing === true) merged.set(key, true);
    else merged.set(key, mergeRules(existing, next));
  }
  return merged;
}

/** The rules of REDACT_PATHS, built once. */
export function redactRules(paths: readonly string[]): RedactRules {
  const rules: RedactRules = new Map();
  for (const path of paths) addPath(rules, pathSegments(path));
  return spreadWildcards(rules);
}

/** Own properties of an Error that are not enumerable, which pino's err serializer still reads. */
const ERROR_FIELDS = ['message', 'stack', 'cause', 'errors'] as const;

/**
 * A shallow copy to censor fields in, of the same prototype (an Error stays an Error, with its
 * message, stack and cause, so pino's err serializer reads it as it would the original).
 */
function copyOf(value: object): Record<string, unknown> {
  if (Array.isArray(value)) return value.slice() as unknown as Record<string, unknown>;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(value) as object | null), value);
  if (value instanceof Error) {
    for (const field of ERROR_FIELDS) {
      if (Object.hasOwn(value, field) && !Object.hasOwn(copy, field)) {
        Object.defineProperty(copy, field, {
          value: (value as unknown as Record<string, unknown>)[field],
          enumerable: false,
          writable: true,
          configurable: true,
        });
      }
    }
  }
  return copy;
}

/**
 * `value` with every field the rules name censored: the same object when nothing matched (the
 * usual case, checked without copying), else a copy (the caller's object is never changed).
 */
export function redactObject<T extends object>(value: T, rules: RedactRules): T {
  const any = rules.get('*');
  let copy: Record<string, unknown> | undefined;
  if (any === undefined) {
    for (const [key, rule] of rules) {
      if (key in value) copy = censorField(value, copy, key, rule);
    }
  } else {
    for (const key in value) {
      if (Object.hasOwn(value, key)) copy = censorField(value, copy, key, rules.get(key) ?? any);
    }
  }
  return (copy ?? value) as T;
}

/** `copy` (made at the first change) with `key` of `value` censored as `rule` says. */
function censorField(
  value: object,
  copy: Record<string, unknown> | undefined,
  key: string,
  rule: RedactRules | true,
): Record<string, unknown> | undefined {
  const current = (value as Record<string, unknown>)[key];
  if (current === undefined) return copy;
  let next: unknown;
  if (rule === true) next = CENSOR;
  else if (typeof current === 'object' && current !== null) next = redactObject(current, rule);
  else return copy;
  if (next === current) return copy;
  const target = copy ?? copyOf(value);
  target[key] = next;
  return target;
}

/**
 * A pino logger that redacts every path the relay knows may carry a secret: in each line, in
 * the base bindings and in every child's bindings. It censors what pino's `redact: REDACT`
 * censors, but checks a line's fields once and copies only when one matches, where pino's
 * redactor runs over every field of every line (the delivered-event line is written once per
 * event, and Fastify makes a child per request).
 */
export function createRelayLogger(destination?: DestinationStream, level = 'info'): Logger {
  const rules = redactRules(REDACT_PATHS);
  const options: LoggerOptions = {
    level,
    formatters: {
      log: (object) => redactObject(object, rules),
      bindings: (bindings) => redactObject(bindings, rules),
    },
    hooks: {
      // Objects put into the message (`%j`, `%o`) are censored as well.
      logMethod(args, method) {
        const from = typeof args[0] === 'string' ? 1 : 2;
        for (let index = from; index < args.length; index += 1) {
          const value: unknown = args[index];
          if (typeof value === 'object' && value !== null) args[index] = redactObject(value, rules);
        }
        method.apply(this, args);
      },
    },
  };
  const logger = destination === undefined ? pino(options) : pino(options, destination);
  // Children inherit this from the root (pino does not pass their bindings to the formatter).
  type ChildOf = (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;
  const child = logger.child as unknown as ChildOf;
  const redactedChild: ChildOf = function redactedChild(bindings, childOptions) {
    return child.call(this, redactObject(bindings, rules), childOptions);
  };
  logger.child = redactedChild as unknown as Logger['child'];
  return logger;
}
