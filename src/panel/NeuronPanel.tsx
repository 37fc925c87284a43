/**
 * The Neuron sidebar: one accordion section per capability.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, SidePanel } from '@jupyterlab/ui-components';
import React from 'react';

import { VisibilityWidget, followLanguage, neuronIcon } from '../components';
import type { INeuronI18n } from '../tokens';

/**
 * The Neuron sidebar.
 *
 * Sections are added with {@link NeuronPanel.addSection}. Each section is
 * told when its body is on screen (sidebar shown and section expanded), so
 * its model fetches nothing otherwise. Labels follow the panel's language.
 */
export class NeuronPanel extends SidePanel {
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
   * The sections, in the order they were added.
   */
  get sections(): ReadonlyArray<NeuronPanel.ISection> {
    return this._sections;
  }

  /**
   * Add a section at the end of the sidebar.
   */
  addSection(section: NeuronPanel.ISection): void {
    this._sections.push(section);
    this.addWidget(new SectionWidget(section, this._i18n));
  }

  private _i18n: INeuronI18n;
  private _sections: NeuronPanel.ISection[] = [];
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
  export interface ISection {
    /** A short stable name, used in the DOM id (`jp-Neuron-section-<id>`). */
    id: string;
    /** The translated header label, asked again when the language changes. */
    label: (trans: TranslationBundle) => string;
    /** Render the section body (re-rendered when the language changes). */
    render: () => React.ReactElement;
    /** Told whether the body is on screen, so models pause when it is not. */
    setVisible?: (visible: boolean) => void;
  }
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
