import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Signal } from '@lumino/signaling';

import { followSettings } from '../settings';

function fakeSettings(values: Record<string, unknown>) {
  const settings = {
    changed: new Signal<unknown, void>({}),
    get: (key: string) => ({ composite: values[key] })
  };
  return settings;
}

describe('followSettings', () => {
  it('applies the settings at once and after every change', async () => {
    const values: Record<string, unknown> = { language: 'ja' };
    const settings = fakeSettings(values);
    const registry = {
      load: jest.fn().mockResolvedValue(settings)
    } as unknown as ISettingRegistry;
    const seen: unknown[] = [];
    followSettings(registry, 'jupyterlab-neuron:plugin', s =>
      seen.push(s.get('language').composite)
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(registry.load).toHaveBeenCalledWith('jupyterlab-neuron:plugin');
    expect(seen).toEqual(['ja']);
    values.language = 'en';
    settings.changed.emit();
    expect(seen).toEqual(['ja', 'en']);
  });

  it('does nothing without a registry', async () => {
    const apply = jest.fn();
    await followSettings(null, 'jupyterlab-neuron:plugin', apply);
    expect(apply).not.toHaveBeenCalled();
  });

  it('resolves once the settings are applied, or could not be loaded', async () => {
    let resolveLoad: (settings: unknown) => void = () => undefined;
    const registry = {
      load: jest.fn(() => new Promise(resolve => (resolveLoad = resolve)))
    } as unknown as ISettingRegistry;
    const apply = jest.fn();
    let done = false;
    const applied = followSettings(
      registry,
      'jupyterlab-neuron:tutorial',
      apply
    );
    void applied.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    resolveLoad(fakeSettings({}));
    await applied;
    expect(apply).toHaveBeenCalledTimes(1);

    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const failing = {
      load: jest.fn().mockRejectedValue(new Error('no schema'))
    } as unknown as ISettingRegistry;
    await expect(
      followSettings(failing, 'jupyterlab-neuron:tutorial', apply)
    ).resolves.toBeUndefined();
    expect(apply).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });

  it('keeps the defaults and logs when the settings cannot be loaded', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const registry = {
      load: jest.fn().mockRejectedValue(new Error('no schema'))
    } as unknown as ISettingRegistry;
    const apply = jest.fn();
    followSettings(registry, 'jupyterlab-neuron:cache', apply);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(apply).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining('jupyterlab-neuron:cache'),
      expect.any(Error)
    );
    error.mockRestore();
  });
});
