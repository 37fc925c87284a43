/**
 * The nodes x NeuronCores heat map, drawn on a canvas: one rectangle per
 * core, painted colour by colour (a few fill style changes for thousands of
 * cells), so 64 nodes x 128 cores stay well within a frame.
 */

import type { ClusterRow } from './layout';

/**
 * The part of `CanvasRenderingContext2D` the heat map uses.
 */
export interface IHeatmapContext {
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  font: string;
  textBaseline: CanvasTextBaseline;
  lineWidth: number;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number, maxWidth?: number): void;
}

/**
 * Geometry and colours of one drawing.
 */
export interface IHeatmapStyle {
  width: number;
  labelWidth: number;
  rowHeight: number;
  groupHeight: number;
  font: string;
  textColor: string;
  mutedColor: string;
  downColor: string;
}

/**
 * Where each node row went, for clicks.
 */
export interface IHeatmapLayout {
  height: number;
  cellWidth: number;
  rows: { top: number; height: number; row: ClusterRow }[];
}

/** Steps of the colour ramp (utilization rounded to 5 %). */
export const COLOR_STEPS = 21;

/**
 * The colour of a utilization step: light blue (idle) to deep orange (busy).
 */
export function stepColor(step: number): string {
  const t = Math.min(Math.max(step / (COLOR_STEPS - 1), 0), 1);
  const from = [222, 235, 247];
  const to = [217, 72, 15];
  const mix = from.map((f, i) => Math.round(f + (to[i] - f) * t));
  return `rgb(${mix[0]},${mix[1]},${mix[2]})`;
}

const COLORS = Array.from({ length: COLOR_STEPS }, (_, i) => stepColor(i));

/**
 * The height the rows need.
 */
export function heatmapHeight(
  rows: readonly ClusterRow[],
  style: IHeatmapStyle
): number {
  let height = 0;
  for (const row of rows) {
    height += row.kind === 'group' ? style.groupHeight : style.rowHeight;
  }
  return height;
}

/**
 * Draw the rows; `describe` gives each node's label and each group heading.
 */
export function drawHeatmap(
  ctx: IHeatmapContext,
  rows: readonly ClusterRow[],
  style: IHeatmapStyle,
  describe: (row: ClusterRow) => string
): IHeatmapLayout {
  let maxCores = 1;
  for (const row of rows) {
    if (row.kind === 'node') {
      maxCores = Math.max(maxCores, row.node.cores.length);
    }
  }
  const cellWidth = Math.max(
    1,
    Math.floor((style.width - style.labelWidth) / maxCores)
  );
  const gap = cellWidth > 3 ? 1 : 0;
  const height = heatmapHeight(rows, style);
  ctx.clearRect(0, 0, style.width, height);
  ctx.font = style.font;
  ctx.textBaseline = 'middle';

  const buckets: number[][] = COLORS.map(() => []);
  const down: number[] = [];
  const stale: number[] = [];
  const placed: IHeatmapLayout['rows'] = [];
  let top = 0;
  for (const row of rows) {
    if (row.kind === 'group') {
      ctx.fillStyle = style.textColor;
      ctx.fillText(
        describe(row),
        2,
        top + style.groupHeight / 2,
        style.width - 4
      );
      placed.push({ top, height: style.groupHeight, row });
      top += style.groupHeight;
      continue;
    }
    const { node } = row;
    const cellHeight = style.rowHeight - 2;
    ctx.fillStyle = node.up ? style.textColor : style.mutedColor;
    ctx.fillText(
      describe(row),
      2,
      top + style.rowHeight / 2,
      style.labelWidth - 6
    );
    if (!node.up) {
      down.push(
        style.labelWidth,
        top + 1,
        cellWidth * Math.max(node.cores.length, 1) - gap,
        cellHeight
      );
    } else {
      const cores = node.cores;
      for (let i = 0; i < cores.length; i++) {
        const step = Math.round(
          (cores[i].utilization / 100) * (COLOR_STEPS - 1)
        );
        buckets[Math.min(Math.max(step, 0), COLOR_STEPS - 1)].push(
          style.labelWidth + i * cellWidth,
          top + 1
        );
      }
      if (node.stale) {
        stale.push(
          style.labelWidth,
          top + 1,
          cellWidth * cores.length - gap,
          cellHeight
        );
      }
    }
    placed.push({ top, height: style.rowHeight, row });
    top += style.rowHeight;
  }
  const cellHeight = style.rowHeight - 2;
  for (let c = 0; c < COLOR_STEPS; c++) {
    const cells = buckets[c];
    if (!cells.length) {
      continue;
    }
    ctx.fillStyle = COLORS[c];
    for (let i = 0; i < cells.length; i += 2) {
      ctx.fillRect(cells[i], cells[i + 1], cellWidth - gap, cellHeight);
    }
  }
  ctx.fillStyle = style.downColor;
  for (let i = 0; i < down.length; i += 4) {
    ctx.fillRect(down[i], down[i + 1], down[i + 2], down[i + 3]);
  }
  ctx.strokeStyle = style.mutedColor;
  ctx.lineWidth = 2;
  for (let i = 0; i < stale.length; i += 4) {
    ctx.strokeRect(stale[i], stale[i + 1], stale[i + 2], stale[i + 3]);
  }
  return { height, cellWidth, rows: placed };
}

/**
 * The node row at `y` (CSS pixels from the top), if any.
 */
export function rowAt(layout: IHeatmapLayout, y: number): ClusterRow | null {
  for (const placed of layout.rows) {
    if (y >= placed.top && y < placed.top + placed.height) {
      return placed.row;
    }
  }
  return null;
}
