import { GATEWAY_URLS, type GatewayRegion } from '@pressgate/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { LinkStatus } from '../../ports.js';
import { type JsonStore, openJsonStore } from '../store/json-file-store.js';
import type { EventSender } from './event-trip.js';
import { GatewayClient, type GatewayResult } from './gateway-client.js';

export const REGION_FILE = 'region.json';
/** What the gateway of a region answers for a token minted for another region. */
const WRONG_REGION_CODE = 'SKILL_NEVER_ENABLED_EXCEPTION';
/** The order `alexa.region: auto` tries. */
export const AUTO_REGION_ORDER: readonly GatewayRegion[] = ['NA', 'EU', 'FE'];

const RegionFile = z.object({ version: z.literal(1), region: z.enum(['NA', 'EU', 'FE']).optional() });
type RegionFile = z.infer<typeof RegionFile>;

export type RegionGatewayOptions = {
  /** A region, or `auto`. */
  region: GatewayRegion | 'auto';
  dataDir: string;
  logger: Logger;
  /** One URL for every region (alexa.gatewayUrl): no choosing. */
  url?: string | undefined;
  /** The gateway URL per region; default Amazon's (tests point them at local servers). */
  urls?: Readonly<Record<GatewayRegion, string>>;
  requestTimeoutMs?: number;
};

/**
 * The event gateway for a configured region, or for `alexa.region: auto` the one that takes this
 * account's token: on the first send after linking it tries NA, EU and FE in turn, keeps the
 * first that answers anything but SKILL_NEVER_ENABLED_EXCEPTION, and remembers it in
 * `<dataDir>/region.json` until the next AcceptGrant. When every region refuses, the last
 * refusal goes back to delivery, which reports the wrong region. See docs/alexa.md, "Event gateway".
 */
export class RegionGateway implements EventSender {
  readonly #options: RegionGatewayOptions;
  readonly #clients = new Map<GatewayRegion, GatewayClient>();
  readonly #fixed: GatewayClient | undefined;
  #store: JsonStore<RegionFile> | undefined;

  constructor(options: RegionGatewayOptions) {
    this.#options = options;
    const urls = options.urls ?? GATEWAY_URLS;
    for (const region of AUTO_REGION_ORDER) {
      this.#clients.set(
        region,
        new GatewayClient({
          url: urls[region],
          ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
        }),
      );
    }
    if (options.url !== undefined) {
      this.#fixed = new GatewayClient({
        url: options.url,
        ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      });
    } else if (options.region !== 'auto') {
      this.#fixed = this.#clients.get(options.region);
    }
  }

  /** The URL sends go to now ("auto" until a region is found). */
  get url(): string {
    if (this.#fixed !== undefined) return this.#fixed.url;
    const region = this.#store?.db.data.region;
    return region === undefined ? 'auto' : (this.#clients.get(region)?.url ?? 'auto');
  }

  /** The region `auto` found, if any. */
  get region(): GatewayRegion | undefined {
    return this.#store?.db.data.region;
  }

  /** Opens region.json (auto only). */
  async start(): Promise<void> {
    if (this.#fixed !== undefined || this.#store !== undefined) return;
    this.#store = await openJsonStore<RegionFile>({
      dataDir: this.#options.dataDir,
      name: REGION_FILE,
      defaultData: () => ({ version: 1 }),
      parse: (value) => {
        const parsed = RegionFile.safeParse(value);
        return parsed.success
          ? { ok: true, data: parsed.data }
          : { ok: false, reason: z.prettifyError(parsed.error) };
      },
      corruptHint: 'the region is found again on the next send',
    });
  }

  /** A new link may be another account: the next send looks for the region again. */
  onLinkChange(status: LinkStatus): void {
    if (status.state !== 'linked' || this.#store?.db.data.region === undefined) return;
    this.#store.db.data = { version: 1 };
    void this.#store.db.write().catch(() => undefined);
  }

  /**
   * A send is coming soon: open a connection to the gateway it will go to, when that is known
   * (a fixed region, or the one `auto` found). See GatewayClient.warm.
   */
  warm(): void {
    const region = this.#store?.db.data.region;
    (this.#fixed ?? (region === undefined ? undefined : this.#clients.get(region)))?.warm();
  }

  async close(): Promise<void> {
    await this.#store?.adapter.flush();
    for (const client of this.#clients.values()) await client.close();
    if (this.#fixed !== undefined && ![...this.#clients.values()].includes(this.#fixed))
      await this.#fixed.close();
  }

  async send(
    message: unknown,
    token: string,
    signal?: AbortSignal,
    timeoutMs?: number,
  ): Promise<GatewayResult> {
    if (this.#fixed !== undefined) return this.#fixed.send(message, token, signal, timeoutMs);
    const store = this.#store;
    const known = store?.db.data.region;
    if (known !== undefined) {
      const result = await (this.#clients.get(known) as GatewayClient).send(
        message,
        token,
        signal,
        timeoutMs,
      );
      if (!isWrongRegion(result)) return result;
      this.#options.logger.warn(
        { region: known },
        'the remembered gateway region refused the token; looking again',
      );
    }
    const started = Date.now();
    let last: GatewayResult | undefined;
    for (const region of AUTO_REGION_ORDER) {
      const leftMs = timeoutMs === undefined ? undefined : timeoutMs - (Date.now() - started);
      if (leftMs !== undefined && leftMs <= 0) break;
      last = await (this.#clients.get(region) as GatewayClient).send(message, token, signal, leftMs);
      if (last.kind !== 'response') return last;
      if (isWrongRegion(last)) continue;
      if (store !== undefined) {
        store.db.data = { version: 1, region };
        await store.db.write().catch((error: unknown) => {
          this.#options.logger.warn(
            { err: error },
            'could not remember the gateway region; it is found again next time',
          );
        });
      }
      this.#options.logger.info({ region }, 'alexa.region auto: this account belongs to this gateway region');
      return last;
    }
    return (
      last ?? { kind: 'network', reason: 'timeout', message: 'no time left to try a region', latencyMs: 0 }
    );
  }
}

function isWrongRegion(result: GatewayResult): boolean {
  return result.kind === 'response' && result.code === WRONG_REGION_CODE;
}
