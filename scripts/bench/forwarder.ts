/**
 * The cost bench's baseline: a minimal Fastify + undici forwarder, its own process. It takes
 * `POST /v1/gestures` (`{remoteId, button, gesture}`), answers 202 with the messageId, builds
 * the same SimpleEvent as the relay (@pressgate/protocol's buildSimpleEvent) and POSTs it to
 * the gateway. No outbox, no logs, no retries, no order: the least any forwarder must do.
 * Started as `forwarder.ts '<json ForwarderSetup>'`; prints `forwarder listening on URL`.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { buildSimpleEvent, type Gesture } from '@pressgate/protocol';
import { Pool } from 'undici';

export type ForwarderSetup = {
  gatewayUrl: string;
  token: string;
  /** remoteId -> its endpoint and button 1's instance. */
  remotes: Record<string, { endpointId: string; instance: string }>;
  eventIds: Record<Gesture, string>;
  /** Gateway connections kept open. */
  connections: number;
};

type Reply = { code(status: number): Reply; send(body?: unknown): unknown };
type App = {
  post(path: string, handler: (request: { body: unknown }, reply: Reply) => unknown): void;
  listen(options: { host: string; port: number }): Promise<string>;
  close(): Promise<void>;
};
// The repository root has no fastify dependency; borrow the relay's (the same version it runs).
const requireFromRelay = createRequire(new URL('../../packages/relay/package.json', import.meta.url));
const Fastify = requireFromRelay('fastify') as (options: { logger: boolean }) => App;

const setup = JSON.parse(process.argv[2] ?? '{}') as ForwarderSetup;
const gateway = new URL(setup.gatewayUrl);
const pool = new Pool(gateway.origin, { connections: setup.connections });
const app = Fastify({ logger: false });

app.post('/v1/gestures', (request, reply) => {
  const { remoteId, gesture } = request.body as { remoteId: string; button: number; gesture: Gesture };
  const remote = setup.remotes[remoteId];
  if (remote === undefined) return reply.code(404).send({ error: 'unknown remote' });
  const messageId = randomUUID();
  const event = buildSimpleEvent({
    endpointId: remote.endpointId,
    instance: remote.instance,
    eventId: setup.eventIds[gesture],
    token: setup.token,
    timestamp: new Date(),
    messageId,
  });
  void pool
    .request({
      method: 'POST',
      path: gateway.pathname,
      headers: { authorization: `Bearer ${setup.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    })
    .then((response) => response.body.dump())
    .catch(() => undefined);
  return reply.code(202).send({ messageId });
});

const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`forwarder listening on ${url}\n`);
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.close())
    .finally(() => process.exit(0));
});
