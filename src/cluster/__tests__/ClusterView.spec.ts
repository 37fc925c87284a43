import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { ICluster, IClusterHistory } from '../../api/cluster';
import { settle } from '../../__tests__/waiting';
import { NeuronI18n } from '../../i18n';
import type { INeuronCluster } from '../../tokens';
import { ClusterViewContent, UPDATE_MEASURE } from '../ClusterView';

/**
 * A cluster model the test fills in; it records what its views tell it.
 */
class StubCluster implements INeuronCluster {
  answer: ICluster | null = null;
  error: string | null = null;
  isDisposed = false;
  readonly told: [boolean, string | undefined][] = [];
  readonly changed: Signal<INeuronCluster, void> = new Signal(this);

  get isVisible(): boolean {
    const shown = new Map<string | undefined, boolean>();
    for (const [visible, viewer] of this.told) {
      shown.set(viewer, visible);
    }
    return [...shown.values()].some(visible => visible);
  }

  setVisible(visible: boolean, viewer?: string): void {
    this.told.push([visible, viewer]);
  }

  async refresh(): Promise<void> {
    // Nothing to fetch.
  }

  async isConfigured(): Promise<boolean> {
    return true;
  }

  async history(): Promise<IClusterHistory> {
    return { state: 'ok', utilization: [] } as unknown as IClusterHistory;
  }

  dispose(): void {
    this.isDisposed = true;
  }
}

describe('ClusterViewContent', () => {
  // jsdom has no User Timing nor canvas: record the view's measures instead,
  // and draw no pixels.
  const measures: string[] = [];
  beforeAll(() => {
    jest
      .spyOn(HTMLCanvasElement.prototype, 'getContext')
      .mockImplementation(() => null);
    Object.assign(performance, {
      mark: () => undefined,
      measure: (name: string) => {
        measures.push(name);
      }
    });
  });

  it('is a view of the cluster model only while it is on screen', () => {
    const model = new StubCluster();
    const view = new ClusterViewContent({
      model,
      i18n: new NeuronI18n({ setting: 'en' })
    });
    expect(model.told).toEqual([]);
    Widget.attach(view, document.body);
    expect(model.isVisible).toBe(true);
    const viewer = model.told[0][1];
    expect(viewer).toMatch(/^cluster-view-\d+$/);

    view.hide();
    expect(model.isVisible).toBe(false);
    view.show();
    expect(model.isVisible).toBe(true);
    view.dispose();
    expect(model.isVisible).toBe(false);
    // One viewer name throughout, each change told once.
    expect(model.told).toEqual([
      [true, viewer],
      [false, viewer],
      [true, viewer],
      [false, viewer]
    ]);
  });

  it('draws what the model holds when it changes, and measures it', async () => {
    const model = new StubCluster();
    const view = new ClusterViewContent({
      model,
      i18n: new NeuronI18n({ setting: 'en' })
    });
    Widget.attach(view, document.body);
    const node = view.node;
    expect(
      node.querySelector('.jp-Neuron-ClusterView-summary')?.textContent
    ).toBe('Loading the cluster from Prometheus…');
    measures.length = 0;
    model.error = 'The Jupyter server could not be reached.';
    model.changed.emit();
    // Updates are drawn on the next turn of the message loop.
    await settle();
    const message = node.querySelector(
      '.jp-Neuron-ClusterView-message'
    ) as HTMLElement;
    expect(message.textContent).toBe(
      'The Jupyter server could not be reached.'
    );
    expect(message.dataset.state).toBe('error');
    expect(measures).toContain(UPDATE_MEASURE);
    view.dispose();
  });
});
