/**
 * Device memory per device, host memory and vCPUs, and ECC counters.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { Facts, formatBytes } from '../components';

import { eccProblems, formatPercent } from './format';
import type * as MonitorAPI from '../api/monitor';

/**
 * Properties shared by the resource views.
 */
export interface IResourceViewProps {
  snapshot: MonitorAPI.MonitorSnapshot;
  trans: TranslationBundle;
  locale: string;
}

/**
 * A horizontal meter of `used` out of `total`.
 */
function Meter(props: {
  used: number;
  total: number | null;
  label: string;
}): JSX.Element {
  const share =
    props.total && props.total > 0
      ? Math.min(1, Math.max(0, props.used / props.total))
      : 0;
  return (
    <span
      className="jp-Neuron-Meter"
      role="meter"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(share * 100)}
    >
      <span
        className="jp-Neuron-Meter-fill"
        style={{ width: `${share * 100}%` }}
      />
    </span>
  );
}

/**
 * Device memory in use against the total, one row per device.
 */
export function DeviceMemory(props: IResourceViewProps): JSX.Element {
  const { snapshot, trans, locale } = props;
  const fallbackTotal = snapshot.hardware.device_memory_bytes;
  return (
    <ul className="jp-Neuron-DeviceMemory">
      {snapshot.devices.map(device => {
        const total = device.memory_total_bytes ?? fallbackTotal;
        const text =
          total !== null
            ? trans.__(
                '%1 of %2',
                formatBytes(device.memory_used_bytes, locale),
                formatBytes(total, locale)
              )
            : formatBytes(device.memory_used_bytes, locale);
        return (
          <li key={device.index} data-device={device.index}>
            <span className="jp-Neuron-DeviceMemory-name">
              {trans.__('Device %1', device.index)}
            </span>
            <Meter
              used={device.memory_used_bytes}
              total={total}
              label={trans.__('Device %1 memory', device.index)}
            />
            <span className="jp-Neuron-DeviceMemory-value">{text}</span>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Host memory and vCPU usage.
 */
export function HostResources(props: IResourceViewProps): JSX.Element {
  const { snapshot, trans, locale } = props;
  const system = snapshot.system;
  if (!system) {
    return (
      <p className="jp-Neuron-Muted">
        {trans.__('neuron-monitor reports no host metrics.')}
      </p>
    );
  }
  const used = system.memory_used_bytes;
  const total = system.memory_total_bytes;
  return (
    <Facts
      items={[
        [
          trans.__('Host memory'),
          used !== null ? (
            <span className="jp-Neuron-MeterFact">
              <Meter
                used={used}
                total={total}
                label={trans.__('Host memory')}
              />
              <span>
                {total !== null
                  ? trans.__(
                      '%1 of %2',
                      formatBytes(used, locale),
                      formatBytes(total, locale)
                    )
                  : formatBytes(used, locale)}
              </span>
            </span>
          ) : (
            '—'
          )
        ],
        [
          trans.__('vCPU usage'),
          system.vcpu_count !== null
            ? trans.__(
                '%1 of %2 vCPUs',
                formatPercent(system.vcpu_used_percent, locale),
                system.vcpu_count
              )
            : formatPercent(system.vcpu_used_percent, locale)
        ]
      ]}
    />
  );
}

/**
 * ECC counters: a reassuring line when all are zero, else the counters that
 * are not (uncorrected ones highlighted).
 */
export function EccCounters(props: IResourceViewProps): JSX.Element {
  const { snapshot, trans } = props;
  const reported = snapshot.devices.some(device => device.ecc !== null);
  if (!reported) {
    return (
      <p className="jp-Neuron-Muted jp-Neuron-Ecc">
        {trans.__('ECC counters are not reported.')}
      </p>
    );
  }
  const problems = eccProblems(snapshot);
  if (problems.length === 0) {
    return (
      <p className="jp-Neuron-Ecc jp-Neuron-Ecc-ok">
        {trans.__('No ECC errors on any device.')}
      </p>
    );
  }
  return (
    <table className="jp-Neuron-Table jp-Neuron-Ecc">
      <thead>
        <tr>
          <th scope="col">{trans.__('Device')}</th>
          <th scope="col">{trans.__('Counter')}</th>
          <th scope="col" className="jp-Neuron-Number">
            {trans.__('Count')}
          </th>
        </tr>
      </thead>
      <tbody>
        {problems.map(problem => (
          <tr
            key={`${problem.device}-${problem.counter}`}
            className={
              problem.counter.includes('uncorrected')
                ? 'jp-Neuron-Ecc-uncorrected'
                : undefined
            }
          >
            <td>{problem.device}</td>
            <td>
              <code>{problem.counter}</code>
            </td>
            <td className="jp-Neuron-Number">{problem.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
