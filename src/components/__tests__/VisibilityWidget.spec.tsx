import { Widget } from '@lumino/widgets';
import React from 'react';

import { VisibilityWidget } from '../VisibilityWidget';

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
});
