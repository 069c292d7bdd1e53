import { describe, expect, it } from 'vitest';
import { createSigner, presignIotWebSocketUrl } from './aws-iot-url.js';

// AWS's published SigV4 test suite (the "Signature Version 4 Test Suite" of the AWS General
// Reference, carried on in awslabs/aws-c-auth): its example credentials, region, service and time.
const SUITE = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 'service',
  date: new Date('2015-08-30T12:36:00Z'),
};
const UNRESERVED = '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('SigV4 through @smithy/signature-v4, against the published test vectors', () => {
  it('get-vanilla-query-unreserved, query-signed (the way the IoT URL is signed)', async () => {
    const signer = createSigner(SUITE.credentials, SUITE.region, SUITE.service);
    const signed = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'example.amazonaws.com',
        path: '/',
        query: { [UNRESERVED]: UNRESERVED },
        headers: { host: 'example.amazonaws.com' },
      },
      { expiresIn: 3600, signingDate: SUITE.date },
    );
    expect(signed.query).toMatchObject({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request',
      'X-Amz-Date': '20150830T123600Z',
      'X-Amz-Expires': '3600',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': '8e76a88a7433637b12778d5592799b29ad21ecd6cf6325051c21d86f0acda2bf',
    });
  });

  it('get-vanilla-query-unreserved, header-signed', async () => {
    const signer = createSigner(SUITE.credentials, SUITE.region, SUITE.service);
    const signed = await signer.sign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'example.amazonaws.com',
        path: '/',
        query: { [UNRESERVED]: UNRESERVED },
        headers: { host: 'example.amazonaws.com' },
      },
      { signingDate: SUITE.date, unsignableHeaders: new Set(['x-amz-content-sha256']) },
    );
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
    );
  });
});

describe('presignIotWebSocketUrl', () => {
  it('signs wss://<endpoint>/mqtt for iotdevicegateway and appends the session token unsigned', async () => {
    const endpoint = new URL('wss://abc123-ats.iot.eu-west-1.amazonaws.com');
    const withToken = new URL(
      await presignIotWebSocketUrl({
        endpoint,
        region: 'eu-west-1',
        credentials: { ...SUITE.credentials, sessionToken: 'token/with+special=chars' },
        signingDate: SUITE.date,
      }),
    );
    const withoutToken = new URL(
      await presignIotWebSocketUrl({
        endpoint,
        region: 'eu-west-1',
        credentials: SUITE.credentials,
        signingDate: SUITE.date,
      }),
    );
    expect(`${withToken.protocol}//${withToken.host}${withToken.pathname}`).toBe(
      'wss://abc123-ats.iot.eu-west-1.amazonaws.com/mqtt',
    );
    expect(withToken.searchParams.get('X-Amz-Credential')).toBe(
      'AKIDEXAMPLE/20150830/eu-west-1/iotdevicegateway/aws4_request',
    );
    expect(withToken.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(withToken.searchParams.get('X-Amz-Security-Token')).toBe('token/with+special=chars');
    // The token is outside the signature: the same signature with and without it.
    expect(withToken.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(withToken.searchParams.get('X-Amz-Signature')).toBe(
      withoutToken.searchParams.get('X-Amz-Signature'),
    );
    expect(withoutToken.searchParams.has('X-Amz-Security-Token')).toBe(false);
  });
});
