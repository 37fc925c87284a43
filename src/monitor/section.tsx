/**
 * The compact Monitor section of the Neuron sidebar.
 */

import type { ITranslator } from '@jupyterlab/translation';
import React from 'react';

import type { NeuronPanel } from '../panel';
import type { INeuronI18n, INeuronMonitor } from '../tokens';
import { TRANSLATION_DOMAIN } from '../tokens';
import {
  coreOwners,
  formatCoreList,
  formatPercent,
  heatClass,
  processLabel,
  summarizeUtilization
} from './format';
import { MonitorBadges, MonitorNotices } from './MonitorState';
import { ViewVisibility, useMonitorChanges } from './useMonitor';

/**
 * Properties of {@link MonitorSummary}.
 */
export interface IMonitorSummaryProps {
  model: INeuronMonitor;
  translator: ITranslator;
  /** Open the NeuronCore dashboard. */
  onOpenDashboard: () => void;
  /** Whether the summary is on screen (it follows the model only then). */
  visibility?: ViewVisibility;
}

/** Processes listed in the sidebar; the dashboard lists all. */
const MAX_PROCESSES = 4;

/**
 * A glance at the monitor: state, cores in use, a tiny heatmap, the busiest
 * processes with their notebooks, and the way to the dashboard.
 */
export function MonitorSummary(props: IMonitorSummaryProps): JSX.Element {
  const { model, translator, onOpenDashboard } = props;
  useMonitorChanges(model, props.visibility);
  const trans = translator.load(TRANSLATION_DOMAIN);
  const locale = translator.languageCode;
  const snapshot = model.snapshot;
  const summary = snapshot ? summarizeUtilization(snapshot) : null;
  const owners = snapshot ? coreOwners(snapshot) : new Map();
  const processes = snapshot
    ? [...snapshot.processes]
        .sort((a, b) => b.utilization - a.utilization)
        .slice(0, MAX_PROCESSES)
    : [];
  return (
    <div
      className="jp-Neuron-MonitorSummary"
      data-monitor-state={model.status?.state ?? 'unknown'}
    >
      <MonitorBadges model={model} trans={trans} />
      <MonitorNotices
        model={model}
        trans={trans}
        onRestart={() => void model.restart().catch(() => undefined)}
      />
      {snapshot && summary && (
        <>
          <p className="jp-Neuron-MonitorSummary-headline">
            {trans.__(
              '%1 of %2 NeuronCores in use · %3',
              summary.inUse,
              summary.total,
              formatPercent(summary.busyMean, locale)
            )}
          </p>
          <div
            className="jp-Neuron-MiniHeatmap"
            aria-hidden="true"
            style={
              {
                '--jp-Neuron-columns': Math.min(16, snapshot.cores.length)
              } as React.CSSProperties
            }
          >
            {snapshot.cores.map(core => (
              <span
                key={core.index}
                className={heatClass(core.utilization)}
                title={`${core.index}: ${formatPercent(core.utilization, locale)}${
                  owners.has(core.index)
                    ? ` (${owners.get(core.index).join(', ')})`
                    : ''
                }`}
              />
            ))}
          </div>
          {processes.length > 0 ? (
            <ul className="jp-Neuron-MonitorSummary-processes">
              {processes.map((process, index) => (
                <li key={`${process.pid}-${index}`}>
                  <span className="jp-Neuron-MonitorSummary-process">
                    {processLabel(process)}
                  </span>
                  <span className="jp-Neuron-Muted">
                    {trans.__(
                      'NC %1 · %2',
                      formatCoreList(process.cores) || '—',
                      formatPercent(process.utilization, locale)
                    )}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="jp-Neuron-Muted">
              {trans.__('No process is using NeuronCores right now.')}
            </p>
          )}
        </>
      )}
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-accept jp-Neuron-OpenDashboardButton"
        onClick={onOpenDashboard}
      >
        {trans.__('Open NeuronCore Dashboard')}
      </button>
    </div>
  );
}

/**
 * The Monitor section of the Neuron sidebar.
 */
export function createMonitorSection(
  model: INeuronMonitor,
  i18n: INeuronI18n,
  openDashboard: () => void
): NeuronPanel.ISection {
  const visibility = new ViewVisibility();
  return {
    id: 'monitor',
    label: trans => trans.__('NeuronCore Monitor'),
    render: () => (
      <MonitorSummary
        model={model}
        translator={i18n}
        onOpenDashboard={openDashboard}
        visibility={visibility}
      />
    ),
    setVisible: visible => {
      visibility.visible = visible;
      model.setVisible(visible, 'panel-section');
    }
  };
}
