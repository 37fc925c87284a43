import type * as MonitorAPI from '../api/monitor';
/**
 * Figures derived from a monitor snapshot for the views: how many cores are
 * in use, who uses them, readable core lists, latency and error counts.
 */

/**
 * The headline of a snapshot: cores in use and how busy they are.
 */
export interface IUtilizationSummary {
  /** NeuronCores held by a process or busy. */
  inUse: number;
  /** NeuronCores of the instance. */
  total: number;
  /** Mean utilization percent of the cores in use (0 when none). */
  busyMean: number;
  /** Mean utilization percent of every core. */
  overallMean: number;
}

/**
 * Whether a core is in use: a process holds it or it is busy.
 */
export function isCoreInUse(core: MonitorAPI.MonitorCore): boolean {
  return core.pids.length > 0 || core.utilization > 0;
}

/**
 * Cores in use and their mean utilization.
 */
export function summarizeUtilization(
  snapshot: MonitorAPI.MonitorSnapshot
): IUtilizationSummary {
  let inUse = 0;
  let busySum = 0;
  let sum = 0;
  for (const core of snapshot.cores) {
    sum += core.utilization;
    if (isCoreInUse(core)) {
      inUse += 1;
      busySum += core.utilization;
    }
  }
  const total = snapshot.cores.length;
  return {
    inUse,
    total,
    busyMean: inUse ? busySum / inUse : 0,
    overallMean: total ? sum / total : 0
  };
}

/**
 * The file name of a notebook path (`a/b/train.ipynb` -> `train.ipynb`).
 */
export function notebookName(path: string): string {
  const parts = path.split('/').filter(part => part !== '');
  return parts[parts.length - 1] ?? path;
}

/**
 * A short name for a process: its notebook, else its tag, else its pid.
 */
export function processLabel(process: MonitorAPI.MonitorProcess): string {
  const path = process.kernel?.notebook_path;
  if (path) {
    return notebookName(path);
  }
  if (process.tag && process.tag !== String(process.pid)) {
    return process.tag;
  }
  return process.pid !== null ? `PID ${process.pid}` : process.tag;
}

/**
 * Who uses each core: core index -> labels of the processes using it.
 */
export function coreOwners(
  snapshot: MonitorAPI.MonitorSnapshot
): Map<number, string[]> {
  const owners = new Map<number, string[]>();
  for (const process of snapshot.processes) {
    const label = processLabel(process);
    for (const core of process.cores) {
      const list = owners.get(core);
      if (list) {
        list.push(label);
      } else {
        owners.set(core, [label]);
      }
    }
  }
  return owners;
}

/**
 * A compact list of core indices: `[0, 1, 2, 3, 8]` -> `0-3, 8`.
 */
export function formatCoreList(cores: readonly number[]): string {
  const sorted = [...new Set(cores)].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start = 0;
  while (start < sorted.length) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) {
      end += 1;
    }
    ranges.push(
      end - start >= 2
        ? `${sorted[start]}-${sorted[end]}`
        : sorted.slice(start, end + 1).join(', ')
    );
    start = end + 1;
  }
  return ranges.join(', ');
}

/** Number formats by locale and digits: creating one costs far more than using it. */
const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * A shared `Intl.NumberFormat` with at most `digits` fraction digits.
 */
export function numberFormat(
  locale: string,
  digits: number
): Intl.NumberFormat {
  const key = `${locale}|${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
    numberFormats.set(key, format);
  }
  return format;
}

/**
 * A percentage for people (`87%`), in the reader's locale.
 */
export function formatPercent(value: number | null, locale: string): string {
  if (value === null || !Number.isFinite(value)) {
    return '—';
  }
  const digits = value > 0 && value < 10 ? 1 : 0;
  return `${numberFormat(locale, digits).format(value)}%`;
}

/**
 * A latency percentile in milliseconds (`12.3 ms`), `—` when unknown.
 */
export function formatLatency(
  latency: MonitorAPI.MonitorLatency,
  percentile: 'p50' | 'p99',
  locale: string
): string {
  const seconds = latency?.[percentile];
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) {
    return '—';
  }
  const ms = seconds * 1000;
  const digits = ms < 10 ? 2 : ms < 100 ? 1 : 0;
  return `${numberFormat(locale, digits).format(ms)} ms`;
}

/**
 * Errors of a process in the last period: the counts of its error summary,
 * plus one for its own error string and for each metric group that failed.
 */
export function processErrors(process: MonitorAPI.MonitorProcess): {
  count: number;
  messages: string[];
} {
  let count = 0;
  const messages: string[] = [];
  for (const [kind, value] of Object.entries(process.execution_errors ?? {})) {
    if (value > 0) {
      count += value;
      messages.push(`${kind}: ${value}`);
    }
  }
  if (process.error) {
    count += 1;
    messages.push(process.error);
  }
  for (const [group, message] of Object.entries(process.group_errors ?? {})) {
    count += 1;
    messages.push(`${group}: ${message}`);
  }
  return { count, messages };
}

/**
 * The ECC counters of the devices that reported any error.
 */
export function eccProblems(
  snapshot: MonitorAPI.MonitorSnapshot
): { device: number; counter: string; value: number }[] {
  const problems: { device: number; counter: string; value: number }[] = [];
  for (const device of snapshot.devices) {
    for (const [counter, value] of Object.entries(device.ecc ?? {})) {
      if (value > 0) {
        problems.push({ device: device.index, counter, value });
      }
    }
  }
  return problems;
}

/**
 * The class of a heat level, in steps of 10% (`jp-Neuron-heat-7` for 65-74%):
 * a class changes far less often than the exact value, so updates write less
 * to the DOM and restyle less.
 */
export function heatClass(utilization: number): string {
  return `jp-Neuron-heat-${Math.round(heatLevel(utilization) * 10)}`;
}

/**
 * A 0..1 level for a utilization percent.
 */
export function heatLevel(utilization: number): number {
  if (!Number.isFinite(utilization)) {
    return 0;
  }
  return Math.min(1, Math.max(0, utilization / 100));
}
