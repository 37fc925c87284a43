/**
 * Palette and launcher items in the translated "Neuron" category, kept in
 * the category of the current language.
 */

import type { ICommandPalette, IPaletteItem } from '@jupyterlab/apputils';
import type { ILauncher } from '@jupyterlab/launcher';
import type { CommandRegistry } from '@lumino/commands';
import { DisposableSet, IDisposable } from '@lumino/disposable';

import type { INeuronI18n } from './tokens';

/**
 * Where items are added: the palette and the launcher, when installed.
 */
export interface ICategoryTargets {
  palette?: ICommandPalette | null;
  launcher?: ILauncher | null;
}

/**
 * One palette or launcher item, without its category.
 */
export type CategoryItem =
  | { palette: Omit<IPaletteItem, 'category'> }
  | { launcher: Omit<ILauncher.IItemOptions, 'category'> };

/**
 * Add items in the "Neuron" category of the current language, and add them
 * again in the new language's category whenever the language changes (the
 * palette and the launcher group items by their category text).
 *
 * @param items - called for every (re)build, so a caller may return a list
 *   that changes over time
 * @returns what removes the items and stops following the language
 */
export function addCategoryItems(
  i18n: INeuronI18n,
  targets: ICategoryTargets,
  items: () => CategoryItem[]
): CategoryItems {
  return new CategoryItems(i18n, targets, items);
}

/**
 * Add commands, each with a palette item in the "Neuron" category (the
 * commands a plugin offers besides its main-area view).
 *
 * @param commands - the commands, by id, in the palette's order
 * @returns the palette items (see {@link addCategoryItems})
 */
export function addPaletteCommands(
  registry: CommandRegistry,
  i18n: INeuronI18n,
  palette: ICommandPalette | null,
  commands: Record<string, CommandRegistry.ICommandOptions>
): CategoryItems {
  const ids = Object.keys(commands);
  for (const id of ids) {
    registry.addCommand(id, commands[id]);
  }
  return addCategoryItems(i18n, { palette }, () =>
    ids.map(command => ({ palette: { command } }))
  );
}

/**
 * The items added by {@link addCategoryItems}.
 */
export class CategoryItems implements IDisposable {
  constructor(
    i18n: INeuronI18n,
    targets: ICategoryTargets,
    items: () => CategoryItem[]
  ) {
    this._i18n = i18n;
    this._targets = targets;
    this._items = items;
    this._i18n.changed.connect(this.rebuild, this);
    this.rebuild();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Remove the items and add the current list in the current category.
   */
  rebuild(): void {
    if (this._isDisposed) {
      return;
    }
    this._added.dispose();
    this._added = new DisposableSet();
    const category = this._i18n.trans.__('Neuron');
    for (const item of this._items()) {
      let added: IDisposable | undefined;
      if ('palette' in item) {
        added = this._targets.palette?.addItem({ ...item.palette, category });
      } else {
        added = this._targets.launcher?.add({ ...item.launcher, category });
      }
      if (added) {
        this._added.add(added);
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._i18n.changed.disconnect(this.rebuild, this);
    this._added.dispose();
  }

  private _i18n: INeuronI18n;
  private _targets: ICategoryTargets;
  private _items: () => CategoryItem[];
  private _added = new DisposableSet();
  private _isDisposed = false;
}
