import type { LastAnswer } from './delivery-record.js';
import type { GatewayResult } from './gateway-client.js';

/**
 * When delivery tries again. Amazon's rule for resends (429, 5xx) is at least 1000 ms apart and at
 * most 3; see docs/alexa.md, "Event gateway". Change it only in tests that are about something else.
 */
export type RetryPolicy = {
  minResendIntervalMs: number;
  maxResends: number;
  /** No answer at all (network, timeout), or no token: backoff doubling from `initial` to `max`. */
  networkBackoffMs: { initial: number; max: number };
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  minResendIntervalMs: 1_000,
  maxResends: 3,
  networkBackoffMs: { initial: 250, max: 5_000 },
};

/** The wait before the next try after `failures` failures in a row without an answer. */
export function backoffMs(policy: RetryPolicy, failures: number): number {
  const { initial, max } = policy.networkBackoffMs;
  return Math.min(max, initial * 2 ** Math.max(0, failures - 1));
}

/** What the gateway said, as the event's last answer. */
export function lastAnswerOf(result: Extract<GatewayResult, { kind: 'response' }>): LastAnswer {
  const last: LastAnswer = { status: result.status };
  if (result.code !== undefined) last.code = result.code;
  if (result.description !== undefined) last.description = result.description;
  return last;
}

/** What a gateway that never answered leaves as the last trouble. */
export function noAnswerOf(result: Extract<GatewayResult, { kind: 'network' }>): LastAnswer {
  return {
    code: result.reason === 'timeout' ? 'ERR_GATEWAY_TIMEOUT' : 'ERR_GATEWAY_NETWORK',
    description: result.message,
  };
}
