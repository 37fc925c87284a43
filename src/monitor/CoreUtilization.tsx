/**
 * Per-core utilization: bars on small instances, a heatmap grid grouped by
 * device on large ones (readable at 128 cores).
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { coreOwners, formatPercent, heatClass, heatLevel } from './format';
import type * as MonitorAPI from '../api/monitor';

/**
 * Instances with at most this many NeuronCores get bars; more get a heatmap.
 */
export const MAX_CORES_FOR_BARS = 8;

/**
 * Properties of the core views.
 */
export interface ICoreUtilizationProps {
  /** The snapshot to show. */
  snapshot: MonitorAPI.MonitorSnapshot;
  /** Our translation bundle. */
  trans: TranslationBundle;
  /** BCP 47 tag of the language, for numbers. */
  locale: string;
  /** Force a layout (default: bars up to {@link MAX_CORES_FOR_BARS} cores). */
  layout?: 'bars' | 'heatmap';
}

/**
 * Per-core utilization of a snapshot.
 */
export function CoreUtilization(props: ICoreUtilizationProps): JSX.Element {
  const layout =
    props.layout ??
    (props.snapshot.cores.length <= MAX_CORES_FOR_BARS ? 'bars' : 'heatmap');
  return layout === 'bars' ? (
    <CoreBars {...props} />
  ) : (
    <CoreHeatmap {...props} />
  );
}

/**
 * One bar per core with its percentage and who uses it.
 */
export function CoreBars(props: ICoreUtilizationProps): JSX.Element {
  const { snapshot, trans, locale } = props;
  const owners = coreOwners(snapshot);
  return (
    <ul
      className="jp-Neuron-CoreBars"
      aria-label={trans.__('NeuronCore utilization')}
    >
      {snapshot.cores.map(core => {
        const percent = formatPercent(core.utilization, locale);
        const users = owners.get(core.index) ?? [];
        return (
          <li
            key={core.index}
            className="jp-Neuron-CoreBar"
            data-core={core.index}
            data-in-use={users.length > 0 || core.utilization > 0}
          >
            <span className="jp-Neuron-CoreBar-name">
              {trans.__('NC %1', core.index)}
            </span>
            <span
              className="jp-Neuron-Meter"
              role="meter"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(core.utilization)}
              aria-label={trans.__('NeuronCore %1 utilization', core.index)}
            >
              <span
                className="jp-Neuron-Meter-fill"
                style={{ width: `${heatLevel(core.utilization) * 100}%` }}
              />
            </span>
            <span className="jp-Neuron-CoreBar-value">{percent}</span>
            <span className="jp-Neuron-CoreBar-owner" title={users.join(', ')}>
              {users.length > 0 ? users.join(', ') : trans.__('idle')}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * A grid of cells, one row per device. Each cell shows the core index and its
 * utilization, coloured by level; logical cores with physical detail (trn2)
 * show a strip per physical core.
 */
export function CoreHeatmap(props: ICoreUtilizationProps): JSX.Element {
  const { snapshot, trans, locale } = props;
  const owners = coreOwners(snapshot);
  const rows = groupByDevice(snapshot);
  return (
    <div
      className="jp-Neuron-Heatmap"
      role="table"
      aria-label={trans.__('NeuronCore utilization')}
    >
      {rows.map(row => (
        <div className="jp-Neuron-Heatmap-row" role="row" key={row.device}>
          <span className="jp-Neuron-Heatmap-device" role="rowheader">
            {row.device >= 0 ? trans.__('D%1', row.device) : '—'}
          </span>
          {row.cores.map(core => {
            const level = heatLevel(core.utilization);
            const users = owners.get(core.index) ?? [];
            const percent = formatPercent(core.utilization, locale);
            const label = users.length
              ? trans.__(
                  'NeuronCore %1: %2 (%3)',
                  core.index,
                  percent,
                  users.join(', ')
                )
              : trans.__('NeuronCore %1: %2', core.index, percent);
            return (
              <span
                key={core.index}
                role="cell"
                className={`jp-Neuron-HeatCell ${heatClass(core.utilization)}${
                  level >= 0.55 ? ' jp-Neuron-HeatCell-hot' : ''
                }`}
                data-core={core.index}
                title={label}
                aria-label={label}
              >
                <span className="jp-Neuron-HeatCell-index">{core.index}</span>
                <span className="jp-Neuron-HeatCell-value">
                  {Math.round(core.utilization)}
                </span>
                {core.physical && core.physical.length > 1 && (
                  <span className="jp-Neuron-HeatCell-physical">
                    {core.physical.map(physical => (
                      <span
                        key={physical.name}
                        className={heatClass(physical.utilization)}
                      />
                    ))}
                  </span>
                )}
              </span>
            );
          })}
        </div>
      ))}
    </div>
  );
}

/**
 * The cores of a snapshot by device, devices in index order (`-1` for cores
 * of no known device).
 */
export function groupByDevice(
  snapshot: MonitorAPI.MonitorSnapshot
): { device: number; cores: MonitorAPI.MonitorCore[] }[] {
  const byDevice = new Map<number, MonitorAPI.MonitorCore[]>();
  for (const core of snapshot.cores) {
    const device = core.device ?? -1;
    const list = byDevice.get(device);
    if (list) {
      list.push(core);
    } else {
      byDevice.set(device, [core]);
    }
  }
  return [...byDevice.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([device, cores]) => ({ device, cores }));
}
