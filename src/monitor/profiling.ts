/**
 * Performance marks of the monitor, for the browser's performance timeline
 * and for benchmarks (which read them with a `PerformanceObserver`).
 */

/**
 * Measure of one dashboard update: rendering a snapshot (React commit and
 * canvas drawing), synchronous scripting only. `detail.seq` is the snapshot.
 */
export const DASHBOARD_UPDATE_MEASURE = 'jupyterlab-neuron:dashboard-update';

/**
 * Mark set once the frame showing a snapshot has been painted.
 * `detail.seq` is the snapshot, `detail.epochMs` the wall-clock time.
 */
export const DASHBOARD_PAINTED_MARK = 'jupyterlab-neuron:dashboard-painted';

/**
 * Measure of receiving one snapshot: parsing the message and updating the
 * model (history, signals). `detail.seq` is the snapshot.
 */
export const MONITOR_INGEST_MEASURE = 'jupyterlab-neuron:monitor-ingest';

/** Measures kept in the timeline per name before the oldest are cleared. */
const MAX_KEPT = 1000;

const counts = new Map<string, number>();

function timeline(): Performance | null {
  return typeof performance !== 'undefined' &&
    typeof performance.now === 'function'
    ? performance
    : null;
}

/**
 * A high-resolution timestamp in milliseconds.
 */
export function now(): number {
  return timeline()?.now() ?? Date.now();
}

/**
 * Record a measure from `start` (a {@link now} value) to now. Never throws:
 * timing must not break the view.
 */
export function measureSince(
  name: string,
  start: number,
  detail?: Record<string, unknown>
): number {
  const perf = timeline();
  const end = now();
  if (!perf || typeof perf.measure !== 'function') {
    return end - start;
  }
  try {
    perf.measure(name, { start, end, detail });
    limitEntries(perf, name, 'measure');
  } catch {
    // Older timelines without User Timing level 3 options.
  }
  return end - start;
}

/**
 * Set a mark right away, with its detail, and drop it from the timeline
 * buffer at once (observers have received it; nothing accumulates).
 */
export function markNow(name: string, detail?: Record<string, unknown>): void {
  const perf = timeline();
  if (!perf || typeof perf.mark !== 'function') {
    return;
  }
  try {
    perf.mark(name, { detail });
    perf.clearMarks(name);
  } catch {
    // Older timelines without User Timing level 3 options.
  }
}

/**
 * Call `callback` once the frame showing the current DOM has been painted:
 * a task posted from an animation frame callback runs after that frame's
 * paint. Pass `inAnimationFrame` when already inside such a callback.
 */
export function afterPaint(
  callback: () => void,
  inAnimationFrame = false
): void {
  if (inAnimationFrame) {
    postTask(callback);
  } else if (typeof requestAnimationFrame === 'function') {
    requestAnimationFrame(() => postTask(callback));
  } else {
    setTimeout(callback, 0);
  }
}

/** One channel for every posted task (creating one per frame is wasteful). */
let channel: MessageChannel | null = null;
const tasks: (() => void)[] = [];

function postTask(callback: () => void): void {
  if (typeof MessageChannel !== 'function') {
    setTimeout(callback, 0);
    return;
  }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => {
      tasks.shift()?.();
    };
  }
  tasks.push(callback);
  channel.port2.postMessage(null);
}

function limitEntries(
  perf: Performance,
  name: string,
  kind: 'measure' | 'mark'
): void {
  const count = (counts.get(name) ?? 0) + 1;
  if (count < MAX_KEPT) {
    counts.set(name, count);
    return;
  }
  counts.set(name, 0);
  if (kind === 'measure') {
    perf.clearMeasures(name);
  } else {
    perf.clearMarks(name);
  }
}
