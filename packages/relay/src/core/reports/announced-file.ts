import { join } from 'node:path';
import type { DiscoveryEndpoint } from '@pressgate/protocol';
import { z } from 'zod';
import { schemaParser } from '../outbox/outbox-file.js';
import { JsonFileAdapter } from '../store/json-file-store.js';

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
