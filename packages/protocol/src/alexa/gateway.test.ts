import { describe, expect, it } from 'vitest';
import {
  classifyGatewayResponse,
  GATEWAY_ERROR_CODES,
  GATEWAY_URLS,
  GatewayErrorBody,
  isGatewayErrorCode,
  LWA_TOKEN_URL,
} from './gateway.js';

describe('gateway constants', () => {
  it('holds the regional event gateways and the LWA token endpoint', () => {
    expect(GATEWAY_URLS).toStrictEqual({
      NA: 'https://api.amazonalexa.com/v3/events',
      EU: 'https://api.eu.amazonalexa.com/v3/events',
      FE: 'https://api.fe.amazonalexa.com/v3/events',
    });
    expect(Object.isFrozen(GATEWAY_URLS)).toBe(true);
    expect(LWA_TOKEN_URL).toBe('https://api.amazon.com/auth/o2/token');
  });

  it('maps every documented code to its status and category', () => {
    const table = Object.fromEntries(
      Object.entries(GATEWAY_ERROR_CODES).map(([code, info]) => [code, [info.status, info.category]]),
    );
    expect(table).toStrictEqual({
      INVALID_REQUEST_EXCEPTION: [400, 'dead_letter'],
      INVALID_ACCESS_TOKEN_EXCEPTION: [401, 'refresh'],
      SKILL_DISABLED_EXCEPTION: [403, 'relink'],
      SKILL_NEVER_ENABLED_EXCEPTION: [403, 'wrong_region'],
      INSUFFICIENT_PERMISSION_EXCEPTION: [403, 'relink'],
      ACCOUNT_NOT_FOUND_EXCEPTION: [404, 'relink'],
      SKILL_NOT_FOUND_EXCEPTION: [404, 'relink'],
      REQUEST_ENTITY_TOO_LARGE_EXCEPTION: [413, 'dead_letter'],
      THROTTLING_EXCEPTION: [429, 'retry'],
      INTERNAL_SERVICE_EXCEPTION: [500, 'retry'],
      SERVICE_UNAVAILABLE_EXCEPTION: [503, 'retry'],
    });
    for (const info of Object.values(GATEWAY_ERROR_CODES)) expect(info.meaning.length).toBeGreaterThan(0);
  });
});

describe('classifyGatewayResponse', () => {
  it.each([
    [202, undefined, 'success'],
    [204, undefined, 'success'],
    [401, 'INVALID_ACCESS_TOKEN_EXCEPTION', 'refresh'],
    [403, 'SKILL_DISABLED_EXCEPTION', 'relink'],
    [404, 'ACCOUNT_NOT_FOUND_EXCEPTION', 'relink'],
    [400, 'INVALID_REQUEST_EXCEPTION', 'dead_letter'],
    [413, 'REQUEST_ENTITY_TOO_LARGE_EXCEPTION', 'dead_letter'],
    [429, 'THROTTLING_EXCEPTION', 'retry'],
    [500, 'INTERNAL_SERVICE_EXCEPTION', 'retry'],
    [503, 'SERVICE_UNAVAILABLE_EXCEPTION', 'retry'],
    // The code wins over a status secondary sources may have wrong.
    [400, 'SKILL_NEVER_ENABLED_EXCEPTION', 'wrong_region'],
    // Unknown or missing codes fall back to the status.
    [401, undefined, 'refresh'],
    [403, 'SOMETHING_NEW', 'relink'],
    [429, undefined, 'retry'],
    [502, undefined, 'retry'],
    [400, undefined, 'dead_letter'],
    [422, 'SOMETHING_NEW', 'dead_letter'],
  ] as const)('status %i code %s -> %s', (status, code, expected) => {
    expect(classifyGatewayResponse(status, code)).toBe(expected);
  });

  it('does not treat inherited object keys as codes', () => {
    expect(isGatewayErrorCode('toString')).toBe(false);
    expect(classifyGatewayResponse(400, 'constructor')).toBe('dead_letter');
  });
});

describe('GatewayErrorBody', () => {
  it('parses the documented error body and rejects other shapes', () => {
    const body = {
      header: { namespace: 'System', name: 'Exception', messageId: '90c3fb5a-2b2d-4e5c-9f28-5f8c1f2a4d11' },
      payload: { code: 'INVALID_ACCESS_TOKEN_EXCEPTION', description: 'Access token is not valid.' },
    };
    const result = GatewayErrorBody.safeParse(body);
    expect(result.success).toBe(true);
    expect(result.data?.payload.code).toBe('INVALID_ACCESS_TOKEN_EXCEPTION');
    expect(GatewayErrorBody.safeParse({ ...body, payload: { description: 'x' } }).success).toBe(false);
  });
});
