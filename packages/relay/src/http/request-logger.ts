import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type Log = (...args: unknown[]) => void;

/**
 * A request's logger for Fastify that becomes a real child (with the request id) only when
 * something logs through it. Request logging is off, so most requests never log: making a
 * pino child for each of them was work for nothing on every gesture. What it writes, when it
 * writes, is what the child would have written.
 */
class LazyRequestLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #logger: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): FastifyBaseLogger {
    this.#logger ??= this.#parent.child(this.#bindings, this.#options);
    return this.#logger;
  }

  get level(): string {
    return this.#logger?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  fatal(...args: unknown[]): void {
    (this.#real().fatal as Log)(...args);
  }

  error(...args: unknown[]): void {
    (this.#real().error as Log)(...args);
  }

  warn(...args: unknown[]): void {
    (this.#real().warn as Log)(...args);
  }

  info(...args: unknown[]): void {
    (this.#real().info as Log)(...args);
  }

  debug(...args: unknown[]): void {
    (this.#real().debug as Log)(...args);
  }

  trace(...args: unknown[]): void {
    (this.#real().trace as Log)(...args);
  }

  silent(...args: unknown[]): void {
    (this.#real().silent as Log)(...args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: a request logger made real at its first line. */
export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
