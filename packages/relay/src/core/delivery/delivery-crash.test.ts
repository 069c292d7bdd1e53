import { join } from 'node:path';
import {
  freshDir,
  parseSent,
  type Reply,
  readOutboxOnDisk,
  spawnCrashChild,
  startDeliveryHarness,
  startScriptedServer,
  waitFor,
} from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

const ok: Reply = { status: 202 };

describe('delivery after a crash', () => {
  it('resends an event with its original messageId when the process died between send and finish', async () => {
    const dataDir = await freshDir();
    const first = await startScriptedServer('/v3/events', () => 'hang');
    const run = spawnCrashChild(['deliver', dataDir, first.url]);
    // The send does not wait for the append: wait for both, the gateway's copy and the child
    // saying its append is durable (what a 202 would mean).
    const [sentBefore] = await waitFor(
      'the child to send its event and report it durable',
      () => (first.requests.length > 0 && run.printed().length > 0 ? first.requests : undefined),
      () => ({ printed: run.printed(), sent: first.requests.length }),
      15_000,
    );
    // The gateway has the event; the process dies before any answer or finish write.
    run.child.kill('SIGKILL');
    expect(await run.exited).toBe('SIGKILL');
    const messageId = parseSent(sentBefore?.body ?? '{}').messageId;
    expect(run.printed()).toEqual([messageId]);
    expect((await readOutboxOnDisk(dataDir)).pending.map((entry) => entry.messageId)).toEqual([messageId]);
    const h = await startDeliveryHarness({ gateway: () => ok, dataDir });
    const [record] = await h.waitForRecords(1);
    expect(record).toMatchObject({ outcome: 'delivered', messageId, attempts: 1 });
    expect(h.gateway.requests.map((request) => parseSent(request.body).messageId)).toEqual([messageId]);
    expect(h.outbox.counts()).toEqual({
      pending: 0,
      delivered: 1,
      expired: 0,
      deadLetter: 0,
      rateLimited: 0,
      superseded: 0,
    });
  }, 30_000);
});

describe('delivery on a slow disk, then a crash', () => {
  it('sends before the append is durable; killed before the append, the gateway has the event and nothing is resent', async () => {
    const dataDir = await freshDir();
    const gateway = await startScriptedServer('/v3/events', () => 'hang');
    const journal = join(dataDir, 'outbox.journal');
    // Every journal write waits 5 s before it even starts: a disk far slower than any SD card.
    const slowDisk = ['-f', '-qq', '-o', '/dev/null', '-P', journal, '-e', 'trace=write,fdatasync'];
    slowDisk.push('-e', 'inject=write,fdatasync:delay_enter=5000000');
    const run = spawnCrashChild(['deliver-pid', dataDir, gateway.url], slowDisk);
    const [sent] = await waitFor(
      'the child to send its event',
      () => (gateway.requests.length > 0 ? gateway.requests : undefined),
      () => ({ printed: run.printed() }),
      15_000,
    );
    // At the gateway, while its append is still waiting for the disk (enqueue has not resolved).
    const printed = run.printed();
    expect(printed).toHaveLength(1);
    const pid = Number(printed[0]?.replace('pid ', ''));
    process.kill(pid, 'SIGKILL');
    await run.exited;
    const messageId = parseSent(sent?.body ?? '{}').messageId;
    // The append never reached the disk: no record of the event, and the gateway has it.
    expect((await readOutboxOnDisk(dataDir)).pending).toEqual([]);
    const h = await startDeliveryHarness({ gateway: () => ok, dataDir });
    expect(h.outbox.pending()).toEqual([]);
    expect(h.delivery.inFlight).toBe(0);
    expect(gateway.requests.map((request) => parseSent(request.body).messageId)).toEqual([messageId]);
    expect(h.gateway.requests).toEqual([]);
  }, 30_000);
});
