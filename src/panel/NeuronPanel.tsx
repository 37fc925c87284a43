/**
 * The Neuron sidebar: one accordion section per capability.
 */

import { ReactWidget, SidePanel } from '@jupyterlab/ui-components';
import React from 'react';

import { VisibilityWidget, followLanguage, neuronIcon } from '../components';
import type { INeuronI18n, INeuronPanel, INeuronPanelSection } from '../tokens';

/**
 * The Neuron sidebar.
 *
 * Sections are added with {@link NeuronPanel.addSection}, in rank order. Each section is
 * told when its body is on screen (sidebar shown and section expanded), so
 * its model fetches nothing otherwise. Labels follow the panel's language.
 */
export class NeuronPanel extends SidePanel implements INeuronPanel {
  constructor(options: NeuronPanel.IOptions) {
    super({ translator: options.i18n });
    this._i18n = options.i18n;
    this.id = NeuronPanel.ID;
    this.addClass('jp-Neuron-Panel');
    this.title.icon = neuronIcon;
    this.header.addWidget(new PanelHeading(this._i18n));
    followLanguage(this, this._i18n, () => {
      this.title.caption = this._i18n.trans.__('AWS Neuron');
    });
  }

  /**
   * The sections, in the sidebar's order.
   */
  get sections(): ReadonlyArray<NeuronPanel.ISection> {
    return this._sections.map(added => added.section);
  }

  /**
   * Add a section after those of a lower or equal rank (default: at the end).
   */
  addSection(
    section: NeuronPanel.ISection,
    options: { rank?: number } = {}
  ): void {
    const rank = options.rank ?? Infinity;
    let index = this._sections.findIndex(added => added.rank > rank);
    if (index < 0) {
      index = this._sections.length;
    }
    this._sections.splice(index, 0, { section, rank });
    this.insertWidget(index, new SectionWidget(section, this._i18n));
  }

  private _i18n: INeuronI18n;
  private _sections: { section: NeuronPanel.ISection; rank: number }[] = [];
}

/**
 * The namespace for `NeuronPanel` statics.
 */
export namespace NeuronPanel {
  /**
   * The widget id of the sidebar (also its layout-restorer name).
   */
  export const ID = 'jupyterlab-neuron:panel';

  /**
   * Construction options.
   */
  export interface IOptions {
    /** The panel's language service. */
    i18n: INeuronI18n;
  }

  /**
   * One section of the sidebar, provided by a capability.
   */
  export type ISection = INeuronPanelSection;
}

/**
 * The heading at the top of the sidebar.
 */
class PanelHeading extends ReactWidget {
  constructor(i18n: INeuronI18n) {
    super();
    this._i18n = i18n;
    this.addClass('jp-Neuron-Panel-heading');
    followLanguage(this, i18n);
  }

  protected render(): JSX.Element {
    const trans = this._i18n.trans;
    return <h2 className="jp-Neuron-Panel-title">{trans.__('AWS Neuron')}</h2>;
  }

  private _i18n: INeuronI18n;
}

/**
 * The widget of one section: re-renders on language changes and reports its
 * visibility to the section.
 */
class SectionWidget extends VisibilityWidget {
  constructor(section: NeuronPanel.ISection, i18n: INeuronI18n) {
    super();
    this._section = section;
    this.id = `jp-Neuron-section-${section.id}`;
    this.addClass('jp-Neuron-PanelSection');
    followLanguage(this, i18n, () => {
      this.title.label = section.label(i18n.trans);
      this.update();
    });
  }

  protected render(): React.ReactElement {
    return this._section.render();
  }

  protected onVisibilityChanged(visible: boolean): void {
    this._section.setVisible?.(visible);
  }

  private _section: NeuronPanel.ISection;
}
