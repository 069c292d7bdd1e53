/**
 * Error codes of the emulator itself (bad use of its API) and the gateway's exception codes
 * with their HTTP statuses, from docs/alexa.md, "Event gateway". One table, used by the gateway route and by fault
 * injection to fill in a code when a fault names only a status.
 */
export class EmulatorError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmulatorError';
    this.code = code;
  }
}

export const GATEWAY_CODE_STATUS: Readonly<Record<string, number>> = {
  INVALID_REQUEST_EXCEPTION: 400,
  INVALID_ACCESS_TOKEN_EXCEPTION: 401,
  SKILL_DISABLED_EXCEPTION: 403,
  SKILL_NEVER_ENABLED_EXCEPTION: 403,
  INSUFFICIENT_PERMISSION_EXCEPTION: 403,
  ACCOUNT_NOT_FOUND_EXCEPTION: 404,
  SKILL_NOT_FOUND_EXCEPTION: 404,
  REQUEST_ENTITY_TOO_LARGE_EXCEPTION: 413,
  THROTTLING_EXCEPTION: 429,
  INTERNAL_SERVICE_EXCEPTION: 500,
  SERVICE_UNAVAILABLE_EXCEPTION: 503,
};

/** The code an injected fault gets when it names only a status. */
export const DEFAULT_CODE_FOR_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_REQUEST_EXCEPTION',
  401: 'INVALID_ACCESS_TOKEN_EXCEPTION',
  403: 'SKILL_DISABLED_EXCEPTION',
  404: 'ACCOUNT_NOT_FOUND_EXCEPTION',
  413: 'REQUEST_ENTITY_TOO_LARGE_EXCEPTION',
  429: 'THROTTLING_EXCEPTION',
  500: 'INTERNAL_SERVICE_EXCEPTION',
  503: 'SERVICE_UNAVAILABLE_EXCEPTION',
};

/** A gateway answer that is not a success. */
export type GatewayRejection = { status: number; code: string; description: string };

export function gatewayRejection(code: string, description: string): GatewayRejection {
  return { status: GATEWAY_CODE_STATUS[code] ?? 400, code, description };
}

/** The exact error body of the event gateway. */
export function gatewayErrorBody(messageId: string, code: string, description: string) {
  return {
    header: { namespace: 'System', name: 'Exception', messageId },
    payload: { code, description },
  };
}

/** An LWA error answer. */
export type LwaRejection = { status: number; error: string; description: string };
