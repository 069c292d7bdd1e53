import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type PressgateErrorCode,
  ReplayGuard,
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_S,
  verifyDirectiveSignature,
} from '@pressgate/protocol';
import { onTestFinished } from 'vitest';

/** What the stand-in saw of one request. */
export type SeenRequest = {
  method: string;
  url: string;
  contentType: string | undefined;
  rawBody: string;
  verification: ReturnType<typeof verifyDirectiveSignature>;
  replay: boolean;
};

/** How the stand-in answers a request whose signature it accepted. */
export type Answer = (request: SeenRequest, response: ServerResponse) => void;

export type RelayStandIn = { baseUrl: string; requests: SeenRequest[] };

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * A real HTTP server on 127.0.0.1:0 standing in for the relay's
 * `POST /alexa/directive`: it checks the signature the way the relay does
 * (verifyDirectiveSignature + ReplayGuard, 401 otherwise) and then lets the
 * test decide the answer. Closed when the test finishes.
 */
export async function startRelayStandIn(secret: string, answer: Answer): Promise<RelayStandIn> {
  const requests: SeenRequest[] = [];
  const guard = new ReplayGuard({ windowS: SIGNATURE_TOLERANCE_S, maxEntries: 100 });
  const server = createServer((request, response) => {
    void readBody(request).then((rawBody) => {
      const header = request.headers[SIGNATURE_HEADER];
      const nowS = Math.floor(Date.now() / 1000);
      const verification = verifyDirectiveSignature(
        typeof header === 'string' ? header : undefined,
        rawBody,
        secret,
        nowS,
      );
      const replay = verification.ok
        ? guard.seen(verification.signature, verification.timestamp, nowS)
        : false;
      const seen: SeenRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        contentType: request.headers['content-type'],
        rawBody,
        verification,
        replay,
      };
      requests.push(seen);
      if (!verification.ok || replay) {
        const code: PressgateErrorCode = verification.ok ? 'ERR_SIGNATURE_REPLAY' : verification.code;
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ statusCode: 401, code, error: 'Unauthorized', message: 'refused' }));
        return;
      }
      answer(seen, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, requests };
}

/** Answers with `status` and `body` (a string as is, anything else as JSON). */
export function respondWith(status: number, body: unknown, contentType = 'application/json'): Answer {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': contentType });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

/** A port that was just free: a server is opened on it and closed again, so connecting is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export const DIRECTIVE_SECRET = 'test-directive-secret-5f1c9a';
export const GRANT_CODE = 'ANSecretGrantCode-7d2e';
export const USER_BEARER = 'Atza|test-user-bearer-token';
export const CORRELATION_TOKEN = 'dFMb0z+PgpgdDmluhJ1LddFvSqZ/jCc8ptlAKulUj90jSqg==';

export function lambdaDiscover(): Record<string, unknown> {
  return {
    directive: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'Discover',
        payloadVersion: '3',
        messageId: randomUUID(),
      },
      payload: { scope: { type: 'BearerToken', token: USER_BEARER } },
    },
  };
}

export function lambdaAcceptGrant(): Record<string, unknown> {
  return {
    directive: {
      header: {
        namespace: 'Alexa.Authorization',
        name: 'AcceptGrant',
        payloadVersion: '3',
        messageId: randomUUID(),
      },
      payload: {
        grant: { type: 'OAuth2.AuthorizationCode', code: GRANT_CODE },
        grantee: { type: 'BearerToken', token: USER_BEARER },
      },
    },
  };
}

export function lambdaReportState(): Record<string, unknown> {
  return {
    directive: {
      header: {
        namespace: 'Alexa',
        name: 'ReportState',
        payloadVersion: '3',
        messageId: randomUUID(),
        correlationToken: CORRELATION_TOKEN,
      },
      endpoint: {
        scope: { type: 'BearerToken', token: USER_BEARER },
        endpointId: 'living-room-remote',
        cookie: {},
      },
      payload: {},
    },
  };
}

/** A Discover.Response as the relay would answer the forwarder (the emulator fixture has its own `discoverResponse`). */
export function lambdaDiscoverResponse(): Record<string, unknown> {
  return {
    event: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'Discover.Response',
        payloadVersion: '3',
        messageId: randomUUID(),
      },
      payload: {
        endpoints: [
          {
            endpointId: 'living-room-remote',
            manufacturerName: 'pressgate',
            friendlyName: 'Living room remote',
            description: 'Four button USB remote',
            displayCategories: ['REMOTE'],
            capabilities: [{ type: 'AlexaInterface', interface: 'Alexa', version: '3' }],
          },
        ],
      },
    },
  };
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
