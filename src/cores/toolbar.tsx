/**
 * The notebook toolbar item: `NC 8–15` for the cores the notebook's kernel
 * holds; clicking it asks for another count, taken at the kernel's restart.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';
import React from 'react';

import { VisibilityWidget, useRerenderOn } from '../components';
import type { INeuronCores, INeuronI18n } from '../tokens';
import { coresLabel } from './model';

/**
 * The item's content; nothing when the kernel holds no cores.
 */
export function CoresToolbarButton(props: {
  model: INeuronCores;
  i18n: INeuronI18n;
  kernelId: () => string | null;
  onClick: () => void;
}): JSX.Element | null {
  const { model, i18n, kernelId, onClick } = props;
  useRerenderOn(model.changed, i18n.changed);
  const lease = model.leaseOf(kernelId());
  if (!lease) {
    return null;
  }
  return (
    <button
      className="jp-ToolbarButtonComponent jp-Neuron-CoresButton"
      title={i18n.trans.__(
        'NEURON_RT_VISIBLE_CORES=%1 for this kernel. Click to change the number of NeuronCores (restart required).',
        lease.visible_cores
      )}
      onClick={onClick}
    >
      {coresLabel(lease)}
    </button>
  );
}

/**
 * Ask for a new count; returns the message to show, or null when cancelled.
 */
export async function askForCount(
  model: INeuronCores,
  i18n: INeuronI18n,
  kernelId: string
): Promise<string | null> {
  const trans = i18n.trans;
  const lease = model.leaseOf(kernelId);
  const total = model.answer?.total ?? 0;
  const body = new Widget();
  const label = document.createElement('label');
  label.textContent = trans.__('NeuronCores for this kernel (1–%1)', total);
  const input = document.createElement('input');
  input.type = 'number';
  input.min = '1';
  input.max = String(total);
  input.value = String(lease?.cores.length ?? 1);
  input.className = 'jp-mod-styled jp-Neuron-CoresInput';
  label.appendChild(input);
  const note = document.createElement('p');
  note.textContent = trans.__(
    'The new number takes effect when the kernel restarts; until then it keeps %1.',
    lease?.visible_cores ?? '-'
  );
  body.node.append(label, note);
  const result = await showDialog({
    title: trans.__('NeuronCores per kernel'),
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Change') })
    ]
  });
  if (!result.button.accept) {
    return null;
  }
  const count = Number(input.value);
  const change = await model.setCount(kernelId, count);
  await model.refresh();
  return change.restart_required
    ? trans.__(
        'Restart the kernel to use %1 NeuronCores (it keeps %2 until then).',
        change.cores,
        change.visible_cores
      )
    : trans.__('The kernel already has %1 NeuronCores.', change.cores);
}

/**
 * The item in one notebook's toolbar: a view of the cores while the notebook
 * is on screen (a notebook in a background tab asks for nothing).
 */
class CoresToolbarItem extends VisibilityWidget {
  constructor(
    private readonly _button: JSX.Element,
    viewer: string,
    model: INeuronCores
  ) {
    super();
    this.addClass('jp-Neuron-CoresToolbarItem');
    this.showsModels(viewer, model);
  }

  protected render(): JSX.Element {
    return this._button;
  }
}

/**
 * The toolbar widget of one notebook panel.
 */
export function createCoresToolbarItem(
  panel: NotebookPanel,
  model: INeuronCores,
  i18n: INeuronI18n
): Widget {
  const kernelId = () => panel.sessionContext.session?.kernel?.id ?? null;
  const onClick = () => {
    const id = kernelId();
    if (!id) {
      return;
    }
    void askForCount(model, i18n, id)
      .then(message => {
        if (message) {
          void showDialog({
            title: i18n.trans.__('NeuronCores per kernel'),
            body: message,
            buttons: [Dialog.okButton({ label: i18n.trans.__('OK') })]
          });
        }
      })
      .catch(reason =>
        showDialog({
          title: i18n.trans.__('NeuronCores per kernel'),
          body: String((reason as Error).message ?? reason),
          buttons: [Dialog.okButton({ label: i18n.trans.__('OK') })]
        })
      );
  };
  const widget = new CoresToolbarItem(
    <CoresToolbarButton
      model={model}
      i18n={i18n}
      kernelId={kernelId}
      onClick={onClick}
    />,
    `toolbar-${panel.id}`,
    model
  );
  // Follow kernel changes and restarts.
  panel.sessionContext.kernelChanged.connect(() => void model.refresh());
  panel.sessionContext.statusChanged.connect((_, status) => {
    if (status === 'idle' || status === 'restarting') {
      void model.refresh();
    }
  });
  return widget;
}
