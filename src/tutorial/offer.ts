/**
 * Offering the tutorial mode the first time a template notebook is opened.
 */

import { Notification } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';

import type { INeuronI18n } from '../tokens';
import { templateInfoOf } from './metadata';

/**
 * Most notebooks remembered as offered (the oldest are forgotten first).
 */
export const MAX_REMEMBERED_OFFERS = 200;

/**
 * The per-user choices of the offer (kept in the tutorial settings).
 */
export interface IOfferPreferences {
  /** False once the user chose "Don't show again". */
  readonly enabled: boolean;
  /** Notebooks (server paths) the offer was already made for. */
  readonly offered: ReadonlyArray<string>;
  /** Store "Don't show again". */
  disable(): Promise<void>;
  /** Remember that the offer was made for a notebook. */
  remember(path: string): Promise<void>;
}

/**
 * Offer the tutorial mode for a notebook made from a template, unless the
 * user asked never to be offered, or it was offered for that notebook
 * before. Returns the notification id, or `null` when nothing was offered.
 */
export function offerTutorial(options: {
  panel: NotebookPanel;
  i18n: INeuronI18n;
  preferences: IOfferPreferences;
  start: () => void;
  notify?: typeof Notification.info;
}): string | null {
  const { panel, i18n, preferences } = options;
  const path = panel.context.path;
  if (!preferences.enabled || preferences.offered.includes(path)) {
    return null;
  }
  const trans = i18n.trans;
  const template = templateInfoOf(panel.content.model).templateId;
  const message =
    template !== null
      ? trans.__(
          '%1 was made from the template "%2". Follow it step by step with the tutorial guide?',
          panel.context.localPath.split('/').pop() ?? path,
          template
        )
      : trans.__(
          '%1 has tutorial steps. Follow it step by step with the tutorial guide?',
          panel.context.localPath.split('/').pop() ?? path
        );
  void preferences.remember(path);
  const notify = options.notify ?? Notification.info;
  return notify(message, {
    autoClose: false,
    actions: [
      {
        label: trans._p('tutorial offer', 'Start'),
        caption: trans.__('Turn tutorial mode on for this notebook'),
        displayType: 'accent',
        callback: () => options.start()
      },
      {
        label: trans.__("Don't show again"),
        caption: trans.__(
          'Never offer the tutorial mode again (it stays in the notebook context menu)'
        ),
        displayType: 'link',
        callback: () => void preferences.disable()
      }
    ]
  });
}
