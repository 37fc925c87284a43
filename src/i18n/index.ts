/**
 * The language of jupyterlab-neuron: the `language` setting, the translator
 * that shows Japanese without a JupyterLab language pack, and its plugin.
 */

export * from './plugin';
export * from './translator';
