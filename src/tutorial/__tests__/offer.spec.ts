import type { NotebookPanel } from '@jupyterlab/notebook';

import { NeuronI18n } from '../../i18n';
import type { NeuronLanguage } from '../../tokens';
import { IOfferPreferences, offerTutorial } from '../offer';

function panelAt(path: string, template: string | null): NotebookPanel {
  return {
    context: { path, localPath: path },
    content: {
      model: {
        getMetadata: (key: string) =>
          key === 'jupyterlab_neuron' && template ? { template } : undefined
      }
    }
  } as unknown as NotebookPanel;
}

class Preferences implements IOfferPreferences {
  enabled = true;
  offered: string[] = [];
  async disable(): Promise<void> {
    this.enabled = false;
  }
  async remember(path: string): Promise<void> {
    this.offered.push(path);
  }
}

function offer(
  lang: NeuronLanguage,
  preferences: Preferences,
  panel = panelAt('work/bert.ipynb', 'bert-ja')
) {
  const notify = jest.fn((..._: unknown[]) => 'notification-id');
  const start = jest.fn();
  const id = offerTutorial({
    panel,
    i18n: new NeuronI18n({ setting: lang }),
    preferences,
    start,
    notify: notify as any
  });
  return { id, notify, start };
}

describe('offerTutorial', () => {
  it('offers once per notebook, in Japanese, with Start and Don’t show again', async () => {
    const preferences = new Preferences();
    const { id, notify, start } = offer('ja', preferences);
    expect(id).toBe('notification-id');
    const [message, options] = notify.mock.calls[0] as [string, any];
    expect(message).toBe(
      'bert.ipynb はテンプレート「bert-ja」から作成されたノートブックです。チュートリアルガイドに沿って 1 ステップずつ進めますか？'
    );
    expect(options.autoClose).toBe(false);
    expect(options.actions.map((action: any) => action.label)).toEqual([
      '始める',
      '今後表示しない'
    ]);
    expect(preferences.offered).toEqual(['work/bert.ipynb']);

    options.actions[0].callback();
    expect(start).toHaveBeenCalledTimes(1);
    options.actions[1].callback();
    await Promise.resolve();
    expect(preferences.enabled).toBe(false);

    // Never again for that notebook, nor at all once disabled.
    expect(offer('ja', preferences).notify).not.toHaveBeenCalled();
    const other = offer('ja', preferences, panelAt('other.ipynb', 'vit'));
    expect(other.notify).not.toHaveBeenCalled();
  });

  it('speaks English and names notebooks without a template id', () => {
    const { notify } = offer(
      'en',
      new Preferences(),
      panelAt('steps.ipynb', null)
    );
    const [message, options] = notify.mock.calls[0] as [string, any];
    expect(message).toBe(
      'steps.ipynb has tutorial steps. Follow it step by step with the tutorial guide?'
    );
    expect(options.actions.map((action: any) => action.label)).toEqual([
      'Start',
      "Don't show again"
    ]);
  });
});
