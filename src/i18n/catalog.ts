/**
 * The Japanese catalog bundled with the front end, merged from one fragment
 * per capability (`src/i18n/ja/<capability>.json`).
 *
 * scripts/build-locale.mjs merges the same fragments into the server-side
 * catalog (jupyterlab_neuron/locale/ja_JP/...) with the same rules; a test
 * checks that both agree.
 */

import cache from './ja/cache.json';
import cluster from './ja/cluster.json';
import components from './ja/components.json';
import cores from './ja/cores.json';
import environment from './ja/environment.json';
import monitor from './ja/monitor.json';
import panel from './ja/panel.json';
import templates from './ja/templates.json';
import tutorial from './ja/tutorial.json';

/**
 * One entry of a fragment: the Japanese text of a message, or, for a message
 * used with `trans._n`, its English plural and its (single) Japanese form.
 *
 * Keys are English msgids; a message with a context (`trans._p`) is keyed
 * `<context>\u0004<msgid>`, as in gettext's JSON catalogs.
 */
export type FragmentEntry = string | { msgid_plural: string; msgstr: string };

/**
 * One fragment file: English msgid -> entry.
 */
export type CatalogFragment = Record<string, FragmentEntry>;

/**
 * Every fragment by capability name. Add a capability's fragment here.
 */
export const JAPANESE_FRAGMENTS: Readonly<Record<string, CatalogFragment>> = {
  cache,
  cluster,
  components,
  cores,
  environment,
  monitor,
  panel,
  templates,
  tutorial
};

/**
 * Messages in the shape gettext's `loadJSON` expects: msgid -> forms.
 */
export type CatalogMessages = Record<string, string[]>;

/**
 * Merge fragments into gettext messages.
 *
 * A plural message gets its Japanese form twice: Japanese has one plural form
 * (`nplurals=1`), but JupyterLab's Gettext only uses an entry for `_n` when it
 * holds more than one form.
 *
 * @throws Error when two fragments translate the same msgid differently
 */
export function mergeFragments(
  fragments: Readonly<Record<string, CatalogFragment>>
): CatalogMessages {
  const messages: CatalogMessages = {};
  const origin: Record<string, string> = {};
  for (const name of Object.keys(fragments).sort()) {
    for (const [msgid, entry] of Object.entries(fragments[name])) {
      const forms =
        typeof entry === 'string' ? [entry] : [entry.msgstr, entry.msgstr];
      const previous = messages[msgid];
      if (previous && previous.join('\n') !== forms.join('\n')) {
        throw new Error(
          `"${msgid}" is translated differently in ${origin[msgid]}.json and ${name}.json`
        );
      }
      messages[msgid] = forms;
      origin[msgid] = origin[msgid] ?? name;
    }
  }
  return messages;
}
