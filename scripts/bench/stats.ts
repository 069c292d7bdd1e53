/**
 * Shared helpers for the benchmark scripts: percentiles, latency summaries, ratios and
 * plain-text tables. Pure functions, no I/O.
 */

/** A latency distribution in milliseconds. */
export type LatencySummary = {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
};

/** Rounds to `digits` decimals (default 3); keeps NaN as NaN. */
export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * Nearest-rank percentile of ascending `sorted` values, `q` in [0, 1]: the smallest value
 * with at least q of the samples at or below it. NaN for no samples.
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(Math.min(1, Math.max(0, q)) * sorted.length);
  return sorted[Math.max(0, rank - 1)] ?? Number.NaN;
}

/** p50, p99, mean and max of `values` (any order), rounded to microseconds. */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return {
    samples: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    meanMs: round(mean),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** subject / baseline, rounded; NaN when the baseline is zero or missing. */
export function ratio(subject: number, baseline: number): number {
  return baseline === 0 || !Number.isFinite(baseline) ? Number.NaN : round(subject / baseline);
}

/** Events per second for `count` events over `elapsedMs`. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs <= 0 ? Number.NaN : Math.round(count / (elapsedMs / 1000));
}

/** A number for a table cell: fixed decimals, thousands separators, `-` for NaN/undefined. */
export function formatNumber(value: number | undefined, decimals = 2): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A difference with its sign: `+1.50`, `-0.25`. */
export function formatSigned(value: number, decimals = 2): string {
  return `${value >= 0 ? '+' : ''}${formatNumber(value, decimals)}`;
}

/** Left-aligned text columns, two spaces apart, each line indented by `indent`. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  indent = '  ',
): string {
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  return table
    .map((row) =>
      `${indent}${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`.trimEnd(),
    )
    .join('\n');
}

/**
 * One figure for the run's summary table: a measured value beside a baseline measured in the
 * same run, compared as a ratio (value / baseline) or a difference (value - baseline).
 */
export type SummaryRow = {
  figure: string;
  value: number;
  baseline: number;
  /** What the baseline is, e.g. "bare undici POST". */
  baselineName: string;
  unit: string;
  compare: 'ratio' | 'diff';
  /** The goal in words, e.g. "<= 1.5x"; absent when the figure is information only. */
  goal?: string;
  /** Whether the goal was met; absent without a goal or without data. */
  met?: boolean;
};

/** A summary row; `goal` checks the ratio or difference (or, for an absolute goal, the value). */
export function summaryRow(
  row: Omit<SummaryRow, 'met' | 'goal'>,
  goal?: { text: string; check: (compared: number, value: number) => boolean },
): SummaryRow {
  const compared = compareRow(row);
  if (goal === undefined) return row;
  return Number.isFinite(compared) && Number.isFinite(row.value)
    ? { ...row, goal: goal.text, met: goal.check(compared, row.value) }
    : { ...row, goal: goal.text };
}

/** The row's ratio or difference; NaN without data. */
export function compareRow(row: Pick<SummaryRow, 'value' | 'baseline' | 'compare'>): number {
  return row.compare === 'ratio' ? ratio(row.value, row.baseline) : round(row.value - row.baseline);
}

/** The one table `pnpm bench` prints at the end: every figure, its baseline, ratio or difference. */
export function formatSummaryTable(rows: readonly (SummaryRow & { bench: string })[]): string {
  const header = ['bench', 'figure', 'value', 'baseline', 'vs baseline', 'goal'];
  const cells = rows.map((row) => {
    const compared = compareRow(row);
    const versus =
      row.compare === 'ratio' ? `${formatNumber(compared)}x` : `${formatSigned(compared)} ${row.unit}`.trim();
    const goal =
      row.goal === undefined
        ? '-'
        : `${row.goal}: ${row.met === undefined ? 'no data' : row.met ? 'met' : 'NOT met'}`;
    return [
      row.bench,
      row.figure,
      `${formatNumber(row.value)} ${row.unit}`.trim(),
      `${formatNumber(row.baseline)} ${row.unit} (${row.baselineName})`.replace(/ +\(/, ' ('),
      versus,
      goal,
    ];
  });
  return formatTable(header, cells);
}

/** A benchmark's command line: `--full` and `--name=value` options; others are left for others. */
export function benchArgs(args: readonly string[]): { full: boolean; get(name: string): string | undefined } {
  const values = new Map<string, string>();
  for (const arg of args) {
    const match = /^--([\w-]+)=(.*)$/.exec(arg);
    if (match !== null) values.set(match[1] ?? '', match[2] ?? '');
  }
  return { full: args.includes('--full'), get: (name) => values.get(name) };
}

/** A whole-number option, or `fallback` when absent; throws on anything else. */
export function intArg(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`--${name} expects a whole number; got ${value}`);
  return parsed;
}
