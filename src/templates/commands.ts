/**
 * The commands of the templates capability, and the launcher and palette
 * items that follow the list of templates.
 */

import { showErrorMessage } from '@jupyterlab/apputils';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { ILauncher } from '@jupyterlab/launcher';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { DisposableSet, IDisposable } from '@lumino/disposable';

import { CategoryItem, addCategoryItems } from '../categoryItems';
import { neuronIcon } from '../components';
import { CommandIDs, INeuronI18n, INeuronTemplates } from '../tokens';
import type * as TemplatesAPI from '../api/templates';

/**
 * The first part of a template title, short enough for a launcher card:
 * "ViT image classification (beans): from fine-tuning to inference" ->
 * "ViT image classification (beans)".
 */
export function shortTitle(title: string): string {
  const [head] = title.split(/[:：]/);
  return head.trim() || title;
}

/**
 * Options of {@link addTemplateCommands}.
 */
export interface ITemplateCommandsOptions {
  /** The application's commands. */
  commands: CommandRegistry;
  /** The templates service. */
  templates: INeuronTemplates;
  /** The panel's language service. */
  i18n: INeuronI18n;
  /** Show the Neuron sidebar. */
  showPanel: () => void;
  /** The launcher, to offer a new notebook per template. */
  launcher?: ILauncher | null;
  /** The command palette. */
  palette?: ICommandPalette | null;
}

/**
 * Add the templates commands, and keep one launcher item and palette items
 * per template in step with the list.
 *
 * @returns what removes them all
 */
export function addTemplateCommands(
  options: ITemplateCommandsOptions
): IDisposable {
  const { commands, templates, i18n, launcher, palette } = options;
  const disposables = new DisposableSet();
  const titleOf = (args: ReadonlyPartialJSONObject): string | null => {
    const id = typeof args.id === 'string' ? args.id : null;
    return (
      templates.templates.find(template => template.id === id)?.title ?? null
    );
  };

  disposables.add(
    commands.addCommand(CommandIDs.openTemplates, {
      label: () => i18n.trans.__('Browse Neuron Templates'),
      caption: () =>
        i18n.trans.__(
          'Show the BERT-ja and ViT notebook templates in the Neuron sidebar'
        ),
      execute: () => {
        options.showPanel();
        void templates.ensureList();
      }
    })
  );

  disposables.add(
    commands.addCommand(CommandIDs.insertTemplate, {
      label: args => {
        const title = titleOf(args);
        return title
          ? i18n.trans.__('Insert Template: %1', title)
          : i18n.trans.__('Insert Neuron Template');
      },
      caption: () =>
        i18n.trans.__(
          'Insert the template below the active cell of the current notebook (one undo removes it)'
        ),
      isEnabled: args =>
        templates.editsNotebooks &&
        (typeof args.id !== 'string' || templates.canInsert),
      execute: async args => {
        if (typeof args.id !== 'string') {
          // Without a template, let the user choose one in the sidebar.
          options.showPanel();
          return;
        }
        try {
          return await templates.insert(args.id, {
            params: paramsOf(args),
            step: typeof args.step === 'string' ? args.step : null,
            includeSetup:
              typeof args.includeSetup === 'boolean' ? args.includeSetup : null
          });
        } catch (reason) {
          void showErrorMessage(
            i18n.trans.__('Could not insert the template'),
            reason as Error
          );
        }
      }
    })
  );

  disposables.add(
    commands.addCommand(CommandIDs.newNotebookFromTemplate, {
      label: args => {
        const title = titleOf(args);
        if (!title) {
          return i18n.trans.__('New Notebook from Neuron Template');
        }
        return args.launcher
          ? shortTitle(title)
          : i18n.trans.__('New Notebook: %1', title);
      },
      caption: args => titleOf(args) ?? '',
      icon: args => (args.launcher ? neuronIcon : undefined),
      isEnabled: () => templates.editsNotebooks,
      execute: async args => {
        if (typeof args.id !== 'string') {
          options.showPanel();
          return;
        }
        try {
          const created = await templates.createNotebook(args.id, {
            params: paramsOf(args),
            // The launcher's folder; else the file browser's.
            cwd: typeof args.cwd === 'string' ? args.cwd : undefined
          });
          // The launcher replaces itself with the widget it is given.
          return created.widget ?? undefined;
        } catch (reason) {
          void showErrorMessage(
            i18n.trans.__('Could not create the notebook'),
            reason as Error
          );
        }
      }
    })
  );

  disposables.add(
    addCategoryItems(i18n, { palette }, () => [
      { palette: { command: CommandIDs.openTemplates } }
    ])
  );

  // Launcher and palette items, one per template, follow the list (and the
  // language, which names their category).
  const itemsFor = (
    list: ReadonlyArray<TemplatesAPI.TemplateSummary>
  ): CategoryItem[] =>
    list.flatMap((template, rank): CategoryItem[] => {
      const args = { id: template.id };
      const cards: CategoryItem[] = templates.editsNotebooks
        ? [
            {
              launcher: {
                command: CommandIDs.newNotebookFromTemplate,
                args: { ...args, launcher: true },
                rank
              }
            }
          ]
        : [];
      return [
        ...cards,
        {
          palette: { command: CommandIDs.newNotebookFromTemplate, args, rank }
        },
        { palette: { command: CommandIDs.insertTemplate, args, rank } }
      ];
    });
  let current: ReadonlyArray<TemplatesAPI.TemplateSummary> =
    templates.state === 'ready' ? templates.templates : [];
  const items = addCategoryItems(i18n, { palette, launcher }, () =>
    itemsFor(current)
  );
  const syncItems = (
    _sender: unknown,
    list: ReadonlyArray<TemplatesAPI.TemplateSummary>
  ) => {
    current = list;
    items.rebuild();
    commands.notifyCommandChanged();
  };
  templates.listChanged.connect(syncItems);
  const onTargetChanged = () =>
    commands.notifyCommandChanged(CommandIDs.insertTemplate);
  templates.insertTargetChanged.connect(onTargetChanged);

  disposables.add({
    get isDisposed() {
      return items.isDisposed;
    },
    dispose: () => {
      templates.listChanged.disconnect(syncItems);
      templates.insertTargetChanged.disconnect(onTargetChanged);
      items.dispose();
    }
  });
  return disposables;
}

/** The `params` argument of a command, when it is an object. */
function paramsOf(
  args: ReadonlyPartialJSONObject
): TemplatesAPI.TemplateParameterValues {
  const params = args.params;
  if (params && typeof params === 'object' && !Array.isArray(params)) {
    return params as TemplatesAPI.TemplateParameterValues;
  }
  return {};
}
