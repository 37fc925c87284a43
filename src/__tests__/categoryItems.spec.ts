import { CommandRegistry } from '@lumino/commands';

import { addCategoryItems, addPaletteCommands } from '../categoryItems';
import { fakeItemTarget } from './fakeApp';
import { NeuronI18n } from '../i18n';

describe('addCategoryItems', () => {
  it('adds the items in the category of the current language, and again on a language change', () => {
    const i18n = new NeuronI18n({
      setting: 'en',
      messages: { Neuron: ['Neuron（日本語）'] }
    });
    const palette = fakeItemTarget();
    const launcher = fakeItemTarget();
    const added = addCategoryItems(
      i18n,
      { palette: palette as any, launcher: launcher as any },
      () => [
        { palette: { command: 'a:open' } },
        { launcher: { command: 'a:open', args: { isLauncher: true }, rank: 3 } }
      ]
    );
    expect(palette.items).toEqual([{ command: 'a:open', category: 'Neuron' }]);
    expect(launcher.items).toEqual([
      {
        command: 'a:open',
        args: { isLauncher: true },
        rank: 3,
        category: 'Neuron'
      }
    ]);

    i18n.setting = 'ja';
    expect(palette.items).toEqual([
      { command: 'a:open', category: 'Neuron（日本語）' }
    ]);
    expect(launcher.items.map(item => item.category)).toEqual([
      'Neuron（日本語）'
    ]);

    added.dispose();
    expect(palette.items).toHaveLength(0);
    expect(launcher.items).toHaveLength(0);
    i18n.setting = 'en';
    expect(palette.items).toHaveLength(0);
  });

  it('skips the palette or launcher that is not installed', () => {
    const i18n = new NeuronI18n({ setting: 'en' });
    const palette = fakeItemTarget();
    addCategoryItems(i18n, { palette: palette as any, launcher: null }, () => [
      { palette: { command: 'a:open' } },
      { launcher: { command: 'a:open' } }
    ]);
    expect(palette.items).toHaveLength(1);
  });
});

describe('addPaletteCommands', () => {
  it('adds the commands with a palette item each, in order, in the current language', async () => {
    const i18n = new NeuronI18n({
      setting: 'en',
      messages: { Neuron: ['Neuron（日本語）'] }
    });
    const registry = new CommandRegistry();
    const palette = fakeItemTarget();
    const execute = jest.fn();
    const items = addPaletteCommands(registry, i18n, palette as any, {
      'a:refresh': { label: 'Refresh', execute },
      'a:restart': { label: 'Restart', execute: () => undefined }
    });
    expect(registry.label('a:refresh')).toBe('Refresh');
    expect(registry.hasCommand('a:restart')).toBe(true);
    await registry.execute('a:refresh');
    expect(execute).toHaveBeenCalledTimes(1);
    expect(palette.items).toEqual([
      { command: 'a:refresh', category: 'Neuron' },
      { command: 'a:restart', category: 'Neuron' }
    ]);

    i18n.setting = 'ja';
    expect(palette.items.map(item => item.category)).toEqual([
      'Neuron（日本語）',
      'Neuron（日本語）'
    ]);
    items.dispose();
    expect(palette.items).toHaveLength(0);
  });

  it('adds the commands without a palette', () => {
    const registry = new CommandRegistry();
    addPaletteCommands(registry, new NeuronI18n({ setting: 'en' }), null, {
      'a:open': { execute: () => undefined }
    });
    expect(registry.hasCommand('a:open')).toBe(true);
  });
});
