/**
 * The NeuronCores section of the Neuron panel: which notebook's kernel holds
 * which cores, the free ones and those used outside Jupyter.
 */

import React from 'react';

import { useRerenderOn } from '../components';
import type { NeuronPanel } from '../panel';
import type { INeuronCores, INeuronI18n } from '../tokens';
import { coresLabel } from './model';

/**
 * `0-3,8` for a list of cores.
 */
export function coreRanges(cores: number[]): string {
  const parts: string[] = [];
  const sorted = [...new Set(cores)].sort((a, b) => a - b);
  let start = -1;
  let previous = -2;
  for (const core of [...sorted, Number.NaN]) {
    if (core === previous + 1) {
      previous = core;
      continue;
    }
    if (start >= 0) {
      parts.push(start === previous ? `${start}` : `${start}-${previous}`);
    }
    start = core;
    previous = core;
  }
  return parts.join(',');
}

/**
 * The leases, one row per kernel.
 */
export function CoresSummary(props: {
  model: INeuronCores;
  i18n: INeuronI18n;
}): JSX.Element {
  const { model, i18n } = props;
  useRerenderOn(model.changed, i18n.changed);
  const trans = i18n.trans;
  const answer = model.answer;
  if (model.error) {
    return <div className="jp-Neuron-Cores jp-mod-error">{model.error}</div>;
  }
  if (!answer) {
    return (
      <div className="jp-Neuron-Cores">
        {trans.__('Loading the NeuronCore leases…')}
      </div>
    );
  }
  return (
    <div className="jp-Neuron-Cores">
      <div className="jp-Neuron-Cores-summary">
        {trans.__('%1 NeuronCores · %2 free', answer.total, answer.free.length)}
        {answer.simulated ? ` · ${trans.__('simulated')}` : ''}
      </div>
      {answer.leases.length === 0 ? (
        <div className="jp-Neuron-Cores-empty">
          {trans.__('No kernel holds NeuronCores.')}
        </div>
      ) : (
        <table className="jp-Neuron-Cores-table">
          <thead>
            <tr>
              <th>{trans.__('Cores')}</th>
              <th>{trans.__('Notebook')}</th>
              <th>{trans.__('pid')}</th>
            </tr>
          </thead>
          <tbody>
            {answer.leases.map(lease => (
              <tr key={lease.kernel_id} data-kernel-id={lease.kernel_id}>
                <td>{coresLabel(lease)}</td>
                <td title={lease.kernel_id}>
                  {lease.notebook || trans.__('(no notebook)')}
                </td>
                <td>{lease.pid ?? trans.__('starting')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {answer.busy_outside.length > 0 && (
        <div className="jp-Neuron-Cores-outside">
          {trans.__(
            'Used by processes outside Jupyter: NeuronCores %1',
            coreRanges(answer.busy_outside)
          )}
        </div>
      )}
    </div>
  );
}

/**
 * The panel section.
 */
export function createCoresSection(
  model: INeuronCores,
  i18n: INeuronI18n
): NeuronPanel.ISection {
  return {
    id: 'cores',
    label: trans => trans.__('NeuronCores per kernel'),
    render: () => <CoresSummary model={model} i18n={i18n} />,
    setVisible: visible => model.setVisible(visible, 'sidebar')
  };
}
