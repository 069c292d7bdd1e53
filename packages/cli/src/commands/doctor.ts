import { resolve } from 'node:path';
import { type DoctorProgress, type DoctorReport, runDoctor } from '@pressgate/device-tools';
import {
  booleanOption,
  type Command,
  EXIT_FAILURE,
  EXIT_OK,
  integerOption,
  requireStringOption,
  UsageError,
  writeLine,
} from '../command.js';

export const DEFAULT_DOCTOR_SECONDS = 12;
const MAX_DOCTOR_SECONDS = 600;
/** Without a HELLO by then, ask for presses anyway. */
const PROMPT_FALLBACK_MS = 1500;

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check that a device speaks protocol v1 correctly (for firmware authors)',
  usage: 'pressgate doctor --port PATH [--baud N] [--seconds N] [--json]',
  details: [
    'Opens PATH, asks for HELLO with "?" (and once more midway), and listens for --seconds',
    `(default ${DEFAULT_DOCTOR_SECONDS}: long enough for two heartbeats). Press each button once while it runs.`,
    'Then it reports each rule of firmware-protocol/PROTOCOL.md as PASS, WARN or FAIL, with the fix:',
    'HELLO within 100 ms of "?", identity, every line valid (rejected lines by code, with an example),',
    'checksums, seq without gaps, ms monotonic and at host speed, heartbeats every 5 s or less,',
    'line length and endings, D/U order per button, buttons within the HELLO count, E and G not mixed,',
    'press durations (under 20 ms is flagged). Exit 0 when nothing FAILs, 1 when something does.',
    '--json prints one JSON object with every check.',
  ].join('\n'),
  options: {
    port: { type: 'string', valueName: 'PATH', description: 'the serial port of the device' },
    baud: { type: 'string', valueName: 'N', description: 'baud rate (default 115200)' },
    seconds: {
      type: 'string',
      valueName: 'N',
      description: `how long to listen (default ${DEFAULT_DOCTOR_SECONDS})`,
    },
    json: { type: 'boolean', description: 'print the report as one JSON object' },
  },
  async run(context) {
    const { io } = context;
    const port = resolve(io.cwd, requireStringOption(context, 'port'));
    const baud = integerOption(context, 'baud') ?? 115_200;
    if (baud === 0) throw new UsageError('--baud expects a positive whole number, got 0');
    const seconds = integerOption(context, 'seconds') ?? DEFAULT_DOCTOR_SECONDS;
    if (seconds < 1 || seconds > MAX_DOCTOR_SECONDS) {
      throw new UsageError(`--seconds expects 1..${MAX_DOCTOR_SECONDS}, got ${seconds}`);
    }
    const json = booleanOption(context, 'json');
    // With --json, stdout holds the report alone; prompts go to stderr.
    const say = (text: string) => writeLine(json ? io.stderr : io.stdout, text);
    say(`pressgate doctor: listening to ${port} for ${seconds} s (protocol v1)`);
    let prompted = false;
    const prompt = (text: string) => {
      if (prompted) return;
      prompted = true;
      say(text);
    };
    const fallback = setTimeout(() => prompt('Press each button once now.'), PROMPT_FALLBACK_MS);
    const onProgress = (event: DoctorProgress) => {
      if (event.type !== 'hello') return;
      const { deviceId, firmware, buttons } = event.hello;
      prompt(
        `${deviceId} firmware ${firmware}, ${buttons} button(s). Press each button (1..${buttons}) once now.`,
      );
    };
    let report: DoctorReport;
    try {
      report = await runDoctor({
        path: port,
        baudRate: baud,
        durationMs: seconds * 1000,
        signal: io.signal,
        onProgress,
      });
    } finally {
      clearTimeout(fallback);
    }
    if (json) writeLine(io.stdout, JSON.stringify(report));
    else writeLine(io.stdout, formatReport(report));
    return report.status === 'FAIL' ? EXIT_FAILURE : EXIT_OK;
  },
};

/** The report for people: one line per check, the fix under each WARN and FAIL, then a tally. */
export function formatReport(report: DoctorReport): string {
  const out: string[] = [''];
  for (const check of report.checks) {
    out.push(`${check.status.padEnd(4)}  ${check.title}: ${check.detail}`);
    if (check.status !== 'PASS' && check.fix !== undefined) out.push(`      fix: ${check.fix}`);
  }
  if (report.errors.length > 0) {
    out.push('', 'rejected lines:');
    for (const error of report.errors) {
      out.push(`  ${error.code} x${error.count}, e.g. ${error.example}`, `      ${error.message}`);
    }
  }
  const count = (status: string) => report.checks.filter((check) => check.status === status).length;
  out.push(
    '',
    `${report.status}: ${count('FAIL')} fail, ${count('WARN')} warn, ${count('PASS')} pass; ${report.lines.total} lines (${report.lines.rejected} rejected) from ${report.port}`,
  );
  return out.join('\n');
}
