/**
 * The forwarder's settings, from the Lambda's environment variables. Only the
 * handler passes `process.env` in; everything else takes the typed result.
 */

export type ForwarderConfig = {
  /** Absent or https: POST to the relay (the MQTT settings are MqttForwarderConfig). */
  transport?: 'https';
  /** Where directives are POSTed: the relay's `/alexa/directive`. */
  directiveUrl: URL;
  /** Shared with the relay's `directives.secret`. Never logged. */
  secret: string;
  /** Budget for the whole relay round trip (connect, answer, body). */
  timeoutMs: number;
};

export type ForwarderConfigResult =
  | { ok: true; config: ForwarderConfig }
  | { ok: false; code: 'ERR_FORWARDER_CONFIG'; message: string; problems: string[] };

export type ForwarderEnv = Readonly<Record<string, string | undefined>>;

/** Default relay timeout: well under the 8 s Alexa waits for a skill's answer. */
export const DEFAULT_TIMEOUT_MS = 6000;
/** Longest allowed: leaves Lambda time to build and return an ErrorResponse before Alexa gives up. */
export const MAX_TIMEOUT_MS = 7500;

const DIRECTIVE_PATH = '/alexa/directive';

/** localhost, 127.0.0.0/8 and ::1: the only hosts plain http is allowed to (tests, a tunnel on the box). */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.(?:\d{1,3})\.(?:\d{1,3})\.(?:\d{1,3})$/.test(hostname)
  );
}

/**
 * `PRESSGATE_RELAY_URL` may be the relay's base URL (`https://relay.example.net`,
 * or with a path prefix behind a reverse proxy) or the full directive URL; either
 * way the result ends in `/alexa/directive`.
 */
function toDirectiveUrl(raw: string, problems: string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(
      `PRESSGATE_RELAY_URL is not a URL (${raw.length} characters): set it to the relay's public https URL, e.g. https://relay.example.net`,
    );
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(`PRESSGATE_RELAY_URL uses ${url.protocol}, expected https:`);
    return undefined;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    problems.push(
      `PRESSGATE_RELAY_URL is plain http to ${url.hostname}: directives carry account tokens, so use https ` +
        '(http is only allowed to localhost / 127.0.0.1 / [::1])',
    );
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    problems.push(
      'PRESSGATE_RELAY_URL contains a user name or password: remove them; the forwarder authenticates by signing',
    );
    return undefined;
  }
  if (!url.pathname.endsWith(DIRECTIVE_PATH)) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${DIRECTIVE_PATH}`;
  }
  url.hash = '';
  return url;
}

function toTimeoutMs(raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw.trim() === '') {
    return DEFAULT_TIMEOUT_MS;
  }
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    problems.push(
      `PRESSGATE_TIMEOUT_MS is ${JSON.stringify(raw.slice(0, 20))}, expected whole milliseconds from 1 to ` +
        `${MAX_TIMEOUT_MS} (Alexa waits 8 s); leave it unset for ${DEFAULT_TIMEOUT_MS}`,
    );
  }
  return value;
}

/** PRESSGATE_DIRECTIVE_SECRET and PRESSGATE_TIMEOUT_MS, the same for every transport. */
export function readSecretAndTimeout(
  env: ForwarderEnv,
  problems: string[],
): { secret: string; timeoutMs: number } {
  const secret = env.PRESSGATE_DIRECTIVE_SECRET ?? '';
  if (secret === '') {
    problems.push(
      "PRESSGATE_DIRECTIVE_SECRET is not set: set it to the same value as the relay's directives.secret",
    );
  }
  return { secret, timeoutMs: toTimeoutMs(env.PRESSGATE_TIMEOUT_MS, problems) };
}

/** Reads and checks the forwarder's environment; every problem is reported at once. */
export function loadForwarderConfig(env: ForwarderEnv): ForwarderConfigResult {
  const problems: string[] = [];
  const rawUrl = env.PRESSGATE_RELAY_URL?.trim() ?? '';
  let directiveUrl: URL | undefined;
  if (rawUrl === '') {
    problems.push(
      "PRESSGATE_RELAY_URL is not set: set it to the relay's public https URL, e.g. https://relay.example.net (or set PRESSGATE_MQTT_URL for a relay with directives.transport mqtt)",
    );
  } else {
    directiveUrl = toDirectiveUrl(rawUrl, problems);
  }
  const { secret, timeoutMs } = readSecretAndTimeout(env, problems);
  if (problems.length > 0 || directiveUrl === undefined) {
    return {
      ok: false,
      code: 'ERR_FORWARDER_CONFIG',
      message: `pressgate forwarder misconfigured: ${problems.join('; ')}`,
      problems,
    };
  }
  return { ok: true, config: { directiveUrl, secret, timeoutMs } };
}

/** Time kept back from Lambda's own deadline to build and return the ErrorResponse. */
export const LAMBDA_RESERVE_MS = 500;

/**
 * Shrinks the relay timeout to what the Lambda invocation has left (minus a
 * reserve), so a function configured with a short timeout still answers Alexa
 * with an ErrorResponse instead of being killed mid-request.
 */
export function fitTimeoutToLambda<T extends { timeoutMs: number }>(
  config: T,
  remainingMs: number | undefined,
): T {
  if (remainingMs === undefined || !Number.isFinite(remainingMs)) {
    return config;
  }
  const availableMs = Math.max(1, Math.floor(remainingMs - LAMBDA_RESERVE_MS));
  return availableMs < config.timeoutMs ? { ...config, timeoutMs: availableMs } : config;
}
