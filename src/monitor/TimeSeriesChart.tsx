/**
 * A small, fast time-series chart drawn on a canvas: a few lines over the
 * client-side history, redrawn in well under a millisecond for hundreds of
 * points. Labels and the legend are plain DOM (translatable, accessible).
 */

import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';

import type { INeuronMonitorHistory, INeuronMonitorSample } from '../tokens';

/**
 * One line of a chart.
 */
export interface IChartSeries {
  /** Stable key. */
  key: string;
  /** The (translated) legend label. */
  label: string;
  /** A JupyterLab theme variable, e.g. `--jp-brand-color1`. */
  color: string;
  /** Line width in CSS pixels (default 1.5). */
  width?: number;
  /** The value of a sample, in the chart's unit; `null` leaves a gap. */
  value: (sample: INeuronMonitorSample) => number | null;
  /** The current value, formatted for the legend. */
  current?: string;
}

/**
 * Properties of {@link TimeSeriesChart}.
 */
export interface ITimeSeriesChartProps {
  /** The (translated) accessible name of the chart. */
  title: string;
  /** The samples. */
  history: INeuronMonitorHistory;
  /** Timestamp (seconds) of the right edge. */
  end: number;
  /** Seconds shown. */
  range: number;
  /** The lines. */
  series: IChartSeries[];
  /** The top of the value axis (default 100). */
  yMax?: number;
  /** Labels of the value axis, bottom to top (e.g. `['0%', '50%', '100%']`). */
  yLabels: string[];
  /** Labels under the time axis, left to right (e.g. `['-5 min', 'now']`). */
  xLabels: string[];
  /** Samples further apart than this many seconds are not joined. */
  gapSeconds?: number;
}

/**
 * The visible part of the history: indices `[first, last]` of the samples to
 * draw, including one sample before the window so lines enter from the edge.
 */
export function visibleRange(
  history: INeuronMonitorHistory,
  end: number,
  range: number
): [number, number] {
  const first = Math.max(0, history.firstIndexAfter(end - range) - 1);
  const last = history.firstIndexAfter(end) - 1;
  return [first, last];
}

/**
 * Draw the chart on a 2D context of `width` x `height` CSS pixels.
 */
export function drawTimeSeries(
  context: CanvasRenderingContext2D,
  width: number,
  height: number,
  props: Pick<
    ITimeSeriesChartProps,
    'history' | 'end' | 'range' | 'series' | 'yMax' | 'gapSeconds'
  >,
  colors: Record<string, string>
): number {
  const { history, end, range, series } = props;
  const yMax = props.yMax ?? 100;
  const gap = props.gapSeconds ?? Infinity;
  context.clearRect(0, 0, width, height);

  context.lineWidth = 1;
  context.strokeStyle = colors['--jp-border-color2'] ?? '#ddd';
  context.beginPath();
  for (let step = 1; step < 4; step++) {
    const y = Math.round((height * step) / 4) + 0.5;
    context.moveTo(0, y);
    context.lineTo(width, y);
  }
  context.stroke();

  const [first, last] = visibleRange(history, end, range);
  const start = end - range;
  let drawn = 0;
  for (const line of series) {
    context.lineWidth = line.width ?? 1.5;
    context.strokeStyle = colors[line.color] ?? '#888';
    context.lineJoin = 'round';
    context.beginPath();
    let previous: number | null = null;
    for (let index = first; index <= last; index++) {
      const sample = history.at(index)!;
      const value = line.value(sample);
      if (value === null || !Number.isFinite(value)) {
        previous = null;
        continue;
      }
      const x = ((sample.timestamp - start) / range) * width;
      const y = height - (Math.min(value, yMax) / yMax) * (height - 1) - 0.5;
      if (previous === null || sample.timestamp - previous > gap) {
        context.moveTo(x, y);
      } else {
        context.lineTo(x, y);
      }
      previous = sample.timestamp;
      drawn += 1;
    }
    context.stroke();
  }
  return drawn;
}

/** Resolved theme colours, per theme (reading styles forces a style pass). */
const colorCache = new Map<string, Record<string, string>>();

function themeColors(
  element: Element,
  names: readonly string[]
): Record<string, string> {
  const theme =
    (typeof document !== 'undefined' && document.body?.dataset?.jpThemeName) ||
    'default';
  let colors = colorCache.get(theme);
  if (!colors || names.some(name => !(name in colors!))) {
    const style = getComputedStyle(element);
    colors = { ...(colors ?? {}) };
    for (const name of [...names, '--jp-border-color2']) {
      colors[name] = style.getPropertyValue(name).trim() || '#888';
    }
    colorCache.set(theme, colors);
  }
  return colors;
}

/**
 * A time-series chart; redraws on every render (the dashboard renders once
 * per snapshot) from the history it is given.
 */
export function TimeSeriesChart(props: ITimeSeriesChartProps): JSX.Element {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(
    null
  );

  // Track the size with a ResizeObserver: reading it while drawing would
  // force a layout in every update.
  useEffect(() => {
    const box = boxRef.current;
    if (!box || typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(entries => {
      const rect = entries[entries.length - 1].contentRect;
      setSize(current =>
        current &&
        current.width === Math.round(rect.width) &&
        current.height === Math.round(rect.height)
          ? current
          : { width: Math.round(rect.width), height: Math.round(rect.height) }
      );
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !size || size.width === 0 || size.height === 0) {
      return;
    }
    const ratio =
      (typeof window !== 'undefined' && window.devicePixelRatio) || 1;
    const pixelWidth = Math.round(size.width * ratio);
    const pixelHeight = Math.round(size.height * ratio);
    if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
      canvas.width = pixelWidth;
      canvas.height = pixelHeight;
    }
    const context = canvas.getContext('2d');
    if (!context) {
      return;
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    drawTimeSeries(
      context,
      size.width,
      size.height,
      props,
      themeColors(
        canvas,
        props.series.map(line => line.color)
      )
    );
  });

  return (
    <figure className="jp-Neuron-Chart" aria-label={props.title}>
      <figcaption className="jp-Neuron-Chart-title">{props.title}</figcaption>
      <div className="jp-Neuron-Chart-body">
        <div className="jp-Neuron-Chart-yAxis" aria-hidden="true">
          {[...props.yLabels].reverse().map((label, index) => (
            <span key={index}>{label}</span>
          ))}
        </div>
        <div className="jp-Neuron-Chart-plot" ref={boxRef}>
          <canvas className="jp-Neuron-Chart-canvas" ref={canvasRef} />
        </div>
      </div>
      <div className="jp-Neuron-Chart-xAxis" aria-hidden="true">
        {props.xLabels.map((label, index) => (
          <span key={index}>{label}</span>
        ))}
      </div>
      <ul className="jp-Neuron-Chart-legend">
        {props.series.map(line => (
          <li key={line.key}>
            <span
              className="jp-Neuron-Chart-swatch"
              style={{ background: `var(${line.color})` }}
            />
            <span className="jp-Neuron-Chart-label">{line.label}</span>
            {line.current !== undefined && (
              <span className="jp-Neuron-Chart-value">{line.current}</span>
            )}
          </li>
        ))}
      </ul>
    </figure>
  );
}
