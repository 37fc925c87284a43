/**
 * The status bar item: "NeuronCore 1/2 · 87%", marked when simulated.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { VisibilityWidget, followLanguage } from '../components';
import type { INeuronI18n, INeuronMonitor } from '../tokens';
import { formatPercent, summarizeUtilization } from './format';
import { stateLabel } from './MonitorState';
import { ViewVisibility, useMonitorChanges } from './useMonitor';

/**
 * The text and tooltip of the status bar item for the model's current data.
 */
export function statusText(
  model: INeuronMonitor,
  trans: TranslationBundle,
  locale: string
): { text: string; title: string } {
  const snapshot = model.snapshot;
  const state = model.status?.state;
  if (state && state !== 'running' && state !== 'starting') {
    const label = stateLabel(state, trans);
    return {
      text: trans.__('NeuronCore: %1', label),
      title: model.status?.message ?? label
    };
  }
  if (!snapshot) {
    return {
      text: trans.__('NeuronCore —'),
      title: trans.__('Waiting for the first report from neuron-monitor…')
    };
  }
  const summary = summarizeUtilization(snapshot);
  const percent = formatPercent(summary.busyMean, locale);
  return {
    text: trans.__(
      'NeuronCore %1/%2 · %3',
      summary.inUse,
      summary.total,
      percent
    ),
    title: trans.__(
      '%1 of %2 NeuronCores in use, %3 average utilization of those in use. Click to open the NeuronCore dashboard.',
      summary.inUse,
      summary.total,
      percent
    )
  };
}

function StatusView(props: {
  model: INeuronMonitor;
  i18n: INeuronI18n;
  onClick: () => void;
  visibility: ViewVisibility;
}): JSX.Element {
  const { model, i18n, onClick } = props;
  useMonitorChanges(model, props.visibility);
  const trans = i18n.trans;
  const { text, title } = statusText(model, trans, i18n.languageCode);
  const simulated = !!(model.status?.simulated || model.snapshot?.simulated);
  return (
    <button
      type="button"
      className="jp-Neuron-StatusItem"
      title={title}
      onClick={onClick}
      data-monitor-state={model.status?.state ?? 'unknown'}
    >
      <span className="jp-Neuron-StatusItem-text">{text}</span>
      {simulated && (
        <span className="jp-Neuron-StatusItem-simulated">
          {trans.__('simulated')}
        </span>
      )}
    </button>
  );
}

/**
 * The status bar item. It counts as a view of the monitor while it is shown.
 */
export class MonitorStatusItem extends VisibilityWidget {
  constructor(options: MonitorStatusItem.IOptions) {
    super();
    this._model = options.model;
    this._i18n = options.i18n;
    this._onClick = options.onClick;
    this.addClass('jp-Neuron-StatusItemWidget');
    this.showsModels('status-bar', this._model);
    followLanguage(this, this._i18n);
  }

  protected render(): JSX.Element {
    return (
      <StatusView
        model={this._model}
        i18n={this._i18n}
        onClick={this._onClick}
        visibility={this._visibility}
      />
    );
  }

  protected onVisibilityChanged(visible: boolean): void {
    this._visibility.visible = visible;
  }

  private _model: INeuronMonitor;
  private _i18n: INeuronI18n;
  private _onClick: () => void;
  private _visibility = new ViewVisibility();
}

/**
 * The namespace for `MonitorStatusItem` statics.
 */
export namespace MonitorStatusItem {
  /**
   * Construction options.
   */
  export interface IOptions {
    model: INeuronMonitor;
    i18n: INeuronI18n;
    /** Called when the item is clicked (opens the dashboard). */
    onClick: () => void;
  }
}
