/**
 * The one base for widgets that tell a model when they are on screen.
 */

import { ReactWidget } from '@jupyterlab/apputils';
import type { Message } from '@lumino/messaging';

/**
 * A React widget that reports whether it is on screen: attached and shown
 * (its tab or sidebar selected, its section expanded). Subclasses pass it on
 * to their model in {@link onVisibilityChanged}, so a hidden view fetches
 * nothing. Each change is reported once; disposing reports hidden.
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
   * Called with the new value whenever the widget appears or disappears.
   */
  protected abstract onVisibilityChanged(visible: boolean): void;

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
    if (shown !== this._shown) {
      this._shown = shown;
      this.onVisibilityChanged(shown);
    }
  }

  private _shown = false;
}
