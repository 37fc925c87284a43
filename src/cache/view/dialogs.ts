/**
 * What an action asks before its dry run: the size limit of a prune (a
 * number dialog in GiB) and the root of a wipe (a list dialog). The dry run
 * and its confirmation are `runCacheAction`'s (`../actions`).
 */

import { InputDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { CacheAction, ICacheActionTarget } from '../actions';
import type { ICachePartProps } from './common';
import type * as CacheAPI from '../../api/cache';

/**
 * The questions an action may ask, replaceable (tests).
 */
export interface ITargetQuestions {
  /** Asks for the size limit of a prune, in bytes (default: a number dialog in GiB). */
  askMaxBytes?: (suggested: number) => Promise<number | null>;
  /** Asks which root to wipe (default: a list dialog). */
  askRoot?: (
    roots: CacheAPI.RootSummary[]
  ) => Promise<CacheAPI.RootSummary | null>;
}

const GIB = 1024 ** 3;

/**
 * Ask what an action needs; `null` when the user cancels.
 *
 * The root-wide actions apply to the root chosen in the filters, or to every
 * root when none is chosen; a wipe asks for one.
 */
export async function targetFor(
  action: CacheAction,
  status: CacheAPI.Status | null,
  parts: ICachePartProps,
  questions: ITargetQuestions
): Promise<ICacheActionTarget | null> {
  const { list, trans, locale } = parts;
  const root =
    status?.roots.find(summary => summary.id === list.filters.root) ?? null;
  switch (action) {
    case 'delete-selected':
      return { entries: [...list.selectedIds] };
    case 'prune': {
      const size = root ? root.total_bytes : largestRoot(status);
      const suggested = Math.max(GIB, Math.round(size / 2 / GIB) * GIB);
      const maxBytes = await (questions.askMaxBytes
        ? questions.askMaxBytes(suggested)
        : askMaxBytes(suggested, trans, locale));
      return maxBytes === null ? null : { root, maxBytes };
    }
    case 'wipe': {
      if (root) {
        return { root };
      }
      const candidates = (status?.roots ?? []).filter(isCleanable);
      const chosen = await (questions.askRoot
        ? questions.askRoot(candidates)
        : askRoot(candidates, trans));
      return chosen ? { root: chosen } : null;
    }
    default:
      return { root };
  }
}

/**
 * Whether a root can be cleaned at all.
 */
export function isCleanable(root: CacheAPI.RootSummary): boolean {
  return root.managed && root.scanned && root.writable;
}

function largestRoot(status: CacheAPI.Status | null): number {
  return Math.max(0, ...(status?.roots ?? []).map(root => root.total_bytes));
}

async function askMaxBytes(
  suggested: number,
  trans: TranslationBundle,
  locale: string
): Promise<number | null> {
  const answer = await InputDialog.getNumber({
    title: trans.__('Prune to a size limit'),
    label: trans.__(
      'Largest size of each compile cache root, in GiB (for example %1):',
      new Intl.NumberFormat(locale).format(suggested / GIB)
    ),
    value: suggested / GIB,
    okLabel: trans.__('Continue'),
    cancelLabel: trans.__('Cancel')
  });
  if (!answer.button.accept || answer.value === null) {
    return null;
  }
  const gib = Number(answer.value);
  return Number.isFinite(gib) && gib >= 0 ? Math.round(gib * GIB) : null;
}

async function askRoot(
  roots: CacheAPI.RootSummary[],
  trans: TranslationBundle
): Promise<CacheAPI.RootSummary | null> {
  if (roots.length === 0) {
    return null;
  }
  const answer = await InputDialog.getItem({
    title: trans.__('Wipe a root'),
    label: trans.__('Compile cache root to empty completely:'),
    items: roots.map(root => root.path),
    okLabel: trans.__('Continue'),
    cancelLabel: trans.__('Cancel')
  });
  if (!answer.button.accept || answer.value === null) {
    return null;
  }
  return roots.find(root => root.path === answer.value) ?? null;
}
