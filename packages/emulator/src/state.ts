/**
 * Everything the emulator remembers: credentials, tokens, known endpoints, faults and the
 * records tests read back. The routes and the control API both work on one EmulatorState.
 */
import { DiscoverResponse, DiscoveryEndpoints, describeIssues } from './alexa-schemas.js';
import { EndpointRegistry } from './endpoint-registry.js';
import { EmulatorError } from './errors.js';
import { FaultQueues } from './faults.js';
import { TokenStore } from './token-store.js';
import type {
  AcceptedEvent,
  DiscoveryResult,
  EmulatorOptions,
  GatewayFault,
  GatewayRequestRecord,
  LwaFault,
  TokenRequestRecord,
} from './types.js';

/** Records kept per kind; the oldest are dropped beyond this. */
export const MAX_RECORDS = 10_000;

export type StateOptions = Pick<
  EmulatorOptions,
  'clientId' | 'clientSecret' | 'accessTokenTtlSec' | 'authorizationCodeTtlSec' | 'now' | 'gatewayDelayMs'
>;

/** The largest gatewayDelayMs: a minute, well past any client's timeout. */
export const MAX_GATEWAY_DELAY_MS = 60_000;

function positiveSeconds(name: string, value: number | undefined, fallback: number): number {
  const seconds = value ?? fallback;
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new EmulatorError(
      'ERR_EMULATOR_BAD_OPTIONS',
      `Expected ${name} to be a positive number of seconds; got ${seconds}.`,
    );
  }
  return seconds;
}

/**
 * The last MAX_RECORDS records of one kind, and how many were ever recorded: a reader that has
 * seen the first `n` asks for the ones after them, so polling stays cheap as records pile up.
 */
class RecordLog<T> {
  #items: T[] = [];
  #total = 0;

  push(item: T): void {
    this.#items.push(item);
    this.#total += 1;
    if (this.#items.length > MAX_RECORDS) this.#items.splice(0, this.#items.length - MAX_RECORDS);
  }

  /** How many were ever recorded (a reset does not start it again, so cursors stay valid). */
  get total(): number {
    return this.#total;
  }

  /** Copies of the records after the first `seen` ever recorded (those still kept). */
  after(seen = 0): T[] {
    const fresh = this.#total - seen;
    return fresh <= 0 ? [] : structuredClone(this.#items.slice(Math.max(0, this.#items.length - fresh)));
  }

  clear(): void {
    this.#items = [];
  }
}

export class EmulatorState {
  readonly clientId: string;
  readonly #clientSecret: string;
  readonly now: () => number;
  /** Every gateway request is held this long before it is handled (0: answered at once). */
  readonly gatewayDelayMs: number;
  readonly tokens: TokenStore;
  readonly endpoints = new EndpointRegistry();
  readonly faults = new FaultQueues();
  /** Aborted when the server closes, so held (delayed) requests end at once. */
  readonly #closing = new AbortController();
  #skillEnabled = true;
  readonly #accepted = new RecordLog<AcceptedEvent>();
  readonly #requests = new RecordLog<GatewayRequestRecord>();
  readonly #tokenRequests = new RecordLog<TokenRequestRecord>();

  constructor(options: StateOptions) {
    if (options.clientId === '' || options.clientSecret === '') {
      throw new EmulatorError(
        'ERR_EMULATOR_BAD_OPTIONS',
        'Expected a non-empty clientId and clientSecret (the LWA client credentials the emulator accepts).',
      );
    }
    const accessTokenTtlSec = positiveSeconds('accessTokenTtlSec', options.accessTokenTtlSec, 3600);
    const authorizationCodeTtlSec = positiveSeconds(
      'authorizationCodeTtlSec',
      options.authorizationCodeTtlSec,
      300,
    );
    const gatewayDelayMs = options.gatewayDelayMs ?? 0;
    if (!Number.isInteger(gatewayDelayMs) || gatewayDelayMs < 0 || gatewayDelayMs > MAX_GATEWAY_DELAY_MS) {
      throw new EmulatorError(
        'ERR_EMULATOR_BAD_OPTIONS',
        `Expected gatewayDelayMs to be a whole number of ms from 0 to ${MAX_GATEWAY_DELAY_MS}; got ${gatewayDelayMs}.`,
      );
    }
    this.gatewayDelayMs = gatewayDelayMs;
    this.clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.now = options.now ?? Date.now;
    this.tokens = new TokenStore({ accessTokenTtlSec, authorizationCodeTtlSec, now: this.now });
  }

  get closingSignal(): AbortSignal {
    return this.#closing.signal;
  }

  markClosing(): void {
    this.#closing.abort();
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Constant-time enough for a local emulator; never logs either value. */
  checkClient(clientId: string | undefined, clientSecret: string | undefined): boolean {
    return clientId === this.clientId && clientSecret === this.#clientSecret;
  }

  get skillEnabled(): boolean {
    return this.#skillEnabled;
  }

  setSkillEnabled(enabled: boolean): void {
    this.#skillEnabled = enabled;
  }

  injectGatewayFaults(faults: readonly GatewayFault[]): number {
    return this.faults.addGatewayFaults(faults);
  }

  injectLwaFault(fault: LwaFault): void {
    this.faults.setLwaFault(fault);
  }

  /** Learn endpoints from a Discover.Response event or its endpoints array (replaces all). */
  learnDiscovery(input: unknown): DiscoveryResult {
    const source = Array.isArray(input) ? DiscoveryEndpoints : DiscoverResponse;
    const parsed = source.safeParse(input);
    if (!parsed.success) return { ok: false, description: describeIssues(parsed.error) };
    const endpoints = Array.isArray(parsed.data) ? parsed.data : parsed.data.event.payload.endpoints;
    this.endpoints.replaceAll(endpoints);
    return { ok: true, endpointIds: endpoints.map((endpoint) => endpoint.endpointId) };
  }

  recordAccepted(event: AcceptedEvent): void {
    this.#accepted.push(event);
  }

  recordRequest(record: GatewayRequestRecord): void {
    this.#requests.push(record);
  }

  recordTokenRequest(record: TokenRequestRecord): void {
    this.#tokenRequests.push(record);
  }

  /** Accepted events, oldest first; with `after`, only those after the first `after` ever accepted. */
  accepted(after?: number): AcceptedEvent[] {
    return this.#accepted.after(after);
  }

  /** Gateway requests, oldest first; `after` as for `accepted`. */
  requests(after?: number): GatewayRequestRecord[] {
    return this.#requests.after(after);
  }

  tokenRequests(after?: number): TokenRequestRecord[] {
    return this.#tokenRequests.after(after);
  }

  /** How many of each kind were ever recorded: the `after` a poller passes next. */
  recordTotals(): { accepted: number; requests: number; tokenRequests: number } {
    return {
      accepted: this.#accepted.total,
      requests: this.#requests.total,
      tokenRequests: this.#tokenRequests.total,
    };
  }

  /** Back to a fresh start: no tokens, codes, endpoints, faults or records; skill enabled. */
  reset(): void {
    this.tokens.clear();
    this.endpoints.clear();
    this.faults.clear();
    this.#skillEnabled = true;
    this.#accepted.clear();
    this.#requests.clear();
    this.#tokenRequests.clear();
  }
}
