/**
 * The Neuron processes of a snapshot with their notebooks, and a way to shut
 * down the kernel that holds NeuronCores.
 */

import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { DataTable, formatBytes } from '../components';

import {
  formatCoreList,
  formatLatency,
  formatPercent,
  notebookName,
  processErrors
} from './format';
import type * as MonitorAPI from '../api/monitor';

/**
 * What the process table can do outside itself.
 */
export interface IProcessActions {
  /** Shut down a kernel by id (the real kernel API). */
  shutdownKernel?: (kernelId: string) => Promise<void>;
  /** Open a notebook by path. */
  openNotebook?: (path: string) => void;
}

/**
 * Properties of {@link ProcessTable}.
 */
export interface IProcessTableProps {
  processes: MonitorAPI.MonitorProcess[];
  trans: TranslationBundle;
  locale: string;
  actions: IProcessActions;
}

/**
 * Ask for confirmation, then shut down the kernel of `process`. Resolves to
 * whether the kernel was shut down.
 */
export async function confirmKernelShutdown(
  process: MonitorAPI.MonitorProcess,
  trans: TranslationBundle,
  shutdownKernel: (kernelId: string) => Promise<void>
): Promise<boolean> {
  const kernel = process.kernel;
  if (!kernel) {
    return false;
  }
  const name = kernel.notebook_path
    ? notebookName(kernel.notebook_path)
    : trans.__('kernel %1', kernel.kernel_id.slice(0, 8));
  const body = (
    <div className="jp-Neuron-ShutdownDialog">
      <p>
        {trans.__(
          'The kernel of %1 will be shut down. Its variables are lost and the NeuronCores it holds (%2) are released.',
          name,
          formatCoreList(process.cores) || '—'
        )}
      </p>
      {kernel.relation === 'descendant' && (
        <p>
          {trans.__(
            'Process %1 was started by this kernel (for example with ! or subprocess); it is stopped together with the kernel.',
            process.pid ?? '?'
          )}
        </p>
      )}
      {kernel.notebook_path && (
        <p className="jp-Neuron-Muted">
          <code className="jp-Neuron-Path">{kernel.notebook_path}</code>
        </p>
      )}
    </div>
  );
  const result = await showDialog({
    title: trans.__('Shut down the kernel of %1?', name),
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Shut Down') })
    ]
  });
  if (!result.button.accept) {
    return false;
  }
  try {
    await shutdownKernel(kernel.kernel_id);
  } catch (reason) {
    await showErrorMessage(
      trans.__('Could not shut down the kernel'),
      reason as Error
    );
    return false;
  }
  return true;
}

/**
 * One row per Neuron runtime: pid, tag, notebook, cores, memory, latency and
 * errors, with "Shut down kernel" for processes that belong to a kernel.
 */
export function ProcessTable(props: IProcessTableProps): JSX.Element {
  const { processes, trans, locale, actions } = props;
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());

  if (processes.length === 0) {
    return (
      <p className="jp-Neuron-Muted jp-Neuron-ProcessTable-empty">
        {trans.__('No process is using NeuronCores right now.')}
      </p>
    );
  }

  const shutDown = async (process: MonitorAPI.MonitorProcess) => {
    const kernelId = process.kernel?.kernel_id;
    if (!kernelId || !actions.shutdownKernel) {
      return;
    }
    setPending(current => new Set(current).add(kernelId));
    const done = await confirmKernelShutdown(
      process,
      trans,
      actions.shutdownKernel
    );
    if (!done) {
      setPending(current => {
        const next = new Set(current);
        next.delete(kernelId);
        return next;
      });
    }
  };

  return (
    <DataTable
      className="jp-Neuron-ProcessTable"
      columns={[
        trans.__('PID'),
        trans.__('Tag'),
        trans.__('Notebook'),
        trans.__('NeuronCores in use'),
        { label: trans.__('Utilization'), className: 'jp-Neuron-Number' },
        { label: trans.__('Host memory'), className: 'jp-Neuron-Number' },
        { label: trans.__('Device memory'), className: 'jp-Neuron-Number' },
        {
          label: trans.__('Latency p50 / p99'),
          className: 'jp-Neuron-Number'
        },
        { label: trans.__('Errors'), className: 'jp-Neuron-Number' },
        {
          label: (
            <span className="jp-Neuron-VisuallyHidden">
              {trans.__('Actions')}
            </span>
          )
        }
      ]}
    >
      {processes.map((process, index) => {
        const kernel = process.kernel;
        const errors = processErrors(process);
        const isPending = !!kernel && pending.has(kernel.kernel_id);
        return (
          <tr
            key={`${process.pid ?? 'none'}-${process.tag}-${index}`}
            data-pid={process.pid ?? undefined}
          >
            <td title={process.command ?? undefined}>{process.pid ?? '—'}</td>
            <td>
              <code>{process.tag}</code>
            </td>
            <td className="jp-Neuron-ProcessTable-notebook">
              <NotebookCell
                process={process}
                trans={trans}
                openNotebook={actions.openNotebook}
              />
            </td>
            <td>{formatCoreList(process.cores) || '—'}</td>
            <td className="jp-Neuron-Number">
              {formatPercent(process.utilization, locale)}
            </td>
            <td className="jp-Neuron-Number">
              {formatBytes(process.host_bytes, locale)}
            </td>
            <td className="jp-Neuron-Number">
              {formatBytes(process.device_bytes, locale)}
            </td>
            <td className="jp-Neuron-Number">
              {formatLatency(process.latency.total, 'p50', locale)}
              {' / '}
              {formatLatency(process.latency.total, 'p99', locale)}
            </td>
            <td
              className={
                errors.count > 0
                  ? 'jp-Neuron-Number jp-Neuron-ErrorCount'
                  : 'jp-Neuron-Number'
              }
              title={errors.messages.join('\n') || undefined}
            >
              {errors.count}
            </td>
            <td>
              {kernel && actions.shutdownKernel && (
                <button
                  type="button"
                  className="jp-Button jp-mod-styled jp-mod-warn jp-Neuron-ShutdownButton"
                  disabled={isPending}
                  onClick={() => void shutDown(process)}
                >
                  {isPending
                    ? trans.__('Shutting down…')
                    : trans.__('Shut down kernel')}
                </button>
              )}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

function NotebookCell(props: {
  process: MonitorAPI.MonitorProcess;
  trans: TranslationBundle;
  openNotebook?: (path: string) => void;
}): JSX.Element {
  const { process, trans, openNotebook } = props;
  const kernel = process.kernel;
  if (!kernel) {
    return (
      <span className="jp-Neuron-Muted">
        {trans.__('Not a Jupyter kernel')}
      </span>
    );
  }
  const path = kernel.notebook_path;
  const child =
    kernel.relation === 'descendant' ? (
      <span
        className="jp-Neuron-Muted"
        title={trans.__(
          'Started by the kernel (process %1)',
          kernel.kernel_pid
        )}
      >
        {' '}
        {trans.__('(child process)')}
      </span>
    ) : null;
  if (!path) {
    return (
      <span title={kernel.kernel_id}>
        {trans.__(
          'Kernel %1',
          kernel.kernel_name ?? kernel.kernel_id.slice(0, 8)
        )}
        {child}
      </span>
    );
  }
  return (
    <span>
      {openNotebook ? (
        <button
          type="button"
          className="jp-Neuron-LinkButton"
          title={path}
          onClick={() => openNotebook(path)}
        >
          {notebookName(path)}
        </button>
      ) : (
        <span title={path}>{notebookName(path)}</span>
      )}
      {child}
    </span>
  );
}
