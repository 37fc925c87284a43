/**
 * A view of which the main area holds at most one: its open command, its
 * launcher and palette items, and its restoration with the layout.
 */

import type { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import type { ILauncher } from '@jupyterlab/launcher';
import type { Widget } from '@lumino/widgets';

import { addCategoryItems } from './categoryItems';
import { neuronIcon } from './components';
import type { INeuronI18n } from './tokens';

/**
 * Add the command that opens the view (or brings the open one forward),
 * with a launcher card and a palette item, and restore the view with the
 * layout. Returns the tracker of the view.
 */
export function addMainAreaView<T extends Widget>(
  options: addMainAreaView.IOptions<T>
): WidgetTracker<T> {
  const { app, command } = options;
  const tracker = new WidgetTracker<T>({ namespace: options.namespace });
  app.commands.addCommand(command, {
    label: args =>
      args.isLauncher === true ? options.launcherLabel() : options.label(),
    caption: options.caption,
    icon: args => (args.isPalette ? undefined : neuronIcon),
    execute: () => {
      let widget = tracker.find(() => true);
      if (!widget) {
        widget = options.create();
        void tracker.add(widget);
        app.shell.add(widget, 'main');
      }
      app.shell.activateById(widget.id);
      return widget;
    }
  });
  addCategoryItems(
    options.i18n,
    { palette: options.palette, launcher: options.launcher },
    () => [
      { palette: { command } },
      { launcher: { command, args: { isLauncher: true }, rank: options.rank } }
    ]
  );
  void options.restorer?.restore(tracker, {
    command,
    name: () => options.restoreName
  });
  return tracker;
}

/**
 * The namespace for `addMainAreaView` statics.
 */
export namespace addMainAreaView {
  /**
   * What the view is and where it is offered.
   */
  export interface IOptions<T extends Widget> {
    app: JupyterFrontEnd;
    /** The command that opens the view. */
    command: string;
    /** The tracker's namespace (its state in the layout). */
    namespace: string;
    /** The name of the view in the restored layout. */
    restoreName: string;
    /** The command's label in the palette and menus ("Open ... View"). */
    label: () => string;
    /** The label of the launcher card (the view's name). */
    launcherLabel: () => string;
    caption: () => string;
    /** Make the view. */
    create: () => T;
    /** The language, for the launcher and palette category. */
    i18n: INeuronI18n;
    /** The launcher card's rank in its category. */
    rank: number;
    palette: ICommandPalette | null;
    launcher: ILauncher | null;
    restorer: ILayoutRestorer | null;
  }
}
