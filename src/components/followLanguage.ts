/**
 * The one way a widget follows the panel's language.
 */

import type { Widget } from '@lumino/widgets';

import type { INeuronI18n } from '../tokens';

/**
 * Run `apply` now and again whenever the language changes, until the widget
 * is disposed. By default it re-renders the widget (`widget.update()`); give
 * `apply` for what a re-render does not cover (the tab's title).
 */
export function followLanguage(
  widget: Widget,
  i18n: INeuronI18n,
  apply: () => void = () => widget.update()
): void {
  if (widget.isDisposed) {
    return;
  }
  const onChanged = () => {
    if (!widget.isDisposed) {
      apply();
    }
  };
  i18n.changed.connect(onChanged);
  widget.disposed.connect(() => i18n.changed.disconnect(onChanged));
  apply();
}
