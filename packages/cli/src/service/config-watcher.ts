import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export type ConfigWatcherOptions = {
  file: string;
  /** Quiet time after the last change before onChange runs (editors write in several steps). */
  debounceMs: number;
  onChange(): void;
  onError(error: Error): void;
};

/**
 * Watches the config file's folder, not the file: editors save by writing a
 * new file and renaming it over the old one, which a watch on the file itself
 * loses. Changes to other files in the folder are ignored.
 */
export class ConfigWatcher {
  readonly #options: ConfigWatcherOptions;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ConfigWatcherOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#watcher !== undefined) return;
    const name = basename(this.#options.file);
    try {
      this.#watcher = watch(dirname(this.#options.file), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed.toString() !== name) return;
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.#options.onChange(), this.#options.debounceMs);
      });
      this.#watcher.on('error', (error) => this.#options.onError(error));
    } catch (error) {
      this.#options.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Idempotent. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
