import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Log paths that may carry a token, secret, authorization code or signature.
 * The core never logs these on purpose; this is the second line of defence.
 * (`code` alone is not here: it is the error-code field everywhere else.)
 */
export const REDACT_PATHS: readonly string[] = [
  'token',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'authorizationCode',
  'authorization',
  'signature',
  'secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.authorizationCode',
  '*.authorization',
  '*.secret',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-pressgate-signature"]',
  'headers["x-pressgate-signature"]',
  'alexa.clientSecret',
  'config.alexa.clientSecret',
  'config.directives.secret',
  'event.endpoint.scope.token',
  'event.payload.scope.token',
  'directive.payload.grant.code',
  'directive.payload.grantee.token',
  'directive.payload.scope.token',
  'directive.endpoint.scope.token',
];

/** pino `redact` option built from REDACT_PATHS. */
export const REDACT: NonNullable<LoggerOptions['redact']> = {
  paths: [...REDACT_PATHS],
  censor: '[redacted]',
};

/** A pino logger that redacts every path the relay knows may carry a secret. */
export function createRelayLogger(destination?: DestinationStream, level = 'info'): Logger {
  return destination === undefined
    ? pino({ level, redact: REDACT })
    : pino({ level, redact: REDACT }, destination);
}
