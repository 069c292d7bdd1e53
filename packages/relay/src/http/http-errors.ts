import { STATUS_CODES } from 'node:http';
import { isPressgateError, PressgateError } from '@pressgate/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/**
 * The one table of error codes the relay's HTTP face answers with, and the
 * status each maps to. Routes throw an HttpError (or let a PressgateError
 * from the core through); the one error handler turns it into
 * `{statusCode, code, error, message}`.
 */
export const ERROR_STATUS = {
  ERR_HTTP_BAD_JSON: 400,
  ERR_HTTP_INVALID_BODY: 400,
  ERR_HTTP_BAD_REQUEST: 400,
  ERR_HTTP_UNAUTHORIZED: 401,
  ERR_HTTP_NOT_LOOPBACK: 403,
  ERR_HTTP_CROSS_SITE: 403,
  ERR_HTTP_FOREIGN_HOST: 403,
  ERR_HTTP_NOT_FOUND: 404,
  ERR_HTTP_BODY_TOO_LARGE: 413,
  ERR_HTTP_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_HTTP_INTERNAL: 500,
  ERR_HTTP_TOO_MANY_STREAMS: 503,
  ERR_SIGNATURE_MISSING: 401,
  ERR_SIGNATURE_MALFORMED: 401,
  ERR_SIGNATURE_STALE: 401,
  ERR_SIGNATURE_MISMATCH: 401,
  ERR_SIGNATURE_REPLAY: 401,
  ERR_INGEST_UNMAPPED: 404,
  ERR_INGEST_UNKNOWN_REMOTE: 404,
  ERR_INGEST_FUTURE_TIME: 400,
  ERR_INGEST_BAD_TIME: 400,
  ERR_RELAY_STOPPED: 503,
  ERR_RELAY_NOT_STARTED: 503,
} as const satisfies Record<string, number>;

export type HttpErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error answer. `issues` only for ERR_HTTP_INVALID_BODY. */
export type ErrorBody = {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  issues?: unknown[];
};

/** An expected refusal a route throws; the error handler answers it from ERROR_STATUS. */
export class HttpError extends PressgateError {
  readonly issues: unknown[] | undefined;

  constructor(code: HttpErrorCode, message: string, options: { issues?: unknown[]; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.issues = options.issues;
  }
}

/** Fastify's own errors for bodies and content types, in the table's terms. */
const FASTIFY_CODES: Readonly<Record<string, HttpErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_HTTP_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_HTTP_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_HTTP_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_TYPE: 'ERR_HTTP_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'ERR_HTTP_UNSUPPORTED_MEDIA_TYPE',
};

function isTableCode(code: string): code is HttpErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

export function errorBody(code: string, statusCode: number, message: string, issues?: unknown[]): ErrorBody {
  const body: ErrorBody = { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
  if (issues !== undefined) body.issues = issues;
  return body;
}

/** What to answer for any error a route or Fastify raised. Unknown errors become a bare 500. */
export function toErrorBody(error: unknown, bodyLimitBytes: number): ErrorBody {
  if (isPressgateError(error) && isTableCode(error.code)) {
    const issues = error instanceof HttpError ? error.issues : undefined;
    return errorBody(error.code, ERROR_STATUS[error.code], error.message, issues);
  }
  const fastifyCode = (error as Partial<FastifyError> | undefined)?.code;
  const mapped = fastifyCode === undefined ? undefined : FASTIFY_CODES[fastifyCode];
  if (mapped === 'ERR_HTTP_BODY_TOO_LARGE') {
    return errorBody(
      mapped,
      413,
      `the body is larger than ${bodyLimitBytes} bytes, the most this relay reads: send one gesture or directive per request`,
    );
  }
  if (mapped === 'ERR_HTTP_UNSUPPORTED_MEDIA_TYPE') {
    return errorBody(
      mapped,
      415,
      'expected Content-Type application/json: send the body as JSON with that header',
    );
  }
  const statusCode = (error as Partial<FastifyError> | undefined)?.statusCode;
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    // Fastify's own 4xx messages describe the request, never its body.
    return errorBody(mapped ?? 'ERR_HTTP_BAD_REQUEST', statusCode, (error as Error).message);
  }
  return errorBody(
    'ERR_HTTP_INTERNAL',
    500,
    'the relay failed while handling the request; see its log (journalctl -u pressgate) for the cause',
  );
}

/** The one error handler and the 404 handler, both answering in the ErrorBody shape. */
export function registerErrorHandling(app: FastifyInstance, logger: Logger, bodyLimitBytes: number): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const body = toErrorBody(error, bodyLimitBytes);
    const where = { method: request.method, url: request.routeOptions.url ?? request.url };
    if (body.statusCode >= 500) {
      logger.error({ ...where, err: error, code: body.code }, 'request failed');
    } else {
      logger.info({ ...where, statusCode: body.statusCode, code: body.code }, 'request refused');
    }
    return reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    return reply
      .code(404)
      .send(
        errorBody(
          'ERR_HTTP_NOT_FOUND',
          404,
          `no route ${request.method} ${path.slice(0, 200)}; the relay serves POST /alexa/directive, POST /v1/gestures, GET /v1/status, GET /v1/stream, GET /healthz and GET /metrics`,
        ),
      );
  });
}
