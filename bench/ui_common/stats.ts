/**
 * Figures of the browser benchmarks (bench/<capability>/ui): percentiles and
 * the one-line summary every benchmark prints for a series of durations.
 */

/** The nearest-rank percentile `p` (0-100) of `values`; NaN when empty. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) {
    return NaN;
  }
  const rank = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)
  );
  return sorted[rank];
}

/** `n=…, mean …, p50 …, p95 …, max … ms` of durations in milliseconds. */
export function describe(values: number[]): string {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return [
    `n=${values.length}`,
    `mean ${mean.toFixed(2)}`,
    `p50 ${percentile(values, 50).toFixed(2)}`,
    `p95 ${percentile(values, 95).toFixed(2)}`,
    `max ${Math.max(...values).toFixed(2)} ms`
  ].join(', ');
}

/** `met` or `MISSED`: whether the p95 of `values` is within `targetMs`. */
export function verdict(values: number[], targetMs: number): string {
  return percentile(values, 95) <= targetMs ? 'met' : 'MISSED';
}
