/**
 * What the user does with a template: insert it into the active notebook, or
 * create a notebook from it. Used by the panel, the commands and the launcher.
 */

import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { PathExt } from '@jupyterlab/coreutils';
import { Contents, KernelSpec, ServerConnection } from '@jupyterlab/services';
import type { CommandRegistry } from '@lumino/commands';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type {
  INeuronI18n,
  INeuronTemplates,
  ITemplateCreateOptions,
  ITemplateInsertOptions,
  ITemplateInsertion,
  ITemplateNotebook
} from '../tokens';
import { insertAtCursor } from './insertion';

/**
 * What the actions need of the templates model: renderings.
 */
export type ITemplateRenderer = Pick<
  INeuronTemplates,
  'renderCells' | 'renderNotebook'
>;

/**
 * A kernelspec as written in a notebook's metadata.
 */
export interface IKernelChoice {
  name: string;
  display_name: string;
  language: string;
}

/**
 * The kernel a new template notebook gets: a Python kernel, preferring one
 * named after Neuron (the Neuron DLAMI and SDK set-up name their virtual
 * environments' kernels so, e.g. "Python (torch-neuronx)"), then the default.
 *
 * @returns `null` when no Python kernel is known (JupyterLab then asks)
 */
export function chooseKernel(
  specs: KernelSpec.ISpecModels | null | undefined
): IKernelChoice | null {
  if (!specs) {
    return null;
  }
  const python = Object.values(specs.kernelspecs).filter(
    (spec): spec is KernelSpec.ISpecModel =>
      !!spec && (spec.language ?? '').toLowerCase() === 'python'
  );
  if (python.length === 0) {
    return null;
  }
  const isNeuron = (spec: KernelSpec.ISpecModel) =>
    /neuron/i.test(spec.name) || /neuron/i.test(spec.display_name);
  const byDefault = python.find(spec => spec.name === specs.default);
  const chosen =
    (byDefault && isNeuron(byDefault) ? byDefault : undefined) ??
    python.find(isNeuron) ??
    byDefault ??
    python[0];
  return {
    name: chosen.name,
    display_name: chosen.display_name,
    language: chosen.language
  };
}

/**
 * A notebook path in `directory` that does not exist yet: `stem.ipynb`, else
 * `stem-1.ipynb`, `stem-2.ipynb`...
 *
 * @param exists - whether a path exists
 * @throws Error when no free name is found in many attempts
 */
export async function uniqueNotebookPath(
  directory: string,
  stem: string,
  exists: (path: string) => Promise<boolean>,
  attempts = 100
): Promise<string> {
  for (let n = 0; n < attempts; n++) {
    const name = n === 0 ? `${stem}.ipynb` : `${stem}-${n}.ipynb`;
    const path = directory ? PathExt.join(directory, name) : name;
    if (!(await exists(path))) {
      return path;
    }
  }
  throw new Error(`No free notebook name for ${stem} in "${directory}".`);
}

/**
 * Insert templates into notebooks and create notebooks from them.
 */
export class TemplateActions {
  constructor(options: TemplateActions.IOptions) {
    this._templates = options.templates;
    this._tracker = options.tracker ?? null;
    this._commands = options.commands;
    this._contents = options.contents;
    this._kernelspecs = options.kernelspecs ?? null;
    this._defaultCwd = options.defaultCwd ?? null;
    this._i18n = options.i18n;
    this._activate = options.activate ?? null;
    this._tracker?.currentChanged.connect(this._onTargetChanged, this);
  }

  /**
   * The notebook an insertion goes into: the current notebook (the last one
   * focused, even while the sidebar has the focus).
   */
  get target(): NotebookPanel | null {
    return this._tracker?.currentWidget ?? null;
  }

  /**
   * The path of the notebook an insertion goes into, if any.
   */
  get targetPath(): string | null {
    return this.target?.context.path ?? null;
  }

  /**
   * Whether there is a notebook to insert into.
   */
  get canInsert(): boolean {
    return this.target !== null;
  }

  /**
   * Emitted when the notebook an insertion would go into changes.
   */
  get targetChanged(): ISignal<this, void> {
    return this._targetChanged;
  }

  /**
   * Render a template (or one step) and insert it into the current notebook
   * below its active cell, as one undoable operation.
   *
   * @throws Error when no notebook is open, or the rendering fails
   */
  async insert(
    id: string,
    options: ITemplateInsertOptions = {}
  ): Promise<ITemplateInsertion> {
    const trans = this._i18n.trans;
    const panel = this.target;
    if (!panel) {
      throw new Error(trans.__('Open a notebook to insert the template into.'));
    }
    const rendered = await this._templates.renderCells(id, {
      params: options.params ?? {},
      step: options.step ?? null,
      include_setup: options.includeSetup ?? null,
      lang: this._i18n.language
    });
    if (panel.isDisposed) {
      throw new Error(
        trans.__('The notebook was closed before the template was inserted.')
      );
    }
    await panel.context.ready;
    const notebook = panel.content;
    // The notebook-level metadata describes a notebook made from the whole
    // template; one step inserted elsewhere does not make it one.
    const wholeTemplate = !options.step && options.includeSetup !== false;
    const result = insertAtCursor(
      notebook,
      rendered.cells,
      wholeTemplate ? (rendered.metadata ?? null) : null
    );
    if (result.count > 0) {
      // The user sees where the cells went, and can undo with Z at once.
      this._activate?.(panel);
      notebook.mode = 'command';
      const first = notebook.widgets[result.index];
      if (first) {
        void notebook.scrollToCell(first, 'start');
      }
    }
    return {
      ...result,
      path: panel.context.path,
      warnings: rendered.warnings ?? []
    };
  }

  /**
   * Render a template as a notebook, save it in `cwd` under a free name,
   * and open it with a Python kernel.
   *
   * @throws Error when the rendering or saving fails
   */
  async createNotebook(
    id: string,
    options: ITemplateCreateOptions = {}
  ): Promise<ITemplateNotebook> {
    const [rendered, kernel] = await Promise.all([
      this._templates.renderNotebook(id, {
        params: options.params ?? {},
        lang: this._i18n.language
      }),
      this._chooseKernel()
    ]);
    const notebook = rendered.notebook;
    if (kernel && !notebook.metadata.kernelspec) {
      notebook.metadata = { ...notebook.metadata, kernelspec: kernel };
    }
    const cwd = options.cwd ?? this._defaultCwd?.() ?? '';
    const path = await uniqueNotebookPath(cwd, id, path => this._exists(path));
    await this._contents.save(path, {
      type: 'notebook',
      format: 'json',
      content: notebook
    });
    const opened = await this._commands.execute('docmanager:open', {
      path,
      factory: 'Notebook',
      ...(kernel ? { kernel: { name: kernel.name } } : {})
    });
    return {
      path,
      kernel: kernel?.name ?? null,
      warnings: rendered.warnings ?? [],
      widget: opened instanceof Widget ? opened : null
    };
  }

  dispose(): void {
    this._tracker?.currentChanged.disconnect(this._onTargetChanged, this);
    Signal.clearData(this);
  }

  private async _chooseKernel(): Promise<IKernelChoice | null> {
    if (!this._kernelspecs) {
      return null;
    }
    try {
      await this._kernelspecs.ready;
    } catch {
      return null;
    }
    return chooseKernel(this._kernelspecs.specs);
  }

  private async _exists(path: string): Promise<boolean> {
    try {
      await this._contents.get(path, { content: false });
      return true;
    } catch (reason) {
      if (
        reason instanceof ServerConnection.ResponseError &&
        reason.response.status === 404
      ) {
        return false;
      }
      throw reason;
    }
  }

  private _onTargetChanged(): void {
    this._targetChanged.emit();
  }

  private _templates: ITemplateRenderer;
  private _tracker: INotebookTracker | null;
  private _commands: CommandRegistry;
  private _contents: Contents.IManager;
  private _kernelspecs: KernelSpec.IManager | null;
  private _defaultCwd: (() => string) | null;
  private _i18n: INeuronI18n;
  private _activate: ((panel: NotebookPanel) => void) | null;
  private _targetChanged = new Signal<this, void>(this);
}

/**
 * The namespace for `TemplateActions` statics.
 */
export namespace TemplateActions {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** What renders the templates (the templates model). */
    templates: ITemplateRenderer;
    /** The notebook tracker (no insertion without it). */
    tracker?: INotebookTracker | null;
    /** The application's commands (`docmanager:open`). */
    commands: CommandRegistry;
    /** The contents manager new notebooks are saved with. */
    contents: Contents.IManager;
    /** The kernelspecs manager a kernel for new notebooks is chosen from. */
    kernelspecs?: KernelSpec.IManager | null;
    /** The language service: renderings are asked for in its language. */
    i18n: INeuronI18n;
    /** Bring a notebook to the front (the shell's `activateById`). */
    activate?: (panel: NotebookPanel) => void;
    /**
     * The folder new notebooks go to when none is given: the file
     * browser's current folder, as for JupyterLab's own new notebooks.
     */
    defaultCwd?: () => string;
  }
}
