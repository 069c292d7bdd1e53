/**
 * A slow disk (`pnpm bench -- disk-sync [--full] [--samples=N] [--sync-delay-ms=20]`). Not a
 * test. Release-to-gateway latency of `pressgate run` reading a VirtualRemote over a socat pty
 * (one button, only `single` mapped, so it fires on the release; the emulator answers at
 * once), timed from the bench writing the `U` line to the emulator's answer (its request
 * record's `answeredAtMs`, wall clock with a fraction of a ms), with every sync the outbox makes slowed as on an SD card, beside the same
 * run without the delay.
 *
 * Which syscalls: the outbox journal is opened with O_DSYNC (Linux), so its durable append IS
 * the `write` to outbox.journal (the sync happens inside it); it `fdatasync`s the journal when
 * it empties it, and `fsync`s the data directory and outbox.json around a snapshot. The relay
 * runs under `strace -f -P <data dir> -P <data dir>/outbox.journal -P <data dir>/outbox.json
 * -e trace=write,fdatasync,fsync`, and the slow side adds `-e inject=write,fdatasync,fsync:
 * delay_exit=<ms * 1000>`: only the calls on those paths are delayed (-P filters the
 * injection too; a snapshot's temporary file is not covered). Both sides run under the same
 * strace, so its own cost (a ptrace stop on every write, sockets included) is on both.
 * Default 15 presses per side, --full 200. Writes bench-results/disk-sync.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startPtyRelay } from './pty-relay.js';
import {
  benchArgs,
  formatNumber,
  formatTable,
  intArg,
  type LatencySummary,
  type SummaryRow,
  summarize,
  summaryRow,
} from './stats.js';

const ARGS = benchArgs(process.argv.slice(2));
const SAMPLES = intArg(ARGS.get('samples'), ARGS.full ? 200 : 15, 'samples');
const SYNC_DELAY_MS = intArg(ARGS.get('sync-delay-ms'), 20, 'sync-delay-ms');
/** After a release, before the first poll: the single fires on release and the gateway answers at once. */
const QUIET_MS = 30;

function straceArgs(dataDir: string, delayMs: number): string[] {
  const paths = [dataDir, join(dataDir, 'outbox.journal'), join(dataDir, 'outbox.json')].flatMap((path) => [
    '-P',
    path,
  ]);
  const inject = delayMs > 0 ? ['-e', `inject=write,fdatasync,fsync:delay_exit=${delayMs * 1000}`] : [];
  return ['-f', '-qq', '-o', '/dev/null', ...paths, '-e', 'trace=write,fdatasync,fsync', ...inject];
}

export async function benchDiskSync() {
  const rig = await startPtyRelay({ gatewayDelayMs: 0, buttons: 1, gestures: ['single'] });
  try {
    const sides: Record<string, LatencySummary & { missed: number }> = {};
    for (const delayMs of [0, SYNC_DELAY_MS]) {
      const relay = await rig.startRelay((dataDir) => straceArgs(dataDir, delayMs));
      const values: number[] = [];
      let missed = 0;
      let releasedAt = 0;
      const onSent = (event: { line: string; hostMs: number }) => {
        if (event.line.startsWith('E ') && event.line.endsWith(' U'))
          releasedAt = performance.timeOrigin + event.hostMs;
      };
      rig.remote.on('sent', onSent);
      try {
        for (let sample = 0; sample < SAMPLES; sample += 1) {
          await rig.remote.press(1, { holdMs: 40 });
          const got = await rig.acceptedSoon(1, QUIET_MS);
          const first = got[0];
          const answeredMs = first && (await rig.gatewayTimes()).get(first.messageId)?.answeredAtMs;
          if (answeredMs === undefined) missed += 1;
          else values.push(answeredMs - releasedAt);
          await sleep(50);
        }
      } finally {
        rig.remote.off('sent', onSent);
        await relay.stop();
      }
      sides[delayMs === 0 ? 'plain' : 'slowSync'] = { ...summarize(values), missed };
    }
    const plain = sides.plain as LatencySummary;
    const slow = sides.slowSync as LatencySummary;
    const summary: SummaryRow[] = (['p50Ms', 'p99Ms'] as const).map((q) =>
      summaryRow(
        {
          figure: `release -> gateway ${q.slice(0, 3)}, every outbox sync +${SYNC_DELAY_MS} ms`,
          value: slow[q],
          baseline: plain[q],
          baselineName: 'same, no sync delay',
          unit: 'ms',
          compare: 'diff',
        },
        { text: '<= +1 ms', check: (diff) => diff <= 1 },
      ),
    );
    return { samples: SAMPLES, syncDelayMs: SYNC_DELAY_MS, sides, summary };
  } finally {
    await rig.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = { ...(await benchDiskSync()), node: process.version, at: new Date().toISOString() };
  console.log(
    `disk-sync: ${result.samples} presses per side; release (U written) -> gateway accepted, ms; ` +
      `both under strace, the slow side with every outbox sync +${result.syncDelayMs} ms`,
  );
  const rows = Object.entries(result.sides).map(([name, stats]) => [
    name === 'plain' ? 'no delay' : `sync +${result.syncDelayMs} ms`,
    `${stats.samples}`,
    `${stats.missed}`,
    ...[stats.p50Ms, stats.p99Ms, stats.maxMs].map((ms) => formatNumber(ms, 2)),
  ]);
  console.log(formatTable(['side', 'samples', 'missed', 'p50', 'p99', 'max'], rows));
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}disk-sync.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${outDir}disk-sync.json`);
}
