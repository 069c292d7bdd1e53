/**
 * A child process for the crash tests: it works on a real outbox and dies by SIGKILL, so
 * nothing is flushed on the way down. Run with node --conditions=source --import tsx.
 *
 *   burst <dataDir> <killAfter>   adds events in waves; prints each messageId once its add
 *                                 resolved; SIGKILLs itself after `killAfter` with adds in flight
 *   deliver <dataDir> <gatewayUrl>  enqueues one event and delivers it (the test kills it)
 *   deliver-pid <dataDir> <gatewayUrl>  the same, printing `pid <n>` first (to kill node itself
 *                                 when the child runs under strace)
 */
import { writeSync } from 'node:fs';
import { buildSimpleEvent, newMessageId, withScopeToken } from '@pressgate/protocol';
import { createRelayLogger } from '@pressgate/relay';
import { Delivery, GatewayClient, Outbox, type OutboxEntry } from '@pressgate/relay/internals';

/** Like relay-fixtures' simpleEntry, without importing vitest into this process. */
function simpleEntry(endpointId: string): OutboxEntry {
  const messageId = newMessageId();
  const now = Date.now();
  const message = buildSimpleEvent({
    endpointId,
    instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
    eventId: 'Button.SinglePush.1',
    timestamp: now,
    messageId,
  });
  return {
    messageId,
    endpointId,
    eventId: 'Button.SinglePush.1',
    createdAt: new Date(now).toISOString(),
    enqueuedAt: new Date(now).toISOString(),
    message: message as unknown as Record<string, unknown>,
  };
}

const [mode, dataDir, arg] = process.argv.slice(2);
if (dataDir === undefined || arg === undefined) throw new Error('usage: burst|deliver <dataDir> <arg>');
const outbox = new Outbox({ dataDir, compactAtBytes: 64 * 1024 });
await outbox.open();
const say = (line: string): void => {
  // Synchronous: what the parent reads was printed before the kill.
  writeSync(1, `${line}\n`);
};

if (mode === 'burst') {
  const killAfter = Number(arg);
  let resolved = 0;
  const wave = (): void => {
    for (let i = 0; i < 8; i += 1) {
      const entry = simpleEntry(`endpoint-${i % 3}`);
      void outbox.add(entry).then(() => {
        say(entry.messageId);
        resolved += 1;
        if (resolved >= killAfter) process.kill(process.pid, 'SIGKILL');
      });
    }
    setImmediate(wave);
  };
  wave();
} else if (mode === 'deliver' || mode === 'deliver-pid') {
  if (mode === 'deliver-pid') say(`pid ${process.pid}`);
  const delivery = new Delivery({
    outbox,
    tokens: {
      getAccessToken: async () => 'Atza|child',
      invalidateAccessToken: () => undefined,
      markRelinkRequired: async () => undefined,
      markWrongRegion: async () => undefined,
      onLinkChange: () => () => undefined,
    },
    gateway: new GatewayClient({ url: arg, requestTimeoutMs: 30_000 }),
    withScopeToken: (message, token) => withScopeToken(message as never, token),
    maxEventAgeMs: 60_000,
    logger: createRelayLogger(undefined, 'silent'),
  });
  delivery.start();
  const entry = simpleEntry('living-room');
  await delivery.enqueue(entry);
  say(entry.messageId);
} else {
  throw new Error(`unknown mode ${mode}`);
}
