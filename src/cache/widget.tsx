/**
 * The main-area widget of the compile-cache view.
 */

import { MainAreaWidget } from '@jupyterlab/apputils';
import React from 'react';

import { VisibilityWidget, followLanguage, neuronIcon } from '../components';
import type { INeuronCompileCache, INeuronI18n } from '../tokens';
import { CacheView } from './view';
import { CacheEntryListModel } from './entries';

/**
 * The content of the cache view: owns its entry list and tells it when it
 * is on screen, so nothing is fetched for a hidden tab.
 */
export class CacheViewContent extends VisibilityWidget {
  constructor(options: CacheViewWidget.IOptions) {
    super();
    this._i18n = options.i18n;
    this.list = new CacheEntryListModel({
      cache: options.cache,
      translator: options.i18n,
      blockSize: options.blockSize,
      viewer: 'main-area'
    });
    this.addClass('jp-Neuron-CacheViewContent');
    followLanguage(this, this._i18n);
  }

  /**
   * The entry list shown.
   */
  readonly list: CacheEntryListModel;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.list.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <CacheView list={this.list} translator={this._i18n} />;
  }

  protected onVisibilityChanged(visible: boolean): void {
    this.list.setVisible(visible);
  }

  private _i18n: INeuronI18n;
}

/**
 * The compile-cache view as a main-area tab.
 */
export class CacheViewWidget extends MainAreaWidget<CacheViewContent> {
  constructor(options: CacheViewWidget.IOptions) {
    super({ content: new CacheViewContent(options) });
    this.id = CacheViewWidget.ID;
    this.addClass('jp-Neuron-CacheViewWidget');
    this.title.icon = neuronIcon;
    this.title.closable = true;
    followLanguage(this, options.i18n, () => this._showTitle(options.i18n));
  }

  private _showTitle(i18n: INeuronI18n): void {
    const trans = i18n.trans;
    this.title.label = trans.__('Compile cache');
    this.title.caption = trans.__(
      'Neuron compile caches: entries and cleaning'
    );
  }
}

/**
 * The namespace for `CacheViewWidget` statics.
 */
export namespace CacheViewWidget {
  /**
   * The widget id (one cache view at a time).
   */
  export const ID = 'jupyterlab-neuron:compile-cache';

  /**
   * Construction options.
   */
  export interface IOptions {
    /** The compile-cache model. */
    cache: INeuronCompileCache;
    /** The panel's language service. */
    i18n: INeuronI18n;
    /** Entries fetched per request. */
    blockSize?: number;
  }
}
