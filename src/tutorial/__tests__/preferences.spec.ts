import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';

import { fakeSettingRegistry } from '../../__tests__/fakeApp';
import { MAX_REMEMBERED_OFFERS } from '../offer';
import { TutorialPreferences } from '../preferences';

const TUTORIAL = 'jupyterlab-neuron:tutorial';

function preferencesWith(values: Record<string, unknown>) {
  const registry = fakeSettingRegistry({ [TUTORIAL]: values });
  const preferences = new TutorialPreferences(
    registry as unknown as ISettingRegistry,
    TUTORIAL
  );
  return { registry, preferences };
}

function panelSaving() {
  const save = jest.fn().mockResolvedValue(undefined);
  return { panel: { context: { save } } as unknown as NotebookPanel, save };
}

describe('TutorialPreferences', () => {
  it('has the defaults without a setting registry and remembers offers for the session', async () => {
    const preferences = new TutorialPreferences(null, TUTORIAL);
    await preferences.ready;
    expect(preferences.enabled).toBe(true);
    expect(preferences.runOnNext.get()).toBe(true);
    expect(preferences.offered).toEqual([]);

    await preferences.remember('a.ipynb');
    await preferences.remember('b.ipynb');
    await preferences.remember('a.ipynb');
    expect(preferences.offered).toEqual(['b.ipynb', 'a.ipynb']);

    await preferences.disable();
    preferences.runOnNext.set(false);
    expect(preferences.enabled).toBe(true);
    expect(preferences.runOnNext.get()).toBe(true);

    const { panel, save } = panelSaving();
    await preferences.saveProgress(panel);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('reads the settings once loaded and tells when they change', async () => {
    const { registry, preferences } = preferencesWith({
      offerTutorial: false,
      runOnNext: false,
      saveProgress: false,
      offeredNotebooks: ['x.ipynb']
    });
    const changed = jest.fn();
    preferences.changed.connect(changed);
    await preferences.ready;
    expect(registry.load).toHaveBeenCalledWith(TUTORIAL);
    expect(changed).toHaveBeenCalledTimes(1);
    expect(preferences.enabled).toBe(false);
    expect(preferences.runOnNext.get()).toBe(false);
    expect(preferences.offered).toEqual(['x.ipynb']);

    const { panel, save } = panelSaving();
    await preferences.saveProgress(panel);
    expect(save).not.toHaveBeenCalled();

    registry.values[TUTORIAL].offerTutorial = true;
    registry.changed.emit();
    expect(changed).toHaveBeenCalledTimes(2);
    expect(preferences.enabled).toBe(true);
  });

  it('stores "Don\'t show again", the Next choice and the offered notebooks', async () => {
    const { registry, preferences } = preferencesWith({
      offeredNotebooks: ['a.ipynb', 'b.ipynb']
    });
    await preferences.ready;

    await preferences.remember('a.ipynb');
    expect(registry.values[TUTORIAL].offeredNotebooks).toEqual([
      'b.ipynb',
      'a.ipynb'
    ]);
    await preferences.disable();
    expect(registry.values[TUTORIAL].offerTutorial).toBe(false);
    expect(preferences.enabled).toBe(false);
    preferences.runOnNext.set(false);
    await Promise.resolve();
    expect(registry.values[TUTORIAL].runOnNext).toBe(false);
    expect(preferences.runOnNext.get()).toBe(false);
  });

  it(`keeps the last ${MAX_REMEMBERED_OFFERS} notebooks offered`, async () => {
    const many = Array.from(
      { length: MAX_REMEMBERED_OFFERS },
      (_, i) => `n${i}.ipynb`
    );
    const { registry, preferences } = preferencesWith({
      offeredNotebooks: many
    });
    await preferences.ready;
    await preferences.remember('new.ipynb');
    const stored = registry.values[TUTORIAL].offeredNotebooks as string[];
    expect(stored).toHaveLength(MAX_REMEMBERED_OFFERS);
    expect(stored[0]).toBe('n1.ipynb');
    expect(stored[stored.length - 1]).toBe('new.ipynb');
  });

  it('keeps the defaults when the settings cannot be loaded, and logs a failed save', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const failing = new TutorialPreferences(
      {
        load: jest.fn().mockRejectedValue(new Error('no schema'))
      } as unknown as ISettingRegistry,
      TUTORIAL
    );
    await failing.ready;
    expect(failing.enabled).toBe(true);
    expect(error).toHaveBeenCalledTimes(1);

    const { registry, preferences } = preferencesWith({});
    await preferences.ready;
    const settings = await registry.load.mock.results[0].value;
    settings.set = jest.fn().mockRejectedValue(new Error('read-only'));
    preferences.runOnNext.set(false);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(error).toHaveBeenLastCalledWith(
      'jupyterlab-neuron: could not save a setting',
      expect.any(Error)
    );
    error.mockRestore();
  });
});
