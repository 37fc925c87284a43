/**
 * The cluster section of the Neuron panel: one summary line and a button
 * opening the cluster view.
 */

import type { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { useRerenderOn } from '../components';
import type { NeuronPanel } from '../panel';
import { CommandIDs, type INeuronCluster, type INeuronI18n } from '../tokens';

/**
 * The one-line summary (or why there is none).
 */
export function ClusterSummaryLine(props: {
  model: INeuronCluster;
  i18n: INeuronI18n;
  onOpenView?: () => void;
}): JSX.Element {
  const { model, i18n, onOpenView } = props;
  useRerenderOn(model.changed);
  const trans = i18n.trans;
  const answer = model.answer;
  let line: string;
  if (model.error) {
    line = model.error;
  } else if (!answer) {
    line = trans.__('Loading the cluster from Prometheus…');
  } else if (answer.state === 'ok') {
    const s = answer.summary;
    line = trans.__(
      '%1 of %2 nodes up · %3 NeuronCores · mean utilization %4%',
      s.up,
      s.nodes,
      s.cores,
      s.utilization.toFixed(1)
    );
    if (s.simulated) {
      line = trans.__('%1 (simulated)', line);
    }
  } else {
    line = answer.message ?? answer.state;
  }
  return (
    <div className="jp-Neuron-ClusterSummary" data-state={answer?.state ?? ''}>
      <span className="jp-Neuron-ClusterSummary-line">{line}</span>
      {onOpenView && answer?.state === 'ok' && (
        <button className="jp-mod-styled jp-mod-accept" onClick={onOpenView}>
          {trans.__('Open Neuron Cluster View')}
        </button>
      )}
    </div>
  );
}

/**
 * The panel section.
 */
export function createClusterSection(
  model: INeuronCluster,
  i18n: INeuronI18n,
  commands?: CommandRegistry
): NeuronPanel.ISection {
  const openView = commands
    ? () => void commands.execute(CommandIDs.openCluster)
    : undefined;
  return {
    id: 'cluster',
    label: trans => trans.__('Cluster'),
    render: () => (
      <ClusterSummaryLine model={model} i18n={i18n} onOpenView={openView} />
    ),
    setVisible: visible => model.setVisible(visible, 'sidebar')
  };
}
