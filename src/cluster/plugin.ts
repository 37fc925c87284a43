/**
 * The cluster view plugin: its model, the main-area view with its command,
 * launcher card and palette item, and the sidebar's one-line section when
 * the server reads a Prometheus.
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';

import { addMainAreaView } from '../mainAreaView';
import {
  CommandIDs,
  INeuronCluster,
  INeuronI18n,
  INeuronPanel
} from '../tokens';
import { ClusterViewWidget } from './ClusterView';
import { ClusterModel } from './model';
import { createClusterSection } from './section';

export const clusterPlugin: JupyterFrontEndPlugin<INeuronCluster> = {
  id: 'jupyterlab-neuron:cluster',
  description:
    'Provides the cluster view: a nodes x NeuronCores heat map read from Prometheus.',
  autoStart: true,
  provides: INeuronCluster,
  requires: [INeuronI18n],
  optional: [ICommandPalette, ILauncher, ILayoutRestorer, INeuronPanel],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    restorer: ILayoutRestorer | null,
    sidebar: INeuronPanel | null
  ): INeuronCluster => {
    const model = new ClusterModel({
      serverSettings: app.serviceManager.serverSettings,
      i18n
    });
    addMainAreaView({
      app,
      command: CommandIDs.openCluster,
      namespace: 'jupyterlab-neuron-cluster',
      restoreName: 'cluster',
      label: () => i18n.trans.__('Open Neuron Cluster View'),
      launcherLabel: () => i18n.trans.__('Neuron Cluster'),
      caption: () =>
        i18n.trans.__(
          'NeuronCore utilization of every node, from the Prometheus that scrapes them'
        ),
      create: () => new ClusterViewWidget({ model, i18n }),
      i18n,
      rank: 40,
      palette,
      launcher,
      restorer
    });
    if (sidebar) {
      // Only when the server reads a Prometheus (prometheus_url is set).
      void model.isConfigured().then(configured => {
        if (configured && !sidebar.isDisposed) {
          sidebar.addSection(createClusterSection(model, i18n, app.commands), {
            rank: 600
          });
        }
      });
    }
    return model;
  }
};
