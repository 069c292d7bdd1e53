import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { classifyOpenError, LineSplitter, type SplitterOutput } from '@pressgate/listener';
import { type HelloMessage, MAX_LINE_BYTES, parseLine } from '@pressgate/protocol';
import { SerialPort } from 'serialport';
import type { DoctorSession, ObservedLine, QueryPurpose } from './types.js';

export type RecordSessionOptions = {
  path: string;
  baudRate: number;
  /** How long to listen after the port opened. */
  durationMs: number;
  /** When to send the second `?` (default: half of durationMs). */
  midRunQueryAtMs?: number;
  /** How often to check that `path` still exists (default 250): a hung-up pty reads nothing, silently. */
  presenceCheckMs?: number;
  /** Aborting ends the run early; what was seen so far is returned. */
  signal?: AbortSignal;
  /** Told about the run as it goes (for prompts and progress). */
  onProgress?: (event: DoctorProgress) => void;
};

export type DoctorProgress =
  | { type: 'opened'; path: string }
  | { type: 'query'; purpose: QueryPurpose; hostMs: number }
  | { type: 'line'; line: ObservedLine }
  | { type: 'hello'; hello: HelloMessage; hostMs: number };

function overlongLine(hostMs: number, limitBytes: number): ObservedLine {
  return {
    hostMs,
    raw: '',
    result: {
      ok: false,
      error: {
        code: 'ERR_WIRE_TOO_LONG',
        message: `expected at most ${limitBytes} bytes before the line ending, got more; discarded up to the next newline`,
      },
    },
    crlf: false,
    overlong: true,
  };
}

/**
 * Opens the port, sends `?` at once and again midway, and records every line
 * with its host arrival time until `durationMs` passed, the port went away,
 * or `signal` aborted. Only failing to open throws (a PressgateError with an
 * ERR_SERIAL_* code); everything after that is recorded, not thrown.
 */
export async function recordSession(options: RecordSessionOptions): Promise<DoctorSession> {
  const { path, onProgress } = options;
  options.signal?.throwIfAborted();
  const port = new SerialPort({ path, baudRate: options.baudRate, autoOpen: false });
  try {
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  } catch (error) {
    throw classifyOpenError(path, error);
  }
  const startMs = performance.now();
  const elapsed = () => performance.now() - startMs;
  const session: DoctorSession = {
    path,
    plannedMs: options.durationMs,
    elapsedMs: 0,
    queries: [],
    lines: [],
    aborted: false,
  };
  const splitter = new LineSplitter({ maxLineBytes: MAX_LINE_BYTES });
  const timers: NodeJS.Timeout[] = [];
  let finish = (): void => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let over = false;
  const end = (): void => {
    if (over) return;
    over = true;
    session.elapsedMs = elapsed();
    finish();
  };
  const lost = (code: string, message: string): void => {
    if (over) return;
    session.disconnect = { hostMs: elapsed(), code, message };
    end();
  };
  const query = (purpose: QueryPurpose): void => {
    if (over || !port.isOpen) return;
    const hostMs = elapsed();
    session.queries.push({ hostMs, purpose });
    port.write('?\n');
    onProgress?.({ type: 'query', purpose, hostMs });
  };

  splitter.on('data', (item: SplitterOutput) => {
    if (over) return;
    const hostMs = elapsed();
    let line: ObservedLine;
    if (item.kind === 'overlong') line = overlongLine(hostMs, item.limitBytes);
    else {
      const crlf = item.text.endsWith('\r');
      line = {
        hostMs,
        raw: crlf ? item.text.slice(0, -1) : item.text,
        result: parseLine(item.text),
        crlf,
        overlong: false,
      };
    }
    session.lines.push(line);
    onProgress?.({ type: 'line', line });
    if (line.result.ok && line.result.message.type === 'hello') {
      onProgress?.({ type: 'hello', hello: line.result.message, hostMs });
    }
  });
  port.on('data', (chunk: Buffer) => splitter.write(chunk));
  port.on('error', (error) =>
    lost('ERR_SERIAL_DISCONNECTED', `serial port ${path} failed: ${error.message} (unplugged?)`),
  );
  port.on('close', (error?: Error & { disconnected?: boolean }) =>
    lost(
      'ERR_SERIAL_DISCONNECTED',
      `serial port ${path} ${error?.disconnected ? 'disappeared (unplugged?)' : 'was closed'}`,
    ),
  );
  const checkPresence = (): void => {
    timers.push(
      setTimeout(async () => {
        const present = await stat(path).then(
          () => true,
          (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
        );
        if (over) return;
        if (present) checkPresence();
        else lost('ERR_SERIAL_DISCONNECTED', `serial port ${path} disappeared (unplugged?)`);
      }, options.presenceCheckMs ?? 250),
    );
  };
  const onAbort = (): void => {
    session.aborted = true;
    end();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  onProgress?.({ type: 'opened', path });
  query('open');
  timers.push(setTimeout(() => query('mid-run'), options.midRunQueryAtMs ?? options.durationMs / 2));
  timers.push(setTimeout(end, options.durationMs));
  checkPresence();
  try {
    await finished;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const timer of timers) clearTimeout(timer);
    port.removeAllListeners('data');
    port.removeAllListeners('close');
    port.on('error', () => {});
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
  return session;
}
