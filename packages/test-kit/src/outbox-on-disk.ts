import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_RECORD_LIMIT,
  OUTBOX_FILE,
  OUTBOX_JOURNAL_FILE,
  OutboxFile,
  OutboxJournalLine,
  parseJournal,
  replayJournal,
  schemaParser,
} from '@pressgate/relay/internals';
import { onTestFinished } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CHILD = join(import.meta.dirname, 'outbox-crash-child.ts');

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * What the outbox holds on disk right now (outbox.json with outbox.journal replayed over it),
 * read without touching the files, plus their raw text (to check that no secret is stored).
 */
export async function readOutboxOnDisk(dataDir: string): Promise<OutboxFile & { rawText: string }> {
  const snapshotText = await readOrEmpty(join(dataDir, OUTBOX_FILE));
  const journalFile = join(dataDir, OUTBOX_JOURNAL_FILE);
  const journalText = await readOrEmpty(journalFile);
  const data: OutboxFile =
    snapshotText === ''
      ? {
          version: 1,
          pending: [],
          finished: [],
          failures: [],
          totals: { delivered: 0, expired: 0, deadLetter: 0, rateLimited: 0, superseded: 0 },
        }
      : OutboxFile.parse(JSON.parse(snapshotText));
  const { lines } = parseJournal(journalFile, journalText, schemaParser(OutboxJournalLine));
  replayJournal(data, lines, DEFAULT_RECORD_LIMIT);
  return { ...data, rawText: snapshotText + journalText };
}

/** Runs the crash child; resolves with what it printed once it has exited (by its own SIGKILL or ours). */
export function spawnCrashChild(
  args: string[],
  /** strace options to run the child under (e.g. a syscall delay: a slow disk); none by default. */
  strace?: string[],
): {
  child: ChildProcess;
  printed: () => string[];
  exited: Promise<NodeJS.Signals | null>;
} {
  const node = [process.execPath, '--conditions=source', '--import', 'tsx', CHILD, ...args];
  const [command, ...rest] = strace === undefined ? node : ['strace', ...strace, '--', ...node];
  const child = spawn(command as string, rest, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const printed = (): string[] => {
    if (child.exitCode !== null && child.exitCode !== 0)
      throw new Error(`the child exited ${child.exitCode}: ${stderr}`);
    return stdout.split('\n').filter((text) => text !== '');
  };
  return { child, printed, exited };
}
