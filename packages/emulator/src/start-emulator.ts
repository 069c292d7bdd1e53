/**
 * startEmulator: build the app, listen (default 127.0.0.1, any free port) and hand back an
 * Emulator that drives the same state as the /_emulator/ control API.
 */
import type { AddressInfo } from 'node:net';
import { buildEmulatorApp, createEmulatorState } from './app.js';
import { GATEWAY_PATH } from './gateway-route.js';
import { LWA_TOKEN_PATH } from './lwa-route.js';
import type {
  AcceptedEvent,
  DiscoveryResult,
  EmulatorOptions,
  GatewayFault,
  GatewayRequestRecord,
  LwaFault,
  TokenRequestRecord,
} from './types.js';

export type Emulator = {
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + '/auth/o2/token' */
  lwaTokenUrl: string;
  /** url + '/v3/events' */
  gatewayUrl: string;
  /** What Alexa would put in an AcceptGrant; single-use, expires after authorizationCodeTtlSec. */
  issueAuthorizationCode(): string;
  /** Every event the gateway accepted, in order (scope tokens redacted). */
  accepted(): AcceptedEvent[];
  /** Every gateway request with its outcome, status, code and time. */
  requests(): GatewayRequestRecord[];
  /** Every LWA request (grant type, outcome, time); no secrets. */
  tokenRequests(): TokenRequestRecord[];
  /** Answers for the next requests, one each, in order. Throws EmulatorError on a bad fault. */
  injectGatewayFaults(faults: GatewayFault[]): void;
  injectLwaFault(fault: LwaFault): void;
  /** Every refresh token stops working (invalid_grant). Access tokens live on until expiry. */
  revokeRefreshTokens(): void;
  setSkillEnabled(enabled: boolean): void;
  /** Every live access token becomes invalid (401). */
  expireAccessTokens(): void;
  /** Learn endpoints from a Discover.Response event or its endpoints array (replaces all). */
  learnDiscovery(input: unknown): DiscoveryResult;
  /** Back to a fresh start: no tokens, endpoints, faults or records; skill enabled. */
  reset(): void;
  close(): Promise<void>;
};

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const state = createEmulatorState(options);
  const app = buildEmulatorApp(state, options.logger === undefined ? {} : { logger: options.logger });
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    lwaTokenUrl: `${url}${LWA_TOKEN_PATH}`,
    gatewayUrl: `${url}${GATEWAY_PATH}`,
    issueAuthorizationCode: () => state.tokens.issueAuthorizationCode(),
    accepted: () => state.accepted(),
    requests: () => state.requests(),
    tokenRequests: () => state.tokenRequests(),
    injectGatewayFaults: (faults) => {
      state.injectGatewayFaults(faults);
    },
    injectLwaFault: (fault) => state.injectLwaFault(fault),
    revokeRefreshTokens: () => {
      state.tokens.revokeRefreshTokens();
    },
    setSkillEnabled: (enabled) => state.setSkillEnabled(enabled),
    expireAccessTokens: () => {
      state.tokens.expireAccessTokens();
    },
    learnDiscovery: (input) => state.learnDiscovery(input),
    reset: () => state.reset(),
    close: () => {
      closing ??= app.close();
      return closing;
    },
  };
}
