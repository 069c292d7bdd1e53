import {
  buildAcceptGrantResponse,
  buildAuthorizationErrorResponse,
  buildDiscoverResponse,
  buildErrorResponse,
  buildStateReport,
  type Connectivity,
  type DiscoveryEndpoint,
  isPressgateError,
  type ParsedDirective,
  parseDirective,
  ReplayGuard,
  SIGNATURE_TOLERANCE_S,
  verifyDirectiveSignature,
} from '@pressgate/protocol';
import type { Logger } from 'pino';
import type { RelayCore } from '../ports.js';
import { HttpError } from './http-errors.js';
import { parseJsonBody } from './json-body.js';

/** Signatures remembered at most; far above what one Alexa account sends in 300 s. */
const REPLAY_MAX_ENTRIES = 10_000;

export type DirectiveHandlerDeps = {
  core: RelayCore;
  logger: Logger;
  directiveSecret: string;
  discovery: () => readonly DiscoveryEndpoint[];
  connectivity: (endpointId: string) => Connectivity | undefined;
  nowMs: () => number;
  /** Without one, replays are refused only while this process runs (memory only). */
  signatures?: SignatureRecorder | undefined;
};

/** The Alexa message the skill's forwarder hands to Alexa unchanged. */
export type AlexaAnswer = { event: object; context?: object };

/**
 * Durable memory of accepted signatures (the core's SignatureLedger). `record` resolves true
 * once the signature is on disk, false when it was already recorded inside its window (a
 * replay, possibly from before a restart); it rejects when the disk refuses.
 */
export type SignatureRecorder = {
  record(signature: string, timestamp: number, nowUnixSeconds: number): Promise<boolean>;
};

/** One directive as it arrived, over HTTP or MQTT. */
export type DirectiveRequest = {
  /** The exact bytes the signature covers, as received (never decoded and re-encoded). */
  rawBody: Uint8Array;
  /** The x-pressgate-signature value (header or MQTT 5 user property); undefined when absent. */
  signature: string | undefined;
  /** For the log only: who sent it (an IP, or the broker). */
  from: string | undefined;
};

/**
 * Answers a signed directive; the same for every transport (POST /alexa/directive and the MQTT
 * directive topic). Throws HttpError for a refused signature or replay, or a body that is not
 * JSON; every directive that got that far resolves with the Alexa message to pass on, errors
 * included.
 */
export type DirectiveHandler = {
  handle(request: DirectiveRequest): Promise<AlexaAnswer>;
};

/**
 * The signature over the raw body first (nothing is read before it passes), then the replay
 * check (in memory, then the durable ledger, which records the signature before anything is
 * processed), then JSON, then the directive. One replay memory per handler: build one and share
 * it between transports so a directive taken over one is a replay over the other.
 */
export function createDirectiveHandler(deps: DirectiveHandlerDeps): DirectiveHandler {
  const logger = deps.logger.child({ route: 'directives' });
  const replays = new ReplayGuard({ windowS: SIGNATURE_TOLERANCE_S, maxEntries: REPLAY_MAX_ENTRIES });
  return {
    async handle(request) {
      await checkSignature(request, deps, replays, logger);
      const parsed = parseJsonBody(decodeBody(request.rawBody));
      return answerDirective(parsed, deps, logger);
    },
  };
}

/** The body as text for JSON: UTF-8, without a leading byte order mark (JSON parsers may ignore one). */
function decodeBody(rawBody: Uint8Array): string {
  const text = Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

async function checkSignature(
  request: DirectiveRequest,
  deps: DirectiveHandlerDeps,
  replays: ReplayGuard,
  logger: Logger,
): Promise<void> {
  const nowS = Math.floor(deps.nowMs() / 1000);
  const verified = verifyDirectiveSignature(request.signature, request.rawBody, deps.directiveSecret, nowS);
  if (!verified.ok) {
    // The code and the sender only: never the header, the signature or the body.
    logger.warn({ code: verified.code, remoteAddress: request.from }, 'directive refused: bad signature');
    throw new HttpError(verified.code, verified.message);
  }
  // The fast path first: a replay within this process never touches the disk.
  const replayed =
    replays.seen(verified.signature, verified.timestamp, nowS) ||
    (deps.signatures !== undefined &&
      !(await deps.signatures.record(verified.signature, verified.timestamp, nowS)));
  if (replayed) {
    logger.warn({ code: 'ERR_SIGNATURE_REPLAY', remoteAddress: request.from }, 'directive refused: replay');
    throw new HttpError(
      'ERR_SIGNATURE_REPLAY',
      `this signed request was already handled; each directive must be signed once, when it is sent (a captured request cannot be replayed within ${SIGNATURE_TOLERANCE_S} s)`,
    );
  }
}

async function answerDirective(
  body: unknown,
  deps: DirectiveHandlerDeps,
  logger: Logger,
): Promise<AlexaAnswer> {
  const directive: ParsedDirective = parseDirective(body);
  if (!directive.ok) {
    logger.info(
      { kind: directive.kind, namespace: directive.namespace, name: directive.name },
      'directive not handled',
    );
    if (directive.namespace === 'Alexa.Authorization') {
      return buildAuthorizationErrorResponse('ACCEPT_GRANT_FAILED', directive.message);
    }
    return buildErrorResponse({
      type: 'INVALID_DIRECTIVE',
      message: directive.message,
      endpointId: directive.endpointId,
      correlationToken: directive.correlationToken,
    });
  }
  const { header } = directive.directive.directive;
  logger.info({ name: header.name, messageId: header.messageId }, 'directive received');
  switch (directive.kind) {
    case 'AcceptGrant':
      return acceptGrant(directive.directive.directive.payload.grant.code, deps, logger);
    case 'Discover': {
      const endpoints = deps.discovery();
      logger.info({ endpoints: endpoints.length }, 'discovery answered');
      return buildDiscoverResponse(endpoints);
    }
    case 'ReportState': {
      const endpointId = directive.directive.directive.endpoint.endpointId;
      const correlationToken = directive.directive.directive.header.correlationToken;
      const connectivity = deps.connectivity(endpointId);
      if (connectivity === undefined) {
        return buildErrorResponse({
          type: 'NO_SUCH_ENDPOINT',
          message: `no endpoint ${endpointId} on this relay; run discovery again in the Alexa app`,
          endpointId,
          correlationToken,
        });
      }
      return buildStateReport({ endpointId, correlationToken, connectivity, timeOfSample: deps.nowMs() });
    }
  }
}

/**
 * Exchanges the code even when the caller has gone away meanwhile: the code is
 * single-use, so finishing the exchange is the only way not to waste it.
 */
async function acceptGrant(code: string, deps: DirectiveHandlerDeps, logger: Logger): Promise<AlexaAnswer> {
  try {
    await deps.core.tokens.acceptGrant(code);
  } catch (error) {
    const errorCode = isPressgateError(error) ? error.code : 'ERR_LWA_UNKNOWN';
    logger.warn({ code: errorCode }, 'AcceptGrant failed: the tokens could not be obtained');
    return buildAuthorizationErrorResponse(
      'ACCEPT_GRANT_FAILED',
      `the relay could not exchange the authorization code with Login with Amazon (${errorCode}); check the relay log, then disable and enable the skill again`,
    );
  }
  logger.info('AcceptGrant: linked');
  return buildAcceptGrantResponse();
}
