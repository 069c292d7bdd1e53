import { MAX_LINE_BYTES } from '@pressgate/protocol';
import type { PreparedSession } from './prepare-session.js';
import { quoteLine } from './quote-line.js';
import type { DoctorCheck, ErrorSummary } from './types.js';

const CHECKSUM_CODES = new Set(['ERR_WIRE_CHECKSUM', 'ERR_WIRE_CHECKSUM_FORMAT']);

function exampleOf(raw: string, overlong: boolean): string {
  return overlong ? `(over ${MAX_LINE_BYTES} bytes; discarded by the line reader)` : quoteLine(raw);
}

/** Rejected lines grouped by code, most frequent first, each with its first example. */
export function summarizeErrors(prepared: PreparedSession): ErrorSummary[] {
  const byCode = new Map<string, ErrorSummary>();
  for (const index of prepared.rejected) {
    const line = prepared.lines[index];
    if (line === undefined || line.result.ok) continue;
    const { code, message } = line.result.error;
    const entry = byCode.get(code);
    if (entry) entry.count += 1;
    else byCode.set(code, { code, count: 1, example: exampleOf(line.raw, line.overlong), message });
  }
  return [...byCode.values()].sort((a, b) => b.count - a.count);
}

export function checkParse(prepared: PreparedSession, errors: readonly ErrorSummary[]): DoctorCheck {
  const title = 'every line parses';
  const total = prepared.lines.length;
  const tail =
    prepared.droppedFirst === undefined
      ? ''
      : `; the first line ${quoteLine(prepared.droppedFirst.raw, 24)} was ignored (cut off by opening the port)`;
  if (total === 0) {
    return {
      id: 'parse',
      title,
      status: 'FAIL',
      detail: `no lines arrived${tail}`,
      fix: 'check the port, the baud rate and that the firmware runs; `pressgate monitor` shows raw traffic',
    };
  }
  if (errors.length === 0) {
    return { id: 'parse', title, status: 'PASS', detail: `all ${total} lines are valid protocol v1${tail}` };
  }
  const listed = errors.map((error) => `${error.code} x${error.count} (e.g. ${error.example})`).join(', ');
  return {
    id: 'parse',
    title,
    status: 'FAIL',
    detail: `${prepared.rejected.length} of ${total} lines rejected: ${listed}${tail}`,
    fix: 'each code is a rule of firmware-protocol/PROTOCOL.md sections 2-4 (table in section 8); `pressgate monitor` shows every rejected line',
  };
}

export function checkLineLength(prepared: PreparedSession): DoctorCheck {
  const title = `no line over ${MAX_LINE_BYTES} bytes`;
  const tooLong = prepared.lines.filter(
    (line) => line.overlong || (!line.result.ok && line.result.error.code === 'ERR_WIRE_TOO_LONG'),
  ).length;
  if (tooLong > 0) {
    return {
      id: 'line-length',
      title,
      status: 'FAIL',
      detail: `${tooLong} line(s) longer than ${MAX_LINE_BYTES} bytes were discarded`,
      fix: `keep every line within ${MAX_LINE_BYTES} bytes before its line ending, *HH included; a missing \\n makes two lines one`,
    };
  }
  const longest = Math.max(0, ...prepared.lines.map((line) => line.raw.length));
  return { id: 'line-length', title, status: 'PASS', detail: `longest line ${longest} bytes` };
}

export function checkLineEndings(prepared: PreparedSession): DoctorCheck {
  const title = 'line endings';
  const counted = prepared.lines.filter((line) => !line.overlong);
  const crlf = counted.filter((line) => line.crlf).length;
  const lf = counted.length - crlf;
  if (crlf > 0 && lf > 0) {
    return {
      id: 'line-endings',
      title,
      status: 'WARN',
      detail: `${crlf} line(s) end in CR LF and ${lf} in LF`,
      fix: 'pick one ending for every line (both are accepted; mixing hints at two code paths writing)',
    };
  }
  const detail =
    counted.length === 0
      ? 'no lines to look at'
      : crlf > 0
        ? 'every line ends in CR LF (accepted: the CR is ignored)'
        : 'every line ends in LF';
  return { id: 'line-endings', title, status: 'PASS', detail };
}

export function checkChecksums(prepared: PreparedSession, errors: readonly ErrorSummary[]): DoctorCheck {
  const title = 'checksums valid and consistent';
  const bad = errors.filter((error) => CHECKSUM_CODES.has(error.code));
  if (bad.length > 0) {
    const count = bad.reduce((sum, error) => sum + error.count, 0);
    const first = bad[0] as ErrorSummary;
    return {
      id: 'checksum',
      title,
      status: 'FAIL',
      detail: `${count} line(s) with a wrong or malformed *HH, e.g. ${first.example}: ${first.message}`,
      fix: 'append "*" and the XOR of every byte before it as two uppercase hex digits (PROTOCOL.md section 3)',
    };
  }
  let withSum = 0;
  let withoutSum: string | undefined;
  let without = 0;
  for (const line of prepared.lines) {
    if (!line.result.ok || line.result.message.type === 'log') continue;
    if (line.result.checksum) withSum += 1;
    else {
      without += 1;
      withoutSum ??= line.raw;
    }
  }
  if (withSum > 0 && without > 0) {
    return {
      id: 'checksum',
      title,
      status: 'WARN',
      detail: `${withSum} line(s) carry *HH and ${without} do not, e.g. ${quoteLine(withoutSum ?? '')}`,
      fix: 'checksum every line or none (PROTOCOL.md section 3); the host accepts both, but a line without one is not protected',
    };
  }
  if (withSum > 0) {
    return { id: 'checksum', title, status: 'PASS', detail: `all ${withSum} checksummed lines match` };
  }
  return {
    id: 'checksum',
    title,
    status: 'PASS',
    detail: 'no checksums used (optional; worth adding on a UART link)',
  };
}
