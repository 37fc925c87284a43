/**
 * The cluster view: a nodes x NeuronCores heat map with sorting, grouping,
 * down and stale nodes marked, and one node's history on click.
 */

import { MainAreaWidget } from '@jupyterlab/apputils';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import type { IClusterHistory, IClusterNode } from '../api/cluster';
import {
  VisibilityWidget,
  followLanguage,
  formatBytes,
  neuronIcon
} from '../components';
import type { INeuronCluster, INeuronI18n } from '../tokens';
import {
  COLOR_STEPS,
  drawHeatmap,
  heatmapHeight,
  IHeatmapLayout,
  IHeatmapStyle,
  rowAt,
  stepColor
} from './heatmap';
import { ClusterRow, ClusterSort, clusterRows, groupingLabels } from './layout';

/** Performance mark and measure names of one heat map update. */
export const UPDATE_MEASURE = 'jp-neuron-cluster-update';

let nextViewerNumber = 0;

/**
 * The content of the cluster view: plain DOM and one canvas, drawn by hand
 * for speed (React renders nothing here). A view of the cluster model while
 * on screen.
 */
export class ClusterViewContent extends VisibilityWidget {
  constructor(options: ClusterViewWidget.IOptions) {
    super();
    this.model = options.model;
    this.showsModels(`cluster-view-${++nextViewerNumber}`, this.model);
    this._i18n = options.i18n;
    this.addClass('jp-Neuron-ClusterView');
    const node = this.node;
    node.innerHTML = '';
    this._summary = append(node, 'div', 'jp-Neuron-ClusterView-summary');
    this._simulated = append(node, 'div', 'jp-Neuron-ClusterView-simulated');
    this._message = append(node, 'div', 'jp-Neuron-ClusterView-message');
    const controls = append(node, 'div', 'jp-Neuron-ClusterView-controls');
    this._sortLabel = append(controls, 'label', '');
    this._sort = append(
      controls,
      'select',
      'jp-mod-styled'
    ) as HTMLSelectElement;
    this._sort.dataset.testid = 'cluster-sort';
    this._groupLabel = append(controls, 'label', '');
    this._group = append(
      controls,
      'select',
      'jp-mod-styled'
    ) as HTMLSelectElement;
    this._group.dataset.testid = 'cluster-group';
    this._legend = append(controls, 'span', 'jp-Neuron-ClusterView-legend');
    const scroller = append(node, 'div', 'jp-Neuron-ClusterView-map');
    this._canvas = append(scroller, 'canvas', '') as HTMLCanvasElement;
    this._canvas.dataset.testid = 'cluster-heatmap';
    this._detail = append(node, 'div', 'jp-Neuron-ClusterView-detail');
    this._sort.addEventListener('change', () => {
      this._sortBy = this._sort.value as ClusterSort;
      this.update();
    });
    this._group.addEventListener('change', () => {
      this._groupBy = this._group.value || null;
      this.update();
    });
    this._canvas.addEventListener('click', event => this._onClick(event));
    this.model.changed.connect(this.update, this);
    followLanguage(this, this._i18n, () => {
      this.update();
      this._renderDetail();
    });
  }

  readonly model: INeuronCluster;

  /** The rows drawn last, in order (for tests and clicks). */
  get rows(): readonly ClusterRow[] {
    return this._rows;
  }

  /** The node whose history is shown. */
  get selected(): string | null {
    return this._selected;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this.update, this);
    super.dispose();
  }

  /**
   * Show one node's history under the map.
   */
  async select(instanceId: string): Promise<void> {
    this._selected = instanceId;
    this._history = null;
    this._renderDetail();
    let history: IClusterHistory | null = null;
    try {
      history = await this.model.history(instanceId);
    } catch (reason) {
      history = null;
    }
    if (this._selected === instanceId) {
      this._history = history;
      this._renderDetail();
    }
  }

  protected render(): null {
    return null;
  }

  /**
   * Draw the map (measured as {@link UPDATE_MEASURE}).
   */
  protected onUpdateRequest(msg: Message): void {
    performance.mark(`${UPDATE_MEASURE}-start`);
    this._render();
    performance.mark(`${UPDATE_MEASURE}-end`);
    performance.measure(
      UPDATE_MEASURE,
      `${UPDATE_MEASURE}-start`,
      `${UPDATE_MEASURE}-end`
    );
  }

  protected onVisibilityChanged(visible: boolean): void {
    if (visible) {
      this.update();
    }
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    this.update();
  }

  private _render(): void {
    const trans = this._i18n.trans;
    const answer = this.model.answer;
    const nodes = answer?.nodes ?? [];
    if (answer && answer.state === 'ok') {
      const s = answer.summary;
      this._summary.textContent = trans.__(
        '%1 of %2 nodes up · %3 NeuronCores · mean utilization %4%',
        s.up,
        s.nodes,
        s.cores,
        s.utilization.toFixed(1)
      );
    } else {
      this._summary.textContent = answer
        ? trans.__('Cluster (Prometheus)')
        : trans.__('Loading the cluster from Prometheus…');
    }
    const simulated = answer?.state === 'ok' ? answer.summary.simulated : 0;
    this._simulated.hidden = !simulated;
    this._simulated.textContent = simulated
      ? trans._n(
          'Simulated: the data of %1 node comes from the jupyterlab-neuron simulator, not from Neuron hardware.',
          'Simulated: the data of %1 nodes comes from the jupyterlab-neuron simulator, not from Neuron hardware.',
          simulated
        )
      : '';
    const problem =
      this.model.error ??
      (answer && answer.state !== 'ok' ? answer.message : null);
    this._message.textContent = problem ?? '';
    this._message.dataset.state = this.model.error
      ? 'error'
      : (answer?.state ?? '');
    this._message.hidden = !problem;

    this._sortLabel.textContent = trans.__('Sort');
    fillSelect(
      this._sort,
      [
        ['load', trans.__('By load')],
        ['name', trans.__('By name')]
      ],
      this._sortBy
    );
    const labels = groupingLabels(nodes);
    if (this._groupBy && !labels.includes(this._groupBy)) {
      this._groupBy = null;
    }
    this._groupLabel.textContent = trans.__('Group by');
    fillSelect(
      this._group,
      [['', trans.__('None')], ...labels.map(l => [l, l] as [string, string])],
      this._groupBy ?? ''
    );
    this._renderLegend();

    this._rows = clusterRows(nodes, this._sortBy, this._groupBy);
    const width = Math.max(320, this._canvas.parentElement?.clientWidth ?? 800);
    const style = this._style(width);
    const height = Math.max(heatmapHeight(this._rows, style), 1);
    const ratio = window.devicePixelRatio || 1;
    this._canvas.width = Math.round(width * ratio);
    this._canvas.height = Math.round(height * ratio);
    this._canvas.style.width = `${width}px`;
    this._canvas.style.height = `${height}px`;
    const ctx = this._canvas.getContext('2d');
    if (!ctx) {
      return;
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this._heatmap = drawHeatmap(ctx, this._rows, style, row =>
      this._describe(row)
    );
    if (this._selected && !nodes.some(n => n.instance_id === this._selected)) {
      this._selected = null;
      this._renderDetail();
    }
  }

  private _style(width: number): IHeatmapStyle {
    const css = getComputedStyle(this.node);
    const get = (name: string, fallback: string) =>
      css.getPropertyValue(name).trim() || fallback;
    return {
      width,
      labelWidth: 220,
      rowHeight: 14,
      groupHeight: 20,
      font: `11px ${get('--jp-ui-font-family', 'sans-serif')}`,
      textColor: get('--jp-ui-font-color1', '#222'),
      mutedColor: get('--jp-ui-font-color3', '#888'),
      downColor: get('--jp-layout-color3', '#bbb')
    };
  }

  private _describe(row: ClusterRow): string {
    const trans = this._i18n.trans;
    if (row.kind === 'group') {
      return `${row.label} = ${row.value || trans.__('(none)')} (${row.count})`;
    }
    const n = row.node;
    const state = !n.up
      ? trans.__('down')
      : n.stale
        ? trans.__('stale')
        : `${n.utilization.toFixed(0)}%`;
    return `${n.instance_id} ${n.instance_type} ${state}`;
  }

  private _renderLegend(): void {
    const trans = this._i18n.trans;
    this._legend.textContent = '';
    const ramp = document.createElement('span');
    ramp.className = 'jp-Neuron-ClusterView-ramp';
    ramp.style.background = `linear-gradient(to right, ${stepColor(0)}, ${stepColor(
      COLOR_STEPS - 1
    )})`;
    this._legend.append('0%', ramp, '100%');
    const down = document.createElement('span');
    down.className = 'jp-Neuron-ClusterView-down';
    this._legend.append(down, trans.__('down'));
    const stale = document.createElement('span');
    stale.className = 'jp-Neuron-ClusterView-stale';
    this._legend.append(stale, trans.__('stale'));
  }

  private _onClick(event: MouseEvent): void {
    if (!this._heatmap) {
      return;
    }
    const box = this._canvas.getBoundingClientRect();
    const row = rowAt(this._heatmap, event.clientY - box.top);
    if (row?.kind === 'node') {
      void this.select(row.node.instance_id);
    }
  }

  private _renderDetail(): void {
    const trans = this._i18n.trans;
    const detail = this._detail;
    detail.textContent = '';
    const id = this._selected;
    const node = this.model.answer?.nodes.find(n => n.instance_id === id);
    if (!id || !node) {
      detail.textContent = trans.__(
        'Click a node for its NeuronCore utilization over the last 15 minutes.'
      );
      return;
    }
    const title = append(detail, 'div', 'jp-Neuron-ClusterView-detailTitle');
    title.textContent = describeNode(node, trans);
    const history = this._history;
    if (!history) {
      append(detail, 'div', '').textContent = trans.__('Loading the history…');
      return;
    }
    if (history.state !== 'ok') {
      append(detail, 'div', 'jp-Neuron-ClusterView-message').textContent =
        history.message ?? history.state;
      return;
    }
    const canvas = append(detail, 'canvas', '') as HTMLCanvasElement;
    canvas.dataset.testid = 'cluster-history';
    drawHistory(canvas, history, trans.__('NeuronCore utilization (%)'));
  }

  private _i18n: INeuronI18n;
  private _summary: HTMLElement;
  private _simulated: HTMLElement;
  private _message: HTMLElement;
  private _sortLabel: HTMLElement;
  private _sort: HTMLSelectElement;
  private _groupLabel: HTMLElement;
  private _group: HTMLSelectElement;
  private _legend: HTMLElement;
  private _canvas: HTMLCanvasElement;
  private _detail: HTMLElement;
  private _sortBy: ClusterSort = 'load';
  private _groupBy: string | null = null;
  private _rows: ClusterRow[] = [];
  private _heatmap: IHeatmapLayout | null = null;
  private _selected: string | null = null;
  private _history: IClusterHistory | null = null;
}

/**
 * One line about a node: id, type, state, memory and errors.
 */
export function describeNode(
  node: IClusterNode,
  trans: INeuronI18n['trans']
): string {
  const state = !node.up
    ? trans.__('down')
    : node.stale
      ? trans.__('stale')
      : trans.__('up');
  return trans.__(
    '%1 (%2): %3 · %4 NeuronCores · mean utilization %5% · device memory %6 · %7 errors in 5 minutes',
    node.instance_id,
    node.instance_type,
    state,
    node.cores.length,
    node.utilization.toFixed(1),
    formatBytes(node.device_memory_used_bytes),
    node.errors
  );
}

function drawHistory(
  canvas: HTMLCanvasElement,
  history: IClusterHistory,
  title: string
): void {
  const width = 600;
  const height = 120;
  canvas.width = width;
  canvas.height = height;
  canvas.setAttribute('aria-label', title);
  const ctx = canvas.getContext('2d');
  if (!ctx) {
    return;
  }
  const span = Math.max(history.end - history.start, 1);
  ctx.strokeStyle = '#888';
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  ctx.fillStyle = '#888';
  ctx.font = '10px sans-serif';
  ctx.fillText(`${title} 100`, 4, 12);
  ctx.strokeStyle = stepColor(COLOR_STEPS - 1);
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  history.utilization.forEach(([t, v], i) => {
    const x = ((t - history.start) / span) * width;
    const y = height - (v / 100) * (height - 16);
    if (i === 0) {
      ctx.moveTo(x, y);
    } else {
      ctx.lineTo(x, y);
    }
  });
  ctx.stroke();
}

function append(
  parent: HTMLElement,
  tag: string,
  className: string
): HTMLElement {
  const element = document.createElement(tag);
  if (className) {
    element.className = className;
  }
  parent.appendChild(element);
  return element;
}

function fillSelect(
  select: HTMLSelectElement,
  options: [string, string][],
  value: string
): void {
  const key = options.map(o => o.join('\u0000')).join('\u0001');
  if (select.dataset.options !== key) {
    select.textContent = '';
    for (const [optionValue, label] of options) {
      const option = document.createElement('option');
      option.value = optionValue;
      option.textContent = label;
      select.appendChild(option);
    }
    select.dataset.options = key;
  }
  select.value = value;
}

/**
 * The cluster view as a main-area tab.
 */
export class ClusterViewWidget extends MainAreaWidget<ClusterViewContent> {
  constructor(options: ClusterViewWidget.IOptions) {
    super({ content: new ClusterViewContent(options) });
    this.id = 'jupyterlab-neuron-cluster';
    this.title.icon = neuronIcon;
    this.title.closable = true;
    followLanguage(this, options.i18n, () => {
      this.title.label = options.i18n.trans.__('Neuron Cluster');
    });
  }
}

/**
 * The namespace for `ClusterViewWidget` statics.
 */
export namespace ClusterViewWidget {
  export interface IOptions {
    model: INeuronCluster;
    i18n: INeuronI18n;
  }
}
