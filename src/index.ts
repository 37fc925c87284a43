/**
 * The plugins of jupyterlab-neuron: wiring only, each capability's plugin
 * lives in its folder (`src/<capability>/plugin.ts`).
 */

import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { cachePlugin } from './cache/plugin';
import { clusterPlugin } from './cluster/plugin';
import { coresPlugin } from './cores/plugin';
import { environmentPlugin } from './environment/plugin';
import { i18nPlugin } from './i18n/plugin';
import { monitorPlugin } from './monitor/plugin';
import { panelPlugin } from './panel/plugin';
import { templatesPlugin } from './templates/plugin';
import { tutorialPlugin } from './tutorial/plugin';

export * from './api';
export * from './tokens';

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
