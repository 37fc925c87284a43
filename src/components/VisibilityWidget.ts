/**
 * The one base for widgets that tell a model when they are on screen.
 */

import { ReactWidget } from '@jupyterlab/apputils';
import type { Message } from '@lumino/messaging';

/**
 * What a view tells a model: every model has `setVisible(visible, viewer?)`.
 */
export interface IViewedModel {
  setVisible(visible: boolean, viewer?: string): void;
}

/**
 * A React widget that reports whether it is on screen: attached and shown
 * (its tab or sidebar selected, its section expanded). The models given to
 * {@link showsModels} are told under the widget's viewer name, so a hidden
 * view fetches nothing; subclasses do the rest in
 * {@link onVisibilityChanged}. Each change is reported once; disposing
 * reports hidden.
 */
export abstract class VisibilityWidget extends ReactWidget {
  /**
   * Whether the widget is on screen, as last reported.
   */
  get isShown(): boolean {
    return this._shown;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._setShown(false);
    super.dispose();
  }

  /**
   * Tell these models, as the view `viewer`, whenever the widget appears or
   * disappears (`null` stands for a capability that is not there). Called
   * once, from the constructor.
   */
  protected showsModels(
    viewer: string,
    ...models: ReadonlyArray<IViewedModel | null | undefined>
  ): void {
    this._viewer = viewer;
    this._models = models.filter((model): model is IViewedModel => !!model);
  }

  /**
   * Called with the new value whenever the widget appears or disappears,
   * after the models were told.
   */
  protected onVisibilityChanged(visible: boolean): void {
    // Nothing by default.
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._setShown(this.isVisible);
  }

  protected onBeforeDetach(msg: Message): void {
    this._setShown(false);
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._setShown(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._setShown(false);
  }

  private _setShown(shown: boolean): void {
    if (shown === this._shown) {
      return;
    }
    this._shown = shown;
    for (const model of this._models) {
      model.setVisible(shown, this._viewer);
    }
    this.onVisibilityChanged(shown);
  }

  private _shown = false;
  private _viewer = 'default';
  private _models: IViewedModel[] = [];
}
