/**
 * The Neuron sidebar plugin: the panel composed of the capabilities'
 * sections, and its commands.
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { createCompileCacheSection } from '../cache/section';
import { addPaletteCommands } from '../categoryItems';
import { createClusterSection } from '../cluster/section';
import { neuronIcon } from '../components';
import { createCoresSection } from '../cores/section';
import { createEnvironmentSection } from '../environment/section';
import { createMonitorSection } from '../monitor/section';
import { createTemplatesSection } from '../templates/section';
import {
  CommandIDs,
  INeuronCluster,
  INeuronCompileCache,
  INeuronCores,
  INeuronEnvironment,
  INeuronI18n,
  INeuronMonitor,
  INeuronTemplates
} from '../tokens';
import { NeuronPanel } from './NeuronPanel';

export const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-neuron:panel',
  description: 'Adds the Neuron sidebar and its commands.',
  autoStart: true,
  requires: [INeuronI18n, INeuronEnvironment],
  optional: [
    ILayoutRestorer,
    ICommandPalette,
    INeuronCompileCache,
    INeuronMonitor,
    INeuronTemplates,
    IRenderMimeRegistry,
    INeuronCluster,
    INeuronCores
  ],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    environment: INeuronEnvironment,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    cache: INeuronCompileCache | null,
    monitor: INeuronMonitor | null,
    templates: INeuronTemplates | null,
    rendermime: IRenderMimeRegistry | null,
    cluster: INeuronCluster | null,
    cores: INeuronCores | null
  ): void => {
    const panel = new NeuronPanel({ i18n });
    // One line per capability section.
    panel.addSection(createEnvironmentSection(environment, i18n));
    if (cache) {
      panel.addSection(createCompileCacheSection(cache, i18n, app.commands));
    }
    if (monitor) {
      panel.addSection(
        createMonitorSection(
          monitor,
          i18n,
          () => void app.commands.execute(CommandIDs.openMonitorDashboard)
        )
      );
    }
    if (templates) {
      panel.addSection(
        createTemplatesSection(templates, i18n, environment, rendermime)
      );
    }

    if (cores) {
      panel.addSection(createCoresSection(cores, i18n));
    }

    if (cluster) {
      // Only when the server reads a Prometheus (prometheus_url is set).
      void cluster.isConfigured().then(configured => {
        if (configured && !panel.isDisposed) {
          panel.addSection(createClusterSection(cluster, i18n, app.commands));
        }
      });
    }

    app.shell.add(panel, 'left', { rank: 900 });
    restorer?.add(panel, NeuronPanel.ID);

    addPaletteCommands(app.commands, i18n, palette, {
      [CommandIDs.openPanel]: {
        label: () => i18n.trans.__('Open Neuron Panel'),
        caption: () => i18n.trans.__('Show the AWS Neuron sidebar'),
        icon: args => (args.isPalette ? undefined : neuronIcon),
        execute: () => {
          app.shell.activateById(panel.id);
        }
      },
      [CommandIDs.refreshEnvironment]: {
        label: () => i18n.trans.__('Refresh Neuron Environment'),
        caption: () =>
          i18n.trans.__(
            'Run the Neuron tools again and reload the environment'
          ),
        execute: async () => {
          // Showing the panel first: a hidden model fetches nothing.
          app.shell.activateById(panel.id);
          await environment.refresh();
        }
      }
    });
  }
};
