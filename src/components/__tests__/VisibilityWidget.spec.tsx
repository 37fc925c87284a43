import { Widget } from '@lumino/widgets';
import React from 'react';

import { IViewedModel, VisibilityWidget } from '../VisibilityWidget';

class Probe extends VisibilityWidget {
  reports: boolean[] = [];

  protected render(): JSX.Element {
    return <span>probe</span>;
  }

  protected onVisibilityChanged(visible: boolean): void {
    this.reports.push(visible);
  }
}

describe('VisibilityWidget', () => {
  it('reports each appearance and disappearance once', () => {
    const probe = new Probe();
    expect(probe.isShown).toBe(false);
    Widget.attach(probe, document.body);
    expect(probe.reports).toEqual([true]);
    probe.hide();
    probe.hide();
    probe.show();
    expect(probe.reports).toEqual([true, false, true]);
    expect(probe.isShown).toBe(true);
    Widget.detach(probe);
    expect(probe.reports).toEqual([true, false, true, false]);
    probe.dispose();
    expect(probe.reports).toEqual([true, false, true, false]);
  });

  it('is not shown when attached hidden, and reports hidden when disposed', () => {
    const probe = new Probe();
    probe.hide();
    Widget.attach(probe, document.body);
    expect(probe.reports).toEqual([]);
    probe.show();
    probe.dispose();
    expect(probe.reports).toEqual([true, false]);
  });

  it('tells the models it shows, under its viewer name, and hides them when disposed', () => {
    const told: string[] = [];
    const model = (name: string): IViewedModel => ({
      setVisible: (visible, viewer) => told.push(`${name} ${viewer} ${visible}`)
    });
    class View extends VisibilityWidget {
      constructor() {
        super();
        this.showsModels('dashboard-1', model('monitor'), null, model('cores'));
      }
      protected render(): JSX.Element {
        return <span>view</span>;
      }
    }
    const view = new View();
    Widget.attach(view, document.body);
    view.hide();
    expect(told).toEqual([
      'monitor dashboard-1 true',
      'cores dashboard-1 true',
      'monitor dashboard-1 false',
      'cores dashboard-1 false'
    ]);
    view.show();
    view.dispose();
    expect(told.slice(4)).toEqual([
      'monitor dashboard-1 true',
      'cores dashboard-1 true',
      'monitor dashboard-1 false',
      'cores dashboard-1 false'
    ]);
  });
});
