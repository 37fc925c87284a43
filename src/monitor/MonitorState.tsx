/**
 * The state of the monitor: the server's neuron-monitor (running, restarting,
 * in a crash loop, not installed, failed with its last error lines), the connection, and the
 * "simulated" mark.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import {
  BadgeKind,
  Notice,
  NoticeKind,
  ServerMissingNotice,
  StateBadge
} from '../components';
import type { INeuronMonitor, NeuronMonitorConnection } from '../tokens';
import type * as MonitorAPI from '../api/monitor';

/**
 * The badge look of each monitor state.
 */
const STATE_KINDS: Record<MonitorAPI.MonitorState, BadgeKind> = {
  stopped: 'info',
  starting: 'info',
  running: 'ok',
  restarting: 'warning',
  crash_loop: 'error',
  not_installed: 'warning',
  failed: 'error'
};

/**
 * The translated name of a monitor state.
 */
export function stateLabel(
  state: MonitorAPI.MonitorState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'stopped':
      return trans.__('Stopped');
    case 'starting':
      return trans.__('Starting');
    case 'running':
      return trans.__('Running');
    case 'restarting':
      return trans.__('Restarting');
    case 'crash_loop':
      return trans.__('Crash loop');
    case 'not_installed':
      return trans.__('Not installed');
    case 'failed':
      return trans.__('Failed');
    default:
      return String(state);
  }
}

/**
 * The translated description of the connection.
 */
export function connectionLabel(
  connection: NeuronMonitorConnection,
  trans: TranslationBundle
): string {
  switch (connection) {
    case 'idle':
      return trans.__('Paused while hidden');
    case 'connecting':
      return trans.__('Connecting…');
    case 'websocket':
      return trans.__('Live (WebSocket)');
    case 'polling':
      return trans.__('Live (HTTP polling)');
    case 'server-missing':
      return trans.__('Server extension missing');
    case 'error':
      return trans.__('Connection lost; retrying');
  }
}

/**
 * Properties of {@link MonitorBadges} and {@link MonitorNotices}.
 */
export interface IMonitorStateProps {
  model: INeuronMonitor;
  trans: TranslationBundle;
  /** Called by "Retry" on a failed or missing neuron-monitor. */
  onRestart?: () => void;
}

/**
 * The badges: neuron-monitor's state, the connection, and "simulated".
 */
export function MonitorBadges(props: IMonitorStateProps): JSX.Element {
  const { model, trans } = props;
  const status = model.status;
  const simulated = status?.simulated || model.snapshot?.simulated;
  const instance =
    status?.simulated_instance ?? model.snapshot?.instance_type ?? null;
  return (
    <span className="jp-Neuron-MonitorBadges">
      {status && (
        <StateBadge
          kind={STATE_KINDS[status.state] ?? 'info'}
          label={stateLabel(status.state, trans)}
          title={status.message}
        />
      )}
      <span
        className="jp-Neuron-MonitorConnection"
        data-connection={model.connection}
      >
        {connectionLabel(model.connection, trans)}
      </span>
      {simulated && (
        <StateBadge
          kind="simulated"
          label={
            instance
              ? trans.__('Simulated: %1', instance)
              : trans.__('Simulated')
          }
          title={
            status?.scenario
              ? trans.__(
                  'Simulated data (scenario %1), not real Neuron hardware.',
                  status.scenario
                )
              : trans.__(
                  'Simulated data from the Neuron simulator, not real Neuron hardware.'
                )
          }
        />
      )}
    </span>
  );
}

/**
 * Notices for states that need explaining, with neuron-monitor's last error
 * lines and a retry button where it helps.
 */
export function MonitorNotices(props: IMonitorStateProps): JSX.Element | null {
  const { model, trans, onRestart } = props;
  if (model.connection === 'server-missing') {
    return (
      <ServerMissingNotice trans={trans}>
        <p>
          {trans.__(
            'The monitor needs the server part of jupyterlab-neuron. Install the package in the Python environment that runs JupyterLab, then restart JupyterLab.'
          )}
        </p>
      </ServerMissingNotice>
    );
  }
  if (model.connection === 'error') {
    return (
      <Notice
        kind="error"
        title={trans.__('Cannot reach the monitor')}
        message={model.error}
      >
        <p>{trans.__('Retrying automatically.')}</p>
      </Notice>
    );
  }
  const status = model.status;
  if (!status) {
    return null;
  }
  const stderr = status.stderr_tail ?? [];
  const errorLines =
    stderr.length > 0 ? (
      <details className="jp-Neuron-ErrorDetail" open>
        <summary>
          {trans.__('Last lines neuron-monitor wrote to stderr')}
        </summary>
        <pre className="jp-Neuron-Stderr">{stderr.join('\n')}</pre>
      </details>
    ) : null;
  const exit =
    status.last_exit_status !== null &&
    status.last_exit_status !== undefined ? (
      <p>{trans.__('Exit status: %1', status.last_exit_status)}</p>
    ) : null;
  const retry = onRestart ? (
    <button
      type="button"
      className="jp-Button jp-mod-styled jp-mod-accept jp-Neuron-RetryButton"
      onClick={onRestart}
    >
      {trans.__('Retry')}
    </button>
  ) : null;

  // neuron-monitor has stopped: its message, exit status and last error lines.
  const stopped = (kind: NoticeKind, title: string, canRetry: boolean) => (
    <Notice kind={kind} title={title} message={status.message}>
      {exit}
      {errorLines}
      {canRetry && retry}
    </Notice>
  );

  switch (status.state) {
    case 'restarting':
      return stopped(
        'warning',
        trans.__('neuron-monitor stopped; restarting it'),
        false
      );
    case 'crash_loop':
      return stopped('error', trans.__('neuron-monitor keeps crashing'), true);
    case 'failed':
      return stopped('error', trans.__('neuron-monitor failed'), true);
    case 'not_installed':
      return (
        <Notice
          kind="warning"
          title={trans.__('neuron-monitor is not installed')}
          message={status.message}
        >
          <pre className="jp-Neuron-Command">
            sudo apt-get install aws-neuronx-tools
          </pre>
          {retry}
        </Notice>
      );
    case 'starting':
      return (
        <p className="jp-Neuron-Muted" role="status">
          {status.message}
        </p>
      );
    default:
      return null;
  }
}
