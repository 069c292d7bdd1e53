import type { Writable } from 'node:stream';
import type { DestinationStream } from 'pino';

/**
 * Readable log lines for a person at a terminal: pino writes its JSON lines
 * here and each becomes `12:03:04.567 INFO  relay: message key=value`. JSON
 * stays the format for machines (systemd's journal, log shippers).
 */

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** Keys every line has, shown in the prefix or not at all. */
const SKIPPED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'component']);

export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof record !== 'object' || record === null) return line;
  const time = typeof record.time === 'number' ? clock(new Date(record.time)) : '';
  const level = LEVELS[Number(record.level)] ?? String(record.level ?? '');
  const component = typeof record.component === 'string' ? `${record.component}: ` : '';
  const message = typeof record.msg === 'string' ? record.msg : '';
  const fields = Object.entries(record)
    .filter(([key]) => !SKIPPED.has(key))
    .map(([key, value]) => `${key}=${showValue(value)}`);
  return [`${time} ${level.padEnd(5)} ${component}${message}`, ...fields].join(' ').trimEnd();
}

/** A pino destination that writes formatted lines to `out`; input is split on newlines. */
export function prettyLogDestination(out: Writable): DestinationStream {
  let pending = '';
  return {
    write(chunk: string): void {
      pending += chunk;
      let end = pending.indexOf('\n');
      while (end !== -1) {
        out.write(`${formatLogLine(pending.slice(0, end))}\n`);
        pending = pending.slice(end + 1);
        end = pending.indexOf('\n');
      }
    },
  };
}

/** `--log-format`, else pretty when stdout is a terminal and JSON when it is not. */
export function chooseLogFormat(option: string | undefined, out: Writable): LogFormat {
  if (option === undefined) return (out as { isTTY?: boolean }).isTTY === true ? 'pretty' : 'json';
  return option as LogFormat;
}

function showValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

function clock(date: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
