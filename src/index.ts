/**
 * The plugins of jupyterlab-neuron: wiring only, the work lives in the
 * capability folders.
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  ISessionContext,
  ISessionContextDialogs
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import {
  CacheModel,
  CacheViewWidget,
  createCompileCacheSection
} from './cache';
import {
  clusterPlugin,
  ClusterModel,
  createClusterSection,
  INeuronCluster
} from './cluster';
import {
  coresPlugin,
  CoresModel,
  createCoresSection,
  INeuronCores
} from './cores';
import { addCategoryItems } from './categoryItems';
import { neuronIcon } from './components';
import { EnvironmentModel, createEnvironmentSection } from './environment';
import { NeuronI18n, toLanguageSetting } from './i18n';
import {
  MonitorDashboard,
  MonitorModel,
  MonitorStatusItem,
  createMonitorSection
} from './monitor';
import { NeuronPanel } from './panel';
import { addMainAreaView } from './mainAreaView';
import { followSettings } from './settings';
import {
  TemplatesModel,
  addTemplateCommands,
  createTemplatesSection
} from './templates';
import {
  DiagnosisActions,
  IOfferPreferences,
  MAX_REMEMBERED_OFFERS,
  TutorialGuidePanel,
  TutorialManager,
  offerTutorial
} from './tutorial';
import {
  CommandIDs,
  INeuronCompileCache,
  INeuronEnvironment,
  INeuronI18n,
  INeuronMonitor,
  INeuronTemplates
} from './tokens';

export * from './api';
export * from './tokens';

/**
 * The language setting and translator (schema/plugin.json).
 */
const i18nPlugin: JupyterFrontEndPlugin<INeuronI18n> = {
  id: 'jupyterlab-neuron:plugin',
  description:
    'Provides the language of jupyterlab-neuron (works without a JupyterLab language pack).',
  autoStart: true,
  provides: INeuronI18n,
  optional: [ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): INeuronI18n => {
    const i18n = new NeuronI18n({
      appTranslator: translator,
      navigatorLanguages:
        typeof navigator !== 'undefined' ? navigator.languages : []
    });
    followSettings(settingRegistry, i18nPlugin.id, settings => {
      i18n.setting = toLanguageSetting(settings.get('language').composite);
    });
    return i18n;
  }
};

/**
 * The environment model (schema/environment.json).
 */
const environmentPlugin: JupyterFrontEndPlugin<INeuronEnvironment> = {
  id: 'jupyterlab-neuron:environment',
  description:
    'Provides the Neuron environment (instance, devices, NeuronCores, SDK packages, compile cache).',
  autoStart: true,
  provides: INeuronEnvironment,
  requires: [INeuronI18n],
  optional: [ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    settingRegistry: ISettingRegistry | null
  ): INeuronEnvironment => {
    const model = new EnvironmentModel({
      serverSettings: app.serviceManager.serverSettings,
      i18n
    });
    followSettings(settingRegistry, environmentPlugin.id, settings => {
      const seconds = Number(settings.get('refreshInterval').composite);
      if (Number.isFinite(seconds) && seconds > 0) {
        model.interval = seconds * 1000;
      }
    });
    return model;
  }
};

/**
 * The compile caches: the model, the cache view and its commands
 * (schema/cache.json).
 */
const cachePlugin: JupyterFrontEndPlugin<INeuronCompileCache> = {
  id: 'jupyterlab-neuron:cache',
  description:
    'Provides the Neuron compile caches (status, entries, cleaning) and the compile cache view.',
  autoStart: true,
  provides: INeuronCompileCache,
  requires: [INeuronI18n],
  optional: [ISettingRegistry, ICommandPalette, ILauncher, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    restorer: ILayoutRestorer | null
  ): INeuronCompileCache => {
    const model = new CacheModel({
      serverSettings: app.serviceManager.serverSettings,
      i18n
    });
    let blockSize: number | undefined;
    followSettings(settingRegistry, cachePlugin.id, settings => {
      const value = (key: string) => Number(settings.get(key).composite);
      if (value('refreshInterval') > 0) {
        model.interval = value('refreshInterval') * 1000;
      }
      model.freeDiskThreshold = {
        bytes: value('freeDiskWarningGiB') * 1024 ** 3,
        percent: value('freeDiskWarningPercent')
      };
      blockSize = value('pageSize') || undefined;
    });

    const { commands } = app;
    addMainAreaView({
      app,
      command: CommandIDs.openCompileCache,
      namespace: 'jupyterlab-neuron-compile-cache',
      restoreName: 'compile-cache',
      label: isLauncher =>
        isLauncher
          ? i18n.trans.__('Compile Cache')
          : i18n.trans.__('Open Compile Cache View'),
      caption: () =>
        i18n.trans.__('List, inspect and clean the Neuron compile caches'),
      create: () => new CacheViewWidget({ cache: model, i18n, blockSize }),
      i18n,
      rank: 20,
      palette,
      launcher,
      restorer
    });
    commands.addCommand(CommandIDs.refreshCompileCache, {
      label: () => i18n.trans.__('Rescan Compile Caches'),
      caption: () => i18n.trans.__('Scan the compile caches again now'),
      execute: async () => {
        // A hidden model fetches nothing: show the view first.
        if (!model.isVisible) {
          await commands.execute(CommandIDs.openCompileCache);
        }
        await model.refresh();
      }
    });
    addCategoryItems(i18n, { palette }, () => [
      { palette: { command: CommandIDs.refreshCompileCache } }
    ]);
    return model;
  }
};

/**
 * The NeuronCore monitor: the model, the dashboard, the status bar item and
 * their commands (schema/monitor.json).
 */
const monitorPlugin: JupyterFrontEndPlugin<INeuronMonitor> = {
  id: 'jupyterlab-neuron:monitor',
  description:
    'Provides the live NeuronCore monitor, its dashboard and its status bar item.',
  autoStart: true,
  provides: INeuronMonitor,
  requires: [INeuronI18n],
  optional: [
    ISettingRegistry,
    ICommandPalette,
    ILauncher,
    ILayoutRestorer,
    IStatusBar,
    INeuronCores
  ],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    restorer: ILayoutRestorer | null,
    statusBar: IStatusBar | null,
    cores: CoresModel | null
  ): INeuronMonitor => {
    const model = new MonitorModel({
      serverSettings: app.serviceManager.serverSettings,
      i18n
    });
    let range: number | undefined;
    let showStatusBar = true;
    const statusBarChanged = new Signal<INeuronMonitor, void>(model);
    followSettings(settingRegistry, monitorPlugin.id, settings => {
      const value = (key: string) => settings.get(key).composite;
      model.updatePeriod = Number(value('updatePeriod')) * 1000;
      model.historyLength = Number(value('historyLength'));
      range = Number(value('timeRange'));
      showStatusBar = value('showStatusBar') !== false;
      statusBarChanged.emit();
    });

    const { commands } = app;
    addMainAreaView({
      app,
      command: CommandIDs.openMonitorDashboard,
      namespace: 'jupyterlab-neuron-monitor',
      restoreName: 'monitor-dashboard',
      label: isLauncher =>
        isLauncher
          ? i18n.trans.__('NeuronCore Dashboard')
          : i18n.trans.__('Open NeuronCore Dashboard'),
      caption: () =>
        i18n.trans.__(
          'NeuronCore utilization, memory and processes (neuron-monitor)'
        ),
      create: () =>
        new MonitorDashboard({
          model,
          i18n,
          range,
          cores,
          actions: {
            shutdownKernel: id => app.serviceManager.kernels.shutdown(id),
            openNotebook: path =>
              void commands.execute('docmanager:open', { path })
          }
        }),
      i18n,
      rank: 10,
      palette,
      launcher,
      restorer
    });
    commands.addCommand(CommandIDs.restartMonitor, {
      label: () => i18n.trans.__('Restart neuron-monitor'),
      caption: () =>
        i18n.trans.__("Start the server's neuron-monitor again now"),
      execute: () => model.restart()
    });
    addCategoryItems(i18n, { palette }, () => [
      { palette: { command: CommandIDs.restartMonitor } }
    ]);

    statusBar?.registerStatusItem('jupyterlab-neuron:monitor-status', {
      item: new MonitorStatusItem({
        model,
        i18n,
        onClick: () => void commands.execute(CommandIDs.openMonitorDashboard)
      }),
      align: 'left',
      rank: 900,
      isActive: () => showStatusBar,
      activeStateChanged: statusBarChanged
    });
    return model;
  }
};

/**
 * The notebook templates (BERT-ja, ViT...): the service, its commands, and
 * a launcher item per template.
 */
const templatesPlugin: JupyterFrontEndPlugin<INeuronTemplates> = {
  id: 'jupyterlab-neuron:templates',
  description:
    'Provides the Neuron notebook templates: preview, insertion into notebooks, new notebooks.',
  autoStart: true,
  provides: INeuronTemplates,
  requires: [INeuronI18n],
  optional: [INotebookTracker, ILauncher, ICommandPalette, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    tracker: INotebookTracker | null,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    fileBrowser: IDefaultFileBrowser | null
  ): INeuronTemplates => {
    const { serviceManager } = app;
    const templates = new TemplatesModel({
      serverSettings: serviceManager.serverSettings,
      i18n,
      notebooks: {
        tracker,
        commands: app.commands,
        contents: serviceManager.contents,
        kernelspecs: serviceManager.kernelspecs,
        activate: widget => app.shell.activateById(widget.id),
        defaultCwd: fileBrowser ? () => fileBrowser.model.path : undefined
      }
    });
    addTemplateCommands({
      commands: app.commands,
      templates,
      i18n,
      showPanel: () => app.shell.activateById(NeuronPanel.ID),
      launcher,
      palette
    });
    // The launcher items need the list; not awaited.
    if (launcher || palette) {
      void templates.ensureList();
    }
    return templates;
  }
};

/**
 * The Neuron sidebar and its commands.
 */
const panelPlugin: JupyterFrontEndPlugin<void> = {
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
    cluster: ClusterModel | null,
    cores: CoresModel | null
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

    const { commands } = app;
    commands.addCommand(CommandIDs.openPanel, {
      label: () => i18n.trans.__('Open Neuron Panel'),
      caption: () => i18n.trans.__('Show the AWS Neuron sidebar'),
      icon: args => (args.isPalette ? undefined : neuronIcon),
      execute: () => {
        app.shell.activateById(panel.id);
      }
    });
    commands.addCommand(CommandIDs.refreshEnvironment, {
      label: () => i18n.trans.__('Refresh Neuron Environment'),
      caption: () =>
        i18n.trans.__('Run the Neuron tools again and reload the environment'),
      execute: async () => {
        // Showing the panel first: a hidden model fetches nothing.
        app.shell.activateById(panel.id);
        await environment.refresh();
      }
    });

    addCategoryItems(i18n, { palette }, () => [
      { palette: { command: CommandIDs.openPanel } },
      { palette: { command: CommandIDs.refreshEnvironment } }
    ]);
  }
};

/**
 * The tutorial mode: the guide in the right sidebar, its command, and the
 * offer made when a template notebook is opened (schema/tutorial.json).
 */
const tutorialPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-neuron:tutorial',
  description:
    'Adds the tutorial mode: a guide that follows a notebook step by step, checks each step and explains Neuron errors.',
  autoStart: true,
  requires: [INeuronI18n, INotebookTracker],
  optional: [
    ISettingRegistry,
    ILayoutRestorer,
    ICommandPalette,
    IRenderMimeRegistry,
    ISessionContextDialogs,
    INeuronMonitor,
    INeuronCompileCache,
    INeuronTemplates
  ],
  activate: (
    app: JupyterFrontEnd,
    i18n: INeuronI18n,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    rendermime: IRenderMimeRegistry | null,
    sessionDialogs: ISessionContext.IDialogs | null,
    monitor: INeuronMonitor | null,
    cache: INeuronCompileCache | null,
    templates: INeuronTemplates | null
  ): void => {
    const { commands, serviceManager } = app;
    let settings: ISettingRegistry.ISettings | null = null;
    const manager = new TutorialManager({
      tracker,
      i18n,
      monitor,
      templates,
      serverSettings: serviceManager.serverSettings,
      contents: serviceManager.contents,
      sessionDialogs,
      save: async panel => {
        if (settings?.get('saveProgress').composite !== false) {
          await panel.context.save();
        }
      },
      runOnNext: {
        get: () => settings?.get('runOnNext').composite !== false,
        set: value => {
          settings?.set('runOnNext', value).catch(reason => {
            console.error(
              'jupyterlab-neuron: could not save a setting',
              reason
            );
          });
        }
      }
    });
    const actions = new DiagnosisActions({
      i18n,
      monitor,
      cache,
      commands,
      kernels: serviceManager.kernels,
      kernelspecs: serviceManager.kernelspecs
    });
    const guide = new TutorialGuidePanel({
      manager,
      i18n,
      rendermime,
      actions
    });
    app.shell.add(guide, 'right', { rank: 650 });
    restorer?.add(guide, TutorialGuidePanel.ID);

    const startAndShow = async (panel: NotebookPanel) => {
      await manager.start(panel);
      app.shell.activateById(guide.id);
    };

    // Offers wait for the settings: "Don't show again" must be known first.
    const settingsLoaded = settingRegistry
      ? settingRegistry
          .load(tutorialPlugin.id)
          .then(loaded => {
            settings = loaded;
            loaded.changed.connect(() => manager.preferencesChanged());
            manager.preferencesChanged();
          })
          .catch(reason => {
            console.error('jupyterlab-neuron: could not load settings', reason);
          })
      : Promise.resolve();
    const offered: string[] = [];
    const preferences: IOfferPreferences = {
      get enabled() {
        return settings?.get('offerTutorial').composite !== false;
      },
      get offered() {
        const stored = settings?.get('offeredNotebooks').composite;
        return Array.isArray(stored) ? (stored as string[]) : offered;
      },
      disable: async () => {
        await settings?.set('offerTutorial', false);
      },
      remember: async path => {
        const next = [...preferences.offered.filter(p => p !== path), path];
        offered.splice(0, offered.length, ...next);
        await settings?.set(
          'offeredNotebooks',
          next.slice(-MAX_REMEMBERED_OFFERS)
        );
      }
    };
    manager.templateNotebookOpened.connect((_, panel) => {
      void settingsLoaded.then(() => {
        if (!panel.isDisposed && !manager.isActive(panel)) {
          offerTutorial({
            panel,
            i18n,
            preferences,
            start: () => void startAndShow(panel)
          });
        }
      });
    });

    commands.addCommand(CommandIDs.toggleTutorial, {
      label: () => i18n.trans.__('Tutorial Mode'),
      caption: () =>
        i18n.trans.__(
          'Follow this notebook step by step with the tutorial guide'
        ),
      isEnabled: () => tracker.currentWidget !== null,
      isToggled: () => manager.isActive(tracker.currentWidget),
      execute: async () => {
        const panel = tracker.currentWidget;
        if (!panel) {
          return;
        }
        if (manager.isActive(panel)) {
          manager.stop(panel);
        } else {
          await startAndShow(panel);
        }
      }
    });
    commands.addCommand(CommandIDs.openTutorialGuide, {
      label: () => i18n.trans.__('Open Tutorial Guide'),
      caption: () =>
        i18n.trans.__('Show the tutorial guide in the right sidebar'),
      execute: () => {
        app.shell.activateById(guide.id);
      }
    });
    manager.changed.connect(() => {
      commands.notifyCommandChanged(CommandIDs.toggleTutorial);
    });
    addCategoryItems(i18n, { palette }, () => [
      { palette: { command: CommandIDs.toggleTutorial } },
      { palette: { command: CommandIDs.openTutorialGuide } }
    ]);
  }
};

const plugins: JupyterFrontEndPlugin<any>[] = [
  i18nPlugin,
  environmentPlugin,
  cachePlugin,
  monitorPlugin,
  templatesPlugin,
  panelPlugin,
  tutorialPlugin,
  clusterPlugin,
  coresPlugin
];

export default plugins;
