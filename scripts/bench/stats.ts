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
