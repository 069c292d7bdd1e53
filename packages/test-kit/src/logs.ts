import { Writable } from 'node:stream';
import { createRelayLogger } from '@pressgate/relay';

type Logger = ReturnType<typeof createRelayLogger>;

export type CapturedLogs = { logger: Logger; lines: string[]; entries: () => Record<string, unknown>[] };

/** A pino logger (with the relay's redaction) writing JSON lines into memory. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(line);
      callback();
    },
  });
  const logger = createRelayLogger(stream, 'debug');
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
