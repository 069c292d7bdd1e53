import { isPressgateError } from '@pressgate/protocol';
import { analyzeSession } from './analyze-session.js';
import { type RecordSessionOptions, recordSession } from './record-session.js';
import type { DoctorReport } from './types.js';

export type RunDoctorOptions = RecordSessionOptions;

/**
 * One `pressgate doctor` run: record the device for `durationMs`, then judge
 * what it sent. A port that cannot be opened gives a report with one failing
 * `link` check (its ERR_SERIAL_* code and the fix) rather than a throw.
 */
export async function runDoctor(options: RunDoctorOptions): Promise<DoctorReport> {
  try {
    return analyzeSession(await recordSession(options));
  } catch (error) {
    if (!isPressgateError(error) || !error.code.startsWith('ERR_SERIAL_')) throw error;
    return {
      port: options.path,
      status: 'FAIL',
      elapsedMs: 0,
      lines: { total: 0, valid: 0, rejected: 0, log: 0 },
      checks: [
        {
          id: 'link',
          title: 'stays connected for the run',
          status: 'FAIL',
          detail: `${error.code}: ${error.message}`,
          fix: 'fix the port first; no other check could run',
        },
      ],
      buttons: [],
      errors: [],
    };
  }
}
