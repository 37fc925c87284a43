/**
 * The tutorial guide in the right sidebar: it follows the current notebook.
 */

import type { NotebookPanel } from '@jupyterlab/notebook';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Button } from '@jupyterlab/ui-components';
import React from 'react';

import {
  Notice,
  VisibilityWidget,
  followLanguage,
  neuronIcon
} from '../components';
import type { INeuronI18n } from '../tokens';
import type { IDiagnosisActions } from './actions';
import { GuideView } from './GuideView';
import { TutorialManager, notebookName } from './manager';

/**
 * The sidebar widget of the tutorial guide. Its view knows whether it is on
 * screen (a hidden guide's checks watch nothing they do not need).
 */
export class TutorialGuidePanel extends VisibilityWidget {
  constructor(options: TutorialGuidePanel.IOptions) {
    super();
    this._manager = options.manager;
    this._i18n = options.i18n;
    this._rendermime = options.rendermime;
    this._actions = options.actions;
    this.id = TutorialGuidePanel.ID;
    this.addClass('jp-Neuron-GuidePanel');
    this.title.icon = neuronIcon;
    this._manager.changed.connect(this.update, this);
    followLanguage(this, this._i18n, () => {
      this.title.caption = this._i18n.trans.__('Tutorial Guide');
      this.update();
    });
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._manager.changed.disconnect(this.update, this);
    super.dispose();
  }

  protected onVisibilityChanged(): void {
    this.update();
  }

  protected render(): JSX.Element {
    const trans = this._i18n.trans;
    const panel = this._manager.currentPanel;
    const session = this._manager.sessionFor(panel);
    return (
      <div className="jp-Neuron-GuidePanel-body">
        <h2 className="jp-Neuron-Panel-title">{trans.__('Tutorial Guide')}</h2>
        {session && panel ? (
          <GuideView
            key={panel.id}
            model={session}
            translator={this._i18n}
            rendermime={this._rendermime}
            actions={this._actions}
            visible={this.isShown}
            onStop={() => this._manager.stop(panel)}
          />
        ) : (
          <Idle
            panel={panel}
            i18n={this._i18n}
            onStart={() => panel && void this._manager.start(panel)}
          />
        )}
      </div>
    );
  }

  private _manager: TutorialManager;
  private _i18n: INeuronI18n;
  private _rendermime: IRenderMimeRegistry | null;
  private _actions: IDiagnosisActions | null;
}

/**
 * The namespace for `TutorialGuidePanel` statics.
 */
export namespace TutorialGuidePanel {
  /**
   * The widget id (also its layout-restorer name).
   */
  export const ID = 'jupyterlab-neuron:tutorial-guide';

  /**
   * Construction options.
   */
  export interface IOptions {
    manager: TutorialManager;
    i18n: INeuronI18n;
    rendermime: IRenderMimeRegistry | null;
    actions: IDiagnosisActions | null;
  }
}

/**
 * What the guide shows without a notebook in tutorial mode.
 */
function Idle(props: {
  panel: NotebookPanel | null;
  i18n: INeuronI18n;
  onStart: () => void;
}): JSX.Element {
  const trans = props.i18n.trans;
  if (!props.panel) {
    return (
      <p className="jp-Neuron-Muted">
        {trans.__(
          'Open a notebook, for example one made from a Neuron template, and the guide leads you through it step by step.'
        )}
      </p>
    );
  }
  return (
    <Notice
      kind="info"
      title={trans.__('Tutorial mode is off for %1', notebookName(props.panel))}
    >
      <p>
        {trans.__(
          'In tutorial mode the guide shows the steps of the notebook, runs them with you, checks that each one worked and explains Neuron errors.'
        )}
      </p>
      <Button
        small
        className="jp-Neuron-Guide-start jp-mod-styled jp-mod-accept"
        onClick={props.onStart}
      >
        {trans.__('Start tutorial mode')}
      </Button>
    </Notice>
  );
}
