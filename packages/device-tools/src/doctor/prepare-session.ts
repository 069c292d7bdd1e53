import type { HelloMessage, SequencedMessage } from '@pressgate/protocol';
import type { DoctorSession, ObservedLine, ObservedQuery } from './types.js';

/** How long after a `?` a HELLO still counts as its answer (pressgate asks again after 1.5 s). */
export const ANSWER_WINDOW_MS = 1500;

export type HelloSeen = { index: number; hostMs: number; hello: HelloMessage };
export type SequencedSeen = { index: number; hostMs: number; message: SequencedMessage };
export type QueryAnswer = { query: ObservedQuery; hello: HelloSeen | undefined };

/** A session sorted out once, for every check to read. */
export type PreparedSession = {
  session: DoctorSession;
  /** Lines that count: without blank lines and without a cut-off first line. */
  lines: ObservedLine[];
  /** The first line after opening, dropped because it did not parse (likely the tail of an earlier line). */
  droppedFirst: ObservedLine | undefined;
  blank: number;
  hellos: HelloSeen[];
  /** Indexes (into `lines`) of HELLOs no `?` asked for: the device restarted. */
  unasked: Set<number>;
  answers: QueryAnswer[];
  sequenced: SequencedSeen[];
  /** Indexes (into `lines`) of rejected lines. */
  rejected: number[];
  device: HelloMessage | undefined;
};

export function prepareSession(session: DoctorSession): PreparedSession {
  const nonBlank = session.lines.filter(
    (line) => line.result.ok || line.result.error.code !== 'ERR_WIRE_EMPTY',
  );
  const blank = session.lines.length - nonBlank.length;
  const first = nonBlank[0];
  // PROTOCOL.md section 8: the first line after opening may be the tail of a line already under way.
  const droppedFirst = first !== undefined && !first.result.ok && !first.overlong ? first : undefined;
  const lines = droppedFirst === undefined ? nonBlank : nonBlank.slice(1);

  const hellos: HelloSeen[] = [];
  const sequenced: SequencedSeen[] = [];
  const rejected: number[] = [];
  lines.forEach((line, index) => {
    if (!line.result.ok) {
      rejected.push(index);
      return;
    }
    const message = line.result.message;
    if (message.type === 'hello') hellos.push({ index, hostMs: line.hostMs, hello: message });
    else if (message.type !== 'log') sequenced.push({ index, hostMs: line.hostMs, message });
  });

  const answered = new Set<number>();
  const answers = session.queries.map((query): QueryAnswer => {
    const inWindow = hellos.filter(
      (seen) => seen.hostMs >= query.hostMs && seen.hostMs - query.hostMs <= ANSWER_WINDOW_MS,
    );
    for (const seen of inWindow) answered.add(seen.index);
    return { query, hello: inWindow[0] };
  });
  const unasked = new Set(hellos.filter((seen) => !answered.has(seen.index)).map((seen) => seen.index));
  return {
    session,
    lines,
    droppedFirst,
    blank,
    hellos,
    unasked,
    answers,
    sequenced,
    rejected,
    device: hellos[0]?.hello,
  };
}

/** Seconds with one decimal, for messages. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Rejected lines between two indexes of `lines` (exclusive). */
export function rejectedBetween(prepared: PreparedSession, from: number, to: number): number {
  return prepared.rejected.filter((index) => index > from && index < to).length;
}

/** True when an unasked HELLO (a restart) lies between two indexes of `lines`. */
export function restartBetween(prepared: PreparedSession, from: number, to: number): boolean {
  for (const index of prepared.unasked) if (index > from && index < to) return true;
  return false;
}
