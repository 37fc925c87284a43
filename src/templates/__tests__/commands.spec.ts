import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';

import { NeuronI18n } from '../../i18n';
import { CommandIDs, INeuronTemplates } from '../../tokens';
import { addTemplateCommands, shortTitle } from '../commands';
import { templateList } from './fixtures';

describe('shortTitle', () => {
  it('keeps the part before the colon', () => {
    expect(
      shortTitle(
        'ViT image classification (beans): from fine-tuning to inference'
      )
    ).toBe('ViT image classification (beans)');
    expect(
      shortTitle(
        '日本語 BERT によるテキスト分類: ファインチューニングから推論まで'
      )
    ).toBe('日本語 BERT によるテキスト分類');
    expect(shortTitle('画像分類：ViT')).toBe('画像分類');
    expect(shortTitle('No colon')).toBe('No colon');
  });
});

describe('addTemplateCommands', () => {
  function setUp() {
    const listChanged = new Signal<any, any>({});
    const templates = {
      state: 'idle',
      templates: [] as any[],
      editsNotebooks: true,
      canInsert: true,
      listChanged,
      insertTargetChanged: new Signal<any, void>({}),
      ensureList: jest.fn(async () => undefined),
      insert: jest.fn(async () => ({ count: 3 })),
      createNotebook: jest.fn(async () => ({ widget: null }))
    };
    const launched: any[] = [];
    const launcher = {
      add: (item: any) => {
        launched.push(item);
        return {
          isDisposed: false,
          dispose: () => launched.splice(launched.indexOf(item), 1)
        };
      }
    };
    const paletteItems: any[] = [];
    const palette = {
      addItem: (item: any) => {
        paletteItems.push(item);
        return {
          isDisposed: false,
          dispose: () => paletteItems.splice(paletteItems.indexOf(item), 1)
        };
      }
    };
    const commands = new CommandRegistry();
    // (A Japanese category that differs from the English one.)
    const i18n = new NeuronI18n({
      setting: 'en',
      messages: { Neuron: ['Neuron（日本語）'] }
    });
    const shown = jest.fn();
    const disposable = addTemplateCommands({
      commands,
      templates: templates as unknown as INeuronTemplates,
      i18n,
      showPanel: shown,
      launcher: launcher as any,
      palette: palette as any
    });
    const publish = () => {
      templates.templates = templateList().templates;
      templates.state = 'ready';
      listChanged.emit(templates.templates);
    };
    return {
      templates,
      i18n,
      launched,
      paletteItems,
      commands,
      shown,
      disposable,
      publish
    };
  }

  it('adds one launcher card per template once the list arrives', () => {
    const { launched, commands, publish } = setUp();
    expect(launched).toHaveLength(0);
    publish();
    expect(launched.map(item => item.args.id)).toEqual([
      'bert-ja',
      'vit-beans'
    ]);
    expect(launched.every(item => item.category === 'Neuron')).toBe(true);
    const labels = launched.map(item =>
      commands.label(item.command, { ...item.args, cwd: '' })
    );
    expect(labels).toEqual([
      'Japanese BERT text classification',
      'ViT image classification (beans)'
    ]);
    // Reloading (e.g. in another language) replaces the cards.
    publish();
    expect(launched).toHaveLength(2);
  });

  it('moves the launcher cards and palette items to the category of a new language', () => {
    const { launched, paletteItems, i18n, publish } = setUp();
    publish();
    i18n.setting = 'ja';
    expect(launched).toHaveLength(2);
    expect(paletteItems).toHaveLength(5);
    expect(
      [...launched, ...paletteItems].every(
        item => item.category === 'Neuron（日本語）'
      )
    ).toBe(true);
  });

  it('offers palette items per template and a browse item', () => {
    const { paletteItems, commands, publish } = setUp();
    publish();
    const labels = paletteItems.map(item =>
      commands.label(item.command, { ...item.args, isPalette: true })
    );
    expect(labels).toEqual([
      'Browse Neuron Templates',
      'New Notebook: Japanese BERT text classification: from fine-tuning to inference',
      'Insert Template: Japanese BERT text classification: from fine-tuning to inference',
      'New Notebook: ViT image classification (beans): from fine-tuning to inference',
      'Insert Template: ViT image classification (beans): from fine-tuning to inference'
    ]);
  });

  it('creates the notebook in the launcher folder and returns its widget', async () => {
    const { templates, commands } = setUp();
    await commands.execute(CommandIDs.newNotebookFromTemplate, {
      id: 'vit-beans',
      launcher: true,
      cwd: 'projects/vit'
    });
    expect(templates.createNotebook).toHaveBeenCalledWith('vit-beans', {
      params: {},
      cwd: 'projects/vit'
    });
  });

  it('inserts with the given step and parameters, when a notebook is open', async () => {
    const { templates, commands, shown } = setUp();
    expect(
      commands.isEnabled(CommandIDs.insertTemplate, { id: 'bert-ja' })
    ).toBe(true);
    await commands.execute(CommandIDs.insertTemplate, {
      id: 'bert-ja',
      step: 'train',
      params: { epochs: 2 },
      includeSetup: false
    });
    expect(templates.insert).toHaveBeenCalledWith('bert-ja', {
      params: { epochs: 2 },
      step: 'train',
      includeSetup: false
    });
    templates.canInsert = false;
    expect(
      commands.isEnabled(CommandIDs.insertTemplate, { id: 'bert-ja' })
    ).toBe(false);
    // Without an id, the sidebar lets the user choose.
    await commands.execute(CommandIDs.insertTemplate, {});
    expect(shown).toHaveBeenCalled();
  });

  it('removes everything when disposed', () => {
    const { launched, paletteItems, commands, disposable, publish } = setUp();
    publish();
    disposable.dispose();
    expect(launched).toHaveLength(0);
    expect(paletteItems).toHaveLength(0);
    expect(commands.hasCommand(CommandIDs.insertTemplate)).toBe(false);
  });
});
