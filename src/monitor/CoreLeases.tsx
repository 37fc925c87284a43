/**
 * NeuronCore leases on the dashboard: each kernel's range with its notebook,
 * ranges leased but idle, and processes using cores outside every lease.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { ICoreLease, ICores } from '../api/cores';

import {
  formatCoreList,
  formatPercent,
  notebookName,
  processLabel
} from './format';
import type * as MonitorAPI from '../api/monitor';

/**
 * One lease as the dashboard shows it.
 */
export interface ILeaseRow {
  lease: ICoreLease;
  /** The notebook's file name, `null` when the kernel has no notebook. */
  owner: string | null;
  /** Highest utilization of the range's cores, in percent. */
  busiest: number;
  /** Leased, but none of its cores does any work. */
  idle: boolean;
}

/**
 * A process using cores that no lease covers.
 */
export interface IOutsideRow {
  label: string;
  pid: number | null;
  /** Its cores outside every lease. */
  cores: number[];
}

/**
 * What the leases look like in one snapshot.
 */
export interface ILeaseOverview {
  leases: ILeaseRow[];
  outside: IOutsideRow[];
  /**
   * Cores the server sees in use outside Jupyter (`busy_outside`) that no
   * process of the snapshot explains.
   */
  otherOutside: number[];
}

/**
 * Compare the leases with the utilization and processes of a snapshot.
 */
export function leaseOverview(
  snapshot: MonitorAPI.MonitorSnapshot,
  answer: ICores
): ILeaseOverview {
  const utilization = new Map<number, number>();
  for (const core of snapshot.cores) {
    utilization.set(core.index, core.utilization);
  }
  const leased = new Set<number>();
  const leases = answer.leases
    .filter(lease => lease.cores.length > 0)
    .sort((a, b) => a.cores[0] - b.cores[0])
    .map(lease => {
      let busiest = 0;
      for (const core of lease.cores) {
        leased.add(core);
        busiest = Math.max(busiest, utilization.get(core) ?? 0);
      }
      return {
        lease,
        owner: lease.notebook ? notebookName(lease.notebook) : null,
        busiest,
        idle: busiest <= 0
      };
    });
  const outside: IOutsideRow[] = [];
  const explained = new Set<number>();
  for (const process of snapshot.processes) {
    const cores = process.cores.filter(core => !leased.has(core));
    if (cores.length === 0) {
      continue;
    }
    cores.forEach(core => explained.add(core));
    outside.push({ label: processLabel(process), pid: process.pid, cores });
  }
  const otherOutside = answer.busy_outside.filter(
    core => !leased.has(core) && !explained.has(core)
  );
  return { leases, outside, otherOutside };
}

/**
 * Properties of {@link CoreLeases}.
 */
export interface ICoreLeasesProps {
  snapshot: MonitorAPI.MonitorSnapshot;
  /** The latest `GET cores` answer. */
  cores: ICores;
  trans: TranslationBundle;
  locale: string;
}

/**
 * The leases, the idle ones marked, and the processes outside any lease.
 */
export function CoreLeases(props: ICoreLeasesProps): JSX.Element {
  const { trans, locale } = props;
  const overview = leaseOverview(props.snapshot, props.cores);
  const empty =
    overview.leases.length === 0 &&
    overview.outside.length === 0 &&
    overview.otherOutside.length === 0;
  if (empty) {
    return (
      <p className="jp-Neuron-Muted jp-Neuron-CoreLeases-empty">
        {trans.__('No kernel holds NeuronCores.')}
      </p>
    );
  }
  return (
    <ul
      className="jp-Neuron-CoreLeases"
      aria-label={trans.__('NeuronCores of each kernel')}
    >
      {overview.leases.map(row => (
        <li
          key={row.lease.kernel_id}
          className={
            row.idle
              ? 'jp-Neuron-CoreLease jp-Neuron-CoreLease-idle'
              : 'jp-Neuron-CoreLease'
          }
          data-kernel-id={row.lease.kernel_id}
          data-cores={row.lease.visible_cores}
          data-state={row.idle ? 'idle' : 'busy'}
        >
          <span className="jp-Neuron-CoreLease-range">
            {trans.__('NC %1', row.lease.visible_cores)}
          </span>
          <span
            className="jp-Neuron-CoreLease-owner"
            title={row.lease.notebook ?? row.lease.kernel_id}
          >
            {row.owner ??
              trans.__('kernel %1', row.lease.kernel_id.slice(0, 8))}
          </span>
          <span className="jp-Neuron-CoreLease-state">
            {row.idle
              ? trans.__('leased, idle')
              : trans.__('in use · %1', formatPercent(row.busiest, locale))}
          </span>
        </li>
      ))}
      {overview.outside.map(row => (
        <li
          key={`pid-${row.pid ?? row.label}`}
          className="jp-Neuron-CoreLease jp-Neuron-CoreLease-outside"
          data-pid={row.pid ?? undefined}
          data-cores={formatCoreList(row.cores)}
          data-state="outside"
        >
          <span className="jp-Neuron-CoreLease-range">
            {trans.__('NC %1', formatCoreList(row.cores))}
          </span>
          <span className="jp-Neuron-CoreLease-owner">{row.label}</span>
          <span className="jp-Neuron-CoreLease-state">
            {trans.__('outside any lease')}
          </span>
        </li>
      ))}
      {overview.otherOutside.length > 0 && (
        <li
          key="other-outside"
          className="jp-Neuron-CoreLease jp-Neuron-CoreLease-outside"
          data-cores={formatCoreList(overview.otherOutside)}
          data-state="outside"
        >
          <span className="jp-Neuron-CoreLease-range">
            {trans.__('NC %1', formatCoreList(overview.otherOutside))}
          </span>
          <span className="jp-Neuron-CoreLease-owner">
            {trans.__('used outside Jupyter')}
          </span>
          <span className="jp-Neuron-CoreLease-state">
            {trans.__('outside any lease')}
          </span>
        </li>
      )}
    </ul>
  );
}
