/**
 * The NeuronCore dashboard widget: a main-area widget that renders the
 * monitor at most once per animation frame, only while it is visible, and
 * records how long each update takes.
 */

import { MainAreaWidget } from '@jupyterlab/apputils';
import type { Message } from '@lumino/messaging';
import React from 'react';
import { flushSync } from 'react-dom';
import { Root, createRoot } from 'react-dom/client';

import { VisibilityWidget, followLanguage, neuronIcon } from '../components';
import {
  INeuronCores,
  INeuronI18n,
  INeuronMonitor,
  TRANSLATION_DOMAIN
} from '../tokens';
import { DashboardView, TIME_RANGES } from './DashboardView';
import { IProcessActions } from './ProcessTable';
import {
  DASHBOARD_PAINTED_MARK,
  DASHBOARD_UPDATE_MEASURE,
  afterPaint,
  markNow,
  measureSince,
  now
} from './profiling';
import type * as MonitorAPI from '../api/monitor';

let nextViewerNumber = 0;

/**
 * The content of the dashboard.
 *
 * A view of the monitor and of the kernels' NeuronCores while on screen
 * (hidden dashboards consume nothing). Changes are coalesced into one
 * synchronous render per animation frame, on a React root of its own rather
 * than `ReactWidget`'s asynchronous one, so each render is measured as
 * {@link DASHBOARD_UPDATE_MEASURE} and each newly shown snapshot is marked
 * {@link DASHBOARD_PAINTED_MARK} once painted.
 */
export class MonitorDashboardContent extends VisibilityWidget {
  constructor(options: MonitorDashboard.IOptions) {
    super();
    this._model = options.model;
    this._i18n = options.i18n;
    this._actions = options.actions ?? {};
    this._cores = options.cores ?? null;
    this._range = MonitorDashboard.validRange(options.range);
    this.addClass('jp-Neuron-DashboardContent');
    this.showsModels(
      `dashboard-${++nextViewerNumber}`,
      this._model,
      this._cores
    );
    followLanguage(this, this._i18n, () => {
      this._updateTitle();
      this.scheduleRender();
    });
  }

  /**
   * Whether the display is paused (the data keeps arriving meanwhile).
   */
  get paused(): boolean {
    return this._paused;
  }
  set paused(paused: boolean) {
    if (paused === this._paused) {
      return;
    }
    this._paused = paused;
    this._frozen = paused ? this._currentView() : null;
    this.scheduleRender();
  }

  /**
   * Seconds shown by the charts.
   */
  get range(): number {
    return this._range;
  }
  set range(range: number) {
    this._range = MonitorDashboard.validRange(range);
    this.scheduleRender();
  }

  /**
   * Render in the next animation frame (once, however often it is asked).
   */
  scheduleRender(): void {
    if (!this.isShown || this._frame !== null || this.isDisposed) {
      return;
    }
    if (typeof requestAnimationFrame === 'function') {
      this._frame = requestAnimationFrame(() => {
        this._frame = null;
        this.renderNow(true);
      });
    } else {
      this._frame = setTimeout(() => {
        this._frame = null;
        this.renderNow(false);
      }, 0) as unknown as number;
    }
  }

  /**
   * Render synchronously now and measure it.
   *
   * @param inAnimationFrame - whether this runs in an animation frame callback
   */
  renderNow(inAnimationFrame = false): void {
    if (this.isDisposed) {
      return;
    }
    const start = now();
    const view = this._frozen ?? this._currentView();
    if (!this._root) {
      this._root = createRoot(this.node);
    }
    const root = this._root;
    flushSync(() => {
      root.render(this.render());
    });
    const seq = view.snapshot?.seq ?? null;
    measureSince(DASHBOARD_UPDATE_MEASURE, start, {
      seq,
      cores: view.snapshot?.cores.length ?? 0
    });
    if (seq !== null && seq !== this._paintedSeq) {
      this._paintedSeq = seq;
      afterPaint(() => {
        markNow(DASHBOARD_PAINTED_MARK, {
          seq,
          epochMs: performance.timeOrigin + performance.now()
        });
      }, inAnimationFrame);
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    const root = this._root;
    this._root = null;
    super.dispose();
    // Unmount after the current render pass (never inside one).
    if (root) {
      setTimeout(() => root.unmount(), 0);
    }
  }

  /**
   * The view as of now (or as frozen by the pause), rendered by
   * {@link renderNow}.
   */
  protected render(): JSX.Element {
    const view = this._frozen ?? this._currentView();
    return (
      <DashboardView
        model={this._model}
        trans={this._i18n.load(TRANSLATION_DOMAIN)}
        locale={this._i18n.languageCode}
        snapshot={view.snapshot}
        end={view.end}
        range={this._range}
        paused={this._paused}
        onPausedChange={paused => {
          this.paused = paused;
        }}
        onRangeChange={range => {
          this.range = range;
        }}
        onRestart={() => void this._restart()}
        actions={this._actions}
        cores={this._cores?.answer ?? null}
      />
    );
  }

  /**
   * `update()` renders in the next animation frame, measured like any other
   * render.
   */
  protected onUpdateRequest(msg: Message): void {
    this.scheduleRender();
  }

  /**
   * Follow the models while on screen, render at once when shown.
   */
  protected onVisibilityChanged(visible: boolean): void {
    if (visible) {
      this._model.changed.connect(this._onModelChanged, this);
      this._cores?.changed.connect(this._onModelChanged, this);
      this.scheduleRender();
    } else {
      this._model.changed.disconnect(this._onModelChanged, this);
      this._cores?.changed.disconnect(this._onModelChanged, this);
      this._cancelFrame();
    }
  }

  private _cancelFrame(): void {
    if (this._frame === null) {
      return;
    }
    if (typeof cancelAnimationFrame === 'function') {
      cancelAnimationFrame(this._frame);
    } else {
      clearTimeout(this._frame);
    }
    this._frame = null;
  }

  private _onModelChanged(): void {
    this.scheduleRender();
  }

  private _updateTitle(): void {
    const parent = this.parent;
    if (parent instanceof MonitorDashboard) {
      parent.updateTitle();
    }
  }

  private _currentView(): {
    snapshot: MonitorAPI.MonitorSnapshot | null;
    end: number;
  } {
    const snapshot = this._model.snapshot;
    const latest = this._model.history.latest();
    return {
      snapshot,
      end: snapshot?.timestamp ?? latest?.timestamp ?? Date.now() / 1000
    };
  }

  private async _restart(): Promise<void> {
    try {
      await this._model.restart();
    } catch (reason) {
      console.error('jupyterlab-neuron: could not restart the monitor', reason);
    }
  }

  private _model: INeuronMonitor;
  private _i18n: INeuronI18n;
  private _actions: IProcessActions;
  private _cores: INeuronCores | null;
  private _root: Root | null = null;
  private _paused = false;
  private _frozen: {
    snapshot: MonitorAPI.MonitorSnapshot | null;
    end: number;
  } | null = null;
  private _range: number;
  private _frame: number | null = null;
  private _paintedSeq: number | null = null;
}

/**
 * The NeuronCore dashboard in the main area.
 */
export class MonitorDashboard extends MainAreaWidget<MonitorDashboardContent> {
  constructor(options: MonitorDashboard.IOptions) {
    super({ content: new MonitorDashboardContent(options) });
    this._i18n = options.i18n;
    this.id = MonitorDashboard.ID;
    this.addClass('jp-Neuron-DashboardWidget');
    this.title.icon = neuronIcon;
    this.title.closable = true;
    this.updateTitle();
  }

  /**
   * Set the tab label in the current language.
   */
  updateTitle(): void {
    const trans = this._i18n.trans;
    this.title.label = trans.__('NeuronCore Dashboard');
    this.title.caption = trans.__(
      'NeuronCore utilization, memory and processes (neuron-monitor)'
    );
  }

  private _i18n: INeuronI18n;
}

/**
 * The namespace for `MonitorDashboard` statics.
 */
export namespace MonitorDashboard {
  /** The widget id (one dashboard at a time). */
  export const ID = 'jupyterlab-neuron-monitor-dashboard';

  /**
   * Construction options.
   */
  export interface IOptions {
    /** The monitor to show. */
    model: INeuronMonitor;
    /** The language service. */
    i18n: INeuronI18n;
    /** Kernel shutdown and notebook opening. */
    actions?: IProcessActions;
    /** Seconds shown by the charts (default 5 minutes). */
    range?: number;
    /** The NeuronCores of each kernel, when that capability is there. */
    cores?: INeuronCores | null;
  }

  /** Default seconds shown by the charts. */
  export const DEFAULT_RANGE = 300;

  /**
   * One of {@link TIME_RANGES} (the nearest, or the default).
   */
  export function validRange(range: number | undefined): number {
    if (range === undefined || !Number.isFinite(range)) {
      return DEFAULT_RANGE;
    }
    return TIME_RANGES.reduce((best, candidate) =>
      Math.abs(candidate - range) < Math.abs(best - range) ? candidate : best
    );
  }
}
