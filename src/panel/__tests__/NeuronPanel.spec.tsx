import { AccordionPanel, Widget } from '@lumino/widgets';
import React from 'react';

import { neuronIcon } from '../../components';
import { NeuronI18n } from '../../i18n';
import { NeuronPanel } from '../NeuronPanel';

function createSection(visibility: boolean[]): NeuronPanel.ISection {
  return {
    id: 'sample',
    label: trans => trans.__('Environment'),
    render: () => <p>section body</p>,
    setVisible: visible => visibility.push(visible)
  };
}

describe('NeuronPanel', () => {
  let i18n: NeuronI18n;
  let panel: NeuronPanel;
  let visibility: boolean[];

  beforeEach(() => {
    i18n = new NeuronI18n({ setting: 'en' });
    panel = new NeuronPanel({ i18n });
    visibility = [];
    panel.addSection(createSection(visibility));
  });

  afterEach(() => {
    panel.dispose();
  });

  it('is the left sidebar widget with its own icon', () => {
    expect(panel.id).toBe('jupyterlab-neuron:panel');
    expect(panel.title.icon).toBe(neuronIcon);
    expect(panel.title.caption).toBe('AWS Neuron');
    expect(panel.sections).toHaveLength(1);
    expect(panel.widgets[0].title.label).toBe('Environment');
  });

  it('tells a section when its body is shown or hidden', () => {
    expect(visibility).toEqual([]);
    Widget.attach(panel, document.body);
    expect(visibility).toEqual([true]);

    panel.hide();
    expect(visibility).toEqual([true, false]);
    panel.show();
    expect(visibility).toEqual([true, false, true]);

    // Folding the section in the accordion hides it too.
    (panel.content as AccordionPanel).collapse(0);
    expect(visibility).toEqual([true, false, true, false]);
    (panel.content as AccordionPanel).expand(0);
    expect(visibility).toEqual([true, false, true, false, true]);

    Widget.detach(panel);
    expect(visibility).toEqual([true, false, true, false, true, false]);
  });

  it('says nothing for a panel attached while hidden', () => {
    panel.hide();
    Widget.attach(panel, document.body);
    expect(visibility).toEqual([]);
    panel.show();
    expect(visibility).toEqual([true]);
  });

  it('follows the language', () => {
    i18n.setting = 'ja';
    expect(panel.widgets[0].title.label).toBe('環境');
    expect(panel.title.caption).toBe('AWS Neuron');
    i18n.setting = 'en';
    expect(panel.widgets[0].title.label).toBe('Environment');
  });

  it('makes adding a section one call', () => {
    const more: boolean[] = [];
    panel.addSection({ ...createSection(more), id: 'second' });
    Widget.attach(panel, document.body);
    expect(panel.widgets.map(widget => widget.id)).toEqual([
      'jp-Neuron-section-sample',
      'jp-Neuron-section-second'
    ]);
    expect(more).toEqual([true]);
  });

  it('orders the sections by rank, equal ranks and unranked ones as added', () => {
    const ranked = new NeuronPanel({ i18n });
    const section = (id: string): NeuronPanel.ISection => ({
      id,
      label: () => id,
      render: () => <p>{id}</p>
    });
    ranked.addSection(section('cluster'), { rank: 600 });
    ranked.addSection(section('unranked'));
    ranked.addSection(section('cache'), { rank: 200 });
    ranked.addSection(section('environment'), { rank: 100 });
    ranked.addSection(section('also-200'), { rank: 200 });
    expect(ranked.sections.map(s => s.id)).toEqual([
      'environment',
      'cache',
      'also-200',
      'cluster',
      'unranked'
    ]);
    expect(ranked.widgets.map(widget => widget.title.label)).toEqual([
      'environment',
      'cache',
      'also-200',
      'cluster',
      'unranked'
    ]);
    ranked.dispose();
  });
});
