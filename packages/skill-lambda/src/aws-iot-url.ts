import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** The Lambda role's credentials, as Lambda puts them in the environment. Never logged. */
export type AwsCredentials = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
};

/** AWS IoT Core's signing name for MQTT over WebSocket. */
export const IOT_SIGNING_SERVICE = 'iotdevicegateway';
/** How long the signed URL may be used to open the connection (seconds). */
export const IOT_URL_EXPIRES_S = 60;

/** A SigV4 signer over node's crypto: the maintained @smithy implementation, not our own. */
export function createSigner(credentials: AwsCredentials, region: string, service: string): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    region,
    service,
    sha256: Hash.bind(null, 'sha256'),
  });
}

/**
 * `wss://<endpoint>/mqtt` presigned with SigV4 (query-string signing, signed header `host`), the
 * way AWS IoT Core takes a WebSocket connection signed with IAM credentials. The session token
 * of temporary credentials (a Lambda role's) is appended after signing, outside the signature,
 * as IoT Core expects. See docs/mqtt.md, "AWS IoT Core".
 */
export async function presignIotWebSocketUrl(input: {
  endpoint: URL;
  region: string;
  credentials: AwsCredentials;
  signingDate?: Date;
}): Promise<string> {
  const { endpoint, region, credentials } = input;
  const path = endpoint.pathname === '' || endpoint.pathname === '/' ? '/mqtt' : endpoint.pathname;
  const signer = createSigner(credentials, region, IOT_SIGNING_SERVICE);
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: endpoint.hostname,
      ...(endpoint.port === '' ? {} : { port: Number(endpoint.port) }),
      path,
      query: {},
      headers: { host: endpoint.host },
    },
    {
      expiresIn: IOT_URL_EXPIRES_S,
      ...(input.signingDate === undefined ? {} : { signingDate: input.signingDate }),
    },
  );
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    if (typeof value === 'string') query.append(key, value);
  }
  if (credentials.sessionToken !== undefined && credentials.sessionToken !== '') {
    query.append('X-Amz-Security-Token', credentials.sessionToken);
  }
  return `wss://${endpoint.host}${path}?${query.toString()}`;
}
