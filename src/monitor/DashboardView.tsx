/**
 * The NeuronCore dashboard (React part): state, per-core utilization, time
 * series, memory, host, processes and ECC counters of one snapshot.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { ICores } from '../api/cores';
import { LabelledSelect, Section, formatBytes } from '../components';
import type { INeuronMonitor, INeuronMonitorSample } from '../tokens';
import { CoreLeases } from './CoreLeases';
import { CoreUtilization } from './CoreUtilization';
import { formatPercent, summarizeUtilization } from './format';
import { MonitorBadges, MonitorNotices } from './MonitorState';
import { IProcessActions, ProcessTable } from './ProcessTable';
import { DeviceMemory, EccCounters, HostResources } from './ResourceViews';
import { IChartSeries, TimeSeriesChart } from './TimeSeriesChart';
import type * as MonitorAPI from '../api/monitor';

/**
 * Time ranges offered for the charts, in seconds.
 */
export const TIME_RANGES = [60, 300, 900, 3600] as const;

/**
 * Line colours of per-core series (JupyterLab theme variables).
 */
const CORE_COLORS = [
  '--jp-brand-color1',
  '--jp-warn-color1',
  '--jp-success-color1',
  '--jp-error-color1',
  '--jp-accent-color1',
  '--jp-brand-color3',
  '--jp-warn-color3',
  '--jp-success-color3'
];

/**
 * Properties of {@link DashboardView}.
 */
export interface IDashboardViewProps {
  /** The monitor (state, status, history). */
  model: INeuronMonitor;
  /** Our translation bundle. */
  trans: TranslationBundle;
  /** BCP 47 tag of the language, for numbers and times. */
  locale: string;
  /** The snapshot shown (frozen while paused). */
  snapshot: MonitorAPI.MonitorSnapshot | null;
  /** Timestamp (seconds) of the right edge of the charts. */
  end: number;
  /** Seconds shown by the charts. */
  range: number;
  /** Whether the display is paused. */
  paused: boolean;
  /** Pause or resume. */
  onPausedChange: (paused: boolean) => void;
  /** Choose another time range. */
  onRangeChange: (seconds: number) => void;
  /** Ask the server to start neuron-monitor again. */
  onRestart?: () => void;
  /** Kernel shutdown and notebook opening. */
  actions: IProcessActions;
  /**
   * The NeuronCores each kernel holds (`GET cores`); `null` without the
   * cores capability or before its first answer.
   */
  cores?: ICores | null;
}

/**
 * The whole dashboard.
 */
export function DashboardView(props: IDashboardViewProps): JSX.Element {
  const { model, trans, snapshot } = props;
  const simulated = !!(model.status?.simulated || snapshot?.simulated);
  return (
    <div
      className={
        simulated
          ? 'jp-Neuron-Dashboard jp-Neuron-Dashboard-simulated'
          : 'jp-Neuron-Dashboard'
      }
      data-monitor-state={model.status?.state ?? 'unknown'}
      data-connection={model.connection}
      data-seq={snapshot?.seq ?? undefined}
    >
      <DashboardHeader {...props} />
      <MonitorNotices model={model} trans={trans} onRestart={props.onRestart} />
      {snapshot ? (
        <SnapshotView {...props} snapshot={snapshot} />
      ) : (
        model.connection !== 'server-missing' && (
          <p className="jp-Neuron-Muted" role="status">
            {trans.__('Waiting for the first report from neuron-monitor…')}
          </p>
        )
      )}
    </div>
  );
}

function DashboardHeader(props: IDashboardViewProps): JSX.Element {
  const { model, trans, locale, snapshot, paused, range } = props;
  const period = model.status?.period;
  return (
    <header className="jp-Neuron-Dashboard-header">
      <div className="jp-Neuron-Dashboard-titleRow">
        <h2 className="jp-Neuron-Dashboard-title">
          {trans.__('NeuronCore dashboard')}
        </h2>
        {snapshot?.instance_type && (
          <span className="jp-Neuron-Dashboard-instance">
            {snapshot.instance_type}
          </span>
        )}
        <MonitorBadges model={model} trans={trans} />
      </div>
      <div className="jp-Neuron-Dashboard-toolbar">
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-Neuron-PauseButton"
          aria-pressed={paused}
          onClick={() => props.onPausedChange(!paused)}
        >
          {paused ? trans.__('Resume') : trans.__('Pause')}
        </button>
        <LabelledSelect
          className="jp-Neuron-RangeSelect"
          label={trans.__('Time range')}
          value={String(range)}
          options={TIME_RANGES.map(seconds => [
            String(seconds),
            rangeLabel(seconds, trans)
          ])}
          onChange={value => props.onRangeChange(Number(value))}
        />
        <span className="jp-Neuron-Dashboard-updated" aria-live="off">
          {snapshot &&
            (paused
              ? trans.__(
                  'Paused at %1',
                  new Date(snapshot.timestamp * 1000).toLocaleTimeString(locale)
                )
              : trans.__(
                  'Updated %1',
                  new Date(snapshot.timestamp * 1000).toLocaleTimeString(locale)
                ))}
          {period !== undefined && (
            <span className="jp-Neuron-Muted">
              {' · '}
              {trans.__('neuron-monitor period: %1 s', period)}
            </span>
          )}
        </span>
      </div>
    </header>
  );
}

/**
 * A time range for people: `1 min`, `1 h`.
 */
export function rangeLabel(seconds: number, trans: TranslationBundle): string {
  if (seconds >= 3600 && seconds % 3600 === 0) {
    return trans.__('%1 h', seconds / 3600);
  }
  return trans.__('%1 min', Math.round(seconds / 60));
}

function SnapshotView(
  props: IDashboardViewProps & { snapshot: MonitorAPI.MonitorSnapshot }
): JSX.Element {
  const { snapshot, trans, locale } = props;
  const summary = summarizeUtilization(snapshot);
  return (
    <div className="jp-Neuron-Dashboard-grid">
      <div className="jp-Neuron-Dashboard-cell jp-Neuron-Dashboard-cores">
        <Section
          title={trans.__('NeuronCore utilization')}
          summary={trans.__(
            '%1 of %2 in use · %3',
            summary.inUse,
            summary.total,
            formatPercent(summary.busyMean, locale)
          )}
        >
          <CoreUtilization snapshot={snapshot} trans={trans} locale={locale} />
        </Section>
        {props.cores && (
          <Section title={trans.__('NeuronCores of each kernel')}>
            <CoreLeases
              snapshot={snapshot}
              cores={props.cores}
              trans={trans}
              locale={locale}
            />
          </Section>
        )}
      </div>
      <div className="jp-Neuron-Dashboard-cell">
        <Section title={trans.__('Device memory')}>
          <DeviceMemory snapshot={snapshot} trans={trans} locale={locale} />
        </Section>
      </div>
      <div className="jp-Neuron-Dashboard-cell">
        <Section title={trans.__('Host')}>
          <HostResources snapshot={snapshot} trans={trans} locale={locale} />
        </Section>
        <Section title={trans.__('ECC counters')}>
          <EccCounters snapshot={snapshot} trans={trans} locale={locale} />
        </Section>
      </div>
      <div className="jp-Neuron-Dashboard-cell jp-Neuron-Dashboard-charts">
        <Charts {...props} />
      </div>
      <div className="jp-Neuron-Dashboard-cell jp-Neuron-Dashboard-wide">
        <Section
          title={trans.__('Neuron processes')}
          summary={trans._n(
            '%1 process',
            '%1 processes',
            snapshot.processes.length
          )}
        >
          <ProcessTable
            processes={snapshot.processes}
            trans={trans}
            locale={locale}
            actions={props.actions}
          />
        </Section>
      </div>
    </div>
  );
}

function maxOf(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > max) {
      max = values[i];
    }
  }
  return max;
}

function sumOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
  }
  return sum;
}

/**
 * The series of the utilization chart: one line per core on small
 * instances, else the average and the busiest core.
 */
export function utilizationSeries(
  snapshot: MonitorAPI.MonitorSnapshot,
  trans: TranslationBundle,
  locale: string
): IChartSeries[] {
  if (snapshot.cores.length <= CORE_COLORS.length) {
    return snapshot.cores.map((core, position) => ({
      key: `core-${core.index}`,
      label: trans.__('NC %1', core.index),
      color: CORE_COLORS[position % CORE_COLORS.length],
      value: (sample: INeuronMonitorSample) =>
        position < sample.cores.length ? sample.cores[position] : null,
      current: formatPercent(core.utilization, locale)
    }));
  }
  const summary = summarizeUtilization(snapshot);
  let busiest = 0;
  for (const core of snapshot.cores) {
    busiest = Math.max(busiest, core.utilization);
  }
  return [
    {
      key: 'mean',
      label: trans.__('Average of all cores'),
      color: '--jp-brand-color1',
      width: 2,
      value: sample => sample.meanUtilization,
      current: formatPercent(summary.overallMean, locale)
    },
    {
      key: 'max',
      label: trans.__('Busiest core'),
      color: '--jp-warn-color1',
      value: sample => maxOf(sample.cores),
      current: formatPercent(busiest, locale)
    }
  ];
}

/**
 * The series of the memory chart, in percent of the totals of the snapshot.
 */
export function memorySeries(
  snapshot: MonitorAPI.MonitorSnapshot,
  trans: TranslationBundle,
  locale: string
): IChartSeries[] {
  const series: IChartSeries[] = [];
  let deviceTotal = 0;
  let deviceUsed = 0;
  for (const device of snapshot.devices) {
    deviceTotal +=
      device.memory_total_bytes ?? snapshot.hardware.device_memory_bytes ?? 0;
    deviceUsed += device.memory_used_bytes;
  }
  if (deviceTotal > 0) {
    series.push({
      key: 'device',
      label: trans.__('Device memory'),
      color: '--jp-brand-color1',
      width: 2,
      value: sample => (sumOf(sample.deviceMemory) / deviceTotal) * 100,
      current: trans.__(
        '%1 of %2',
        formatBytes(deviceUsed, locale),
        formatBytes(deviceTotal, locale)
      )
    });
  }
  const hostTotal = snapshot.system?.memory_total_bytes ?? 0;
  const hostUsed = snapshot.system?.memory_used_bytes ?? null;
  if (hostTotal > 0) {
    series.push({
      key: 'host',
      label: trans.__('Host memory'),
      color: '--jp-accent-color1',
      value: sample =>
        sample.hostMemoryUsed === null
          ? null
          : (sample.hostMemoryUsed / hostTotal) * 100,
      current:
        hostUsed !== null
          ? trans.__(
              '%1 of %2',
              formatBytes(hostUsed, locale),
              formatBytes(hostTotal, locale)
            )
          : undefined
    });
  }
  return series;
}

function Charts(
  props: IDashboardViewProps & { snapshot: MonitorAPI.MonitorSnapshot }
): JSX.Element {
  const { model, snapshot, trans, locale, end, range, paused } = props;
  const period = model.status?.period ?? snapshot.period ?? 1;
  const yLabels = ['0%', '50%', '100%'];
  const xLabels = [
    trans.__('-%1', rangeLabel(range, trans)),
    paused ? new Date(end * 1000).toLocaleTimeString(locale) : trans.__('now')
  ];
  const gapSeconds = Math.max(5, period * 3);
  return (
    <Section title={trans.__('Over time')}>
      <div className="jp-Neuron-Charts">
        <TimeSeriesChart
          title={trans.__('Utilization')}
          history={model.history}
          end={end}
          range={range}
          series={utilizationSeries(snapshot, trans, locale)}
          yLabels={yLabels}
          xLabels={xLabels}
          gapSeconds={gapSeconds}
        />
        <TimeSeriesChart
          title={trans.__('Memory in use')}
          history={model.history}
          end={end}
          range={range}
          series={memorySeries(snapshot, trans, locale)}
          yLabels={yLabels}
          xLabels={xLabels}
          gapSeconds={gapSeconds}
        />
      </div>
    </Section>
  );
}
