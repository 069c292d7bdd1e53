import { SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';
import {
  type AlexaReply,
  buildErrorFor,
  type DirectiveSummary,
  type ForwarderErrorType,
  summarizeDirective,
} from './error-response.js';
import type { ForwarderConfig } from './forwarder-config.js';
import { type ForwarderLog, logToConsole } from './log-line.js';

export type ForwardFailureCode =
  | 'ERR_FORWARDER_BAD_EVENT'
  | 'ERR_FORWARDER_NO_RELAY'
  | 'ERR_FORWARDER_UNREACHABLE'
  | 'ERR_FORWARDER_TIMEOUT'
  | 'ERR_FORWARDER_RELAY_STATUS'
  | 'ERR_FORWARDER_RELAY_BODY';

export type ForwardOptions = {
  /** Where failures are reported; defaults to one JSON line on the console (CloudWatch). */
  log?: ForwarderLog;
  /** Clock for the signature timestamp (tests). */
  nowMs?: () => number;
};

export type Failure = {
  code: ForwardFailureCode;
  alexaType: ForwarderErrorType;
  /** For the log: what happened and the fix. Safe to log: no token, secret or signature. */
  msg: string;
  /** For Alexa: short, no internals. */
  alexaMessage: string;
  fields?: Record<string, unknown>;
};

const UNREACHABLE_FOR_ALEXA = 'The pressgate relay did not answer.';
const INTERNAL_FOR_ALEXA = 'The pressgate relay could not handle the directive.';

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function failureOfThrown(error: unknown, config: ForwarderConfig, phase: string): Failure {
  const name = error instanceof Error ? error.name : typeof error;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return {
      code: 'ERR_FORWARDER_TIMEOUT',
      alexaType: 'ENDPOINT_UNREACHABLE',
      msg:
        `the relay did not answer within ${config.timeoutMs} ms (${phase}): check that the relay runs and ` +
        'is reachable from AWS, or raise PRESSGATE_TIMEOUT_MS (at most 7500)',
      alexaMessage: UNREACHABLE_FOR_ALEXA,
    };
  }
  const cause = errorCode(error);
  return {
    code: 'ERR_FORWARDER_UNREACHABLE',
    alexaType: 'ENDPOINT_UNREACHABLE',
    msg:
      `could not reach the relay (${cause ?? name}, ${phase}): check PRESSGATE_RELAY_URL, DNS, the TLS ` +
      'certificate and that the relay is exposed to the Internet',
    alexaMessage: UNREACHABLE_FOR_ALEXA,
    fields: cause === undefined ? { errorName: name } : { errorName: name, errorCode: cause },
  };
}

function relayCode(parsed: unknown): string | undefined {
  if (typeof parsed === 'object' && parsed !== null) {
    const code = (parsed as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code)) {
      return code;
    }
  }
  return undefined;
}

export function failureOfStatus(status: number, parsed: unknown): Failure {
  const code = relayCode(parsed);
  const hint =
    status === 401
      ? 'the relay refused the signature: PRESSGATE_DIRECTIVE_SECRET must equal directives.secret and the relay clock must be right'
      : status >= 500
        ? 'the relay failed: see its log (journalctl -u pressgate)'
        : 'the relay refused the request: see its log (journalctl -u pressgate)';
  return {
    code: 'ERR_FORWARDER_RELAY_STATUS',
    alexaType: 'INTERNAL_ERROR',
    msg: `relay answered HTTP ${status}${code === undefined ? '' : ` ${code}`}: ${hint}`,
    alexaMessage: INTERNAL_FOR_ALEXA,
    fields: code === undefined ? { relayStatus: status } : { relayStatus: status, relayCode: code },
  };
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function isAlexaReply(value: unknown): value is AlexaReply {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const event = (value as { event?: unknown }).event;
  return typeof event === 'object' && event !== null && !Array.isArray(event);
}

function badBody(status: number, detail: string, contentType: string | null): Failure {
  return {
    code: 'ERR_FORWARDER_RELAY_BODY',
    alexaType: 'INTERNAL_ERROR',
    msg: `relay answered HTTP ${status} with ${detail}, expected an Alexa response {"event":...}: is PRESSGATE_RELAY_URL the pressgate relay?`,
    alexaMessage: INTERNAL_FOR_ALEXA,
    fields: { relayStatus: status, contentType: contentType ?? 'none' },
  };
}

/**
 * The directive as the exact text to sign and send, or the failure for an invocation that is no
 * directive object (both transports answer it the same way).
 */
export function serializeDirective(
  event: unknown,
): { ok: true; body: string } | { ok: false; failure: Failure } {
  let body: string | undefined;
  try {
    body = JSON.stringify(event);
  } catch {
    body = undefined;
  }
  if (typeof event !== 'object' || event === null || body === undefined) {
    return {
      ok: false,
      failure: {
        code: 'ERR_FORWARDER_BAD_EVENT',
        alexaType: 'INVALID_DIRECTIVE',
        msg: `the Lambda was invoked with ${event === null ? 'null' : typeof event}, expected an Alexa directive object: check the function's trigger`,
        alexaMessage: 'Expected an Alexa directive.',
      },
    };
  }
  return { ok: true, body };
}

async function callRelay(
  event: unknown,
  config: ForwarderConfig,
  fetchImpl: typeof fetch,
  nowMs: () => number,
): Promise<{ ok: true; reply: AlexaReply; status: number } | { ok: false; failure: Failure }> {
  const serialized = serializeDirective(event);
  if (!serialized.ok) return serialized;
  const { body } = serialized;
  const signal = AbortSignal.timeout(config.timeoutMs);
  let response: Response;
  try {
    response = await fetchImpl(config.directiveUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        [SIGNATURE_HEADER]: signDirective(config.secret, body, Math.floor(nowMs() / 1000)),
      },
      body,
      signal,
      redirect: 'error',
    });
  } catch (error) {
    return { ok: false, failure: failureOfThrown(error, config, 'waiting for the answer') };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { ok: false, failure: failureOfThrown(error, config, 'reading the answer') };
  }
  const parsed = parseJson(text);
  if (response.status < 200 || response.status > 299) {
    return { ok: false, failure: failureOfStatus(response.status, parsed.ok ? parsed.value : undefined) };
  }
  const contentType = response.headers.get('content-type');
  if (!parsed.ok) {
    return {
      ok: false,
      failure: badBody(response.status, `${text.length} bytes that are not JSON`, contentType),
    };
  }
  if (!isAlexaReply(parsed.value)) {
    return { ok: false, failure: badBody(response.status, 'JSON without an event object', contentType) };
  }
  return { ok: true, reply: parsed.value, status: response.status };
}

export function safeSummary(summary: DirectiveSummary): Record<string, string> {
  // correlationToken is an opaque token from Alexa: kept out of logs like every token.
  const fields: Record<string, string> = {};
  if (summary.namespace !== undefined) fields.namespace = summary.namespace;
  if (summary.name !== undefined) fields.name = summary.name;
  if (summary.messageId !== undefined) fields.messageId = summary.messageId;
  if (summary.endpointId !== undefined) fields.endpointId = summary.endpointId;
  return fields;
}

/**
 * Sends one Alexa directive, signed, to the relay and returns the relay's
 * answer unchanged. Never throws: when the relay is down, slow, failing or
 * answers something that is not an Alexa response, it logs why and returns
 * the ErrorResponse Alexa expects for that directive.
 */
export async function forwardDirective(
  event: unknown,
  config: ForwarderConfig,
  fetchImpl: typeof fetch = fetch,
  options: ForwardOptions = {},
): Promise<AlexaReply> {
  const log = options.log ?? logToConsole;
  const nowMs = options.nowMs ?? Date.now;
  const startedMs = nowMs();
  const result = await callRelay(event, config, fetchImpl, nowMs);
  const summary = safeSummary(summarizeDirective(event));
  const durationMs = Math.max(0, nowMs() - startedMs);
  if (result.ok) {
    log({ level: 'info', msg: 'directive forwarded', ...summary, relayStatus: result.status, durationMs });
    return result.reply;
  }
  const { failure } = result;
  log({
    level: 'error',
    msg: failure.msg,
    code: failure.code,
    ...summary,
    ...failure.fields,
    relay: config.directiveUrl.origin,
    durationMs,
  });
  return buildErrorFor(event, failure.alexaType, failure.alexaMessage);
}
