import { join } from 'node:path';
import type { DiscoveryEndpoint } from '@pressgate/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { PendingEntry } from '../outbox/outbox-file.js';
import { schemaParser } from '../outbox/outbox-file.js';
import { JsonFileAdapter } from '../store/json-file-store.js';
import { diffEndpoints, discoveryReportEntries } from './report-entries.js';

export const ANNOUNCED_FILE = 'announced.json';

const AnnouncedFile = z.object({
  version: z.literal(1),
  /** The endpoints as last announced to Alexa (queued durably in the outbox), by endpointId. */
  endpoints: z.record(z.string(), z.record(z.string(), z.unknown())),
});
type AnnouncedFile = z.infer<typeof AnnouncedFile>;

/**
 * `<dataDir>/announced.json`: the endpoint set Alexa was last told about, so a restart can
 * announce what changed while the relay was down. See docs/architecture.md, "Delivery and
 * ordering" (Reports).
 */
export class AnnouncedEndpoints {
  readonly #file: JsonFileAdapter<AnnouncedFile>;

  constructor(dataDir: string) {
    this.#file = new JsonFileAdapter<AnnouncedFile>({
      file: join(dataDir, ANNOUNCED_FILE),
      parse: schemaParser(AnnouncedFile),
    });
  }

  /** What was announced; undefined when nothing was ever recorded. */
  async read(): Promise<Map<string, DiscoveryEndpoint> | undefined> {
    const data = await this.#file.read();
    if (data === null) return undefined;
    return new Map(
      Object.entries(data.endpoints).map(([id, endpoint]) => [id, endpoint as unknown as DiscoveryEndpoint]),
    );
  }

  /** Replaces the record (temp file, fsync, rename). */
  write(endpoints: ReadonlyMap<string, DiscoveryEndpoint>): Promise<void> {
    // Stored as JSON text, so undefined fields are gone, exactly as a read-back will compare.
    const plain = JSON.parse(JSON.stringify(Object.fromEntries(endpoints))) as AnnouncedFile['endpoints'];
    return this.#file.write({ version: 1, endpoints: plain });
  }
}

export type AnnouncerOptions = {
  dataDir: string;
  logger: Logger;
  /** Whether reports can go now (the relay runs and is linked). */
  canReport: () => boolean;
  /** The endpoints as the config has them now. */
  current: () => ReadonlyMap<string, DiscoveryEndpoint>;
  /** Writes an entry to the outbox (durably) and schedules it. */
  enqueue: (entry: PendingEntry) => Promise<void>;
  now: () => number;
};

/**
 * Tells Alexa the difference between the endpoints it was last told about and the config's:
 * AddOrUpdateReport for new or changed ones, DeleteReport for removed ones, one announcement at
 * a time. What was announced is kept in announced.json, so a restart announces what changed
 * while the relay was down.
 */
export class Announcer {
  readonly #options: AnnouncerOptions;
  readonly #file: AnnouncedEndpoints;
  #announced = new Map<string, DiscoveryEndpoint>();
  #chain: Promise<void> = Promise.resolve();

  constructor(options: AnnouncerOptions) {
    this.#options = options;
    this.#file = new AnnouncedEndpoints(options.dataDir);
  }

  /** Reads what was announced; the very first start takes the current endpoints as announced. */
  async load(): Promise<void> {
    const announced = await this.#file.read();
    if (announced !== undefined) {
      this.#announced = announced;
      return;
    }
    this.#announced = new Map(this.#options.current());
    await this.#file.write(this.#announced);
  }

  /**
   * Queues the reports for the difference (when reports can go), then records the new set;
   * resolves when done. A crash between the two announces again on the next start: a repeat,
   * never a loss. Failures are logged, not thrown.
   */
  announce(): Promise<void> {
    this.#chain = this.#chain
      .then(() => this.#announceNow())
      .catch((error: unknown) => {
        this.#options.logger.error(
          { err: error },
          'could not announce the changed endpoints; retried on the next start or config change',
        );
      });
    return this.#chain;
  }

  /** Resolves once every announcement started so far has finished. */
  settled(): Promise<void> {
    return this.#chain;
  }

  async #announceNow(): Promise<void> {
    const { canReport, current, enqueue, logger, now } = this.#options;
    if (!canReport()) return;
    const endpoints = new Map(current());
    const changes = diffEndpoints(this.#announced, endpoints);
    if (changes.changed.length === 0 && changes.removed.length === 0) return;
    logger.info(
      { changed: changes.changed.map((endpoint) => endpoint.endpointId), removed: changes.removed },
      'announcing changed endpoints to Alexa',
    );
    const createdAt = new Date(now()).toISOString();
    for (const entry of discoveryReportEntries(changes, createdAt)) await enqueue(entry);
    this.#announced = endpoints;
    await this.#file.write(endpoints);
  }
}
