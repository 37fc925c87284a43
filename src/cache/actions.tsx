/**
 * The cleaning actions of the cache view, each confirmed with its dry run.
 */

import { Notification, showDialog } from '@jupyterlab/apputils';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import {
  DryRunDialog,
  IDryRunFigures,
  confirmWithDryRun,
  formatBytes
} from '../components';
import { INeuronCompileCache, TRANSLATION_DOMAIN } from '../tokens';
import { stateLabel } from './labels';
import type * as CacheAPI from '../api/cache';

/**
 * What the cache view can clean.
 */
export type CacheAction =
  | 'delete-selected'
  | 'delete-failed'
  | 'clear-stale-locks'
  | 'remove-old-versions'
  | 'prune'
  | 'wipe';

/**
 * What an action applies to.
 */
export interface ICacheActionTarget {
  /** Entry ids, for `delete-selected`. */
  entries?: string[];
  /** The root the root-wide actions are limited to (`null`: every root; `wipe` needs one). */
  root?: CacheAPI.RootSummary | null;
  /** The size limit of `prune`, in bytes. */
  maxBytes?: number;
}

/**
 * The (translated) name of an action, as a menu item and a dialog title.
 */
export function actionTitle(
  action: CacheAction,
  trans: TranslationBundle
): string {
  switch (action) {
    case 'delete-selected':
      return trans.__('Delete selected entries');
    case 'delete-failed':
      return trans.__('Delete all failed entries');
    case 'clear-stale-locks':
      return trans.__('Clear stale locks');
    case 'remove-old-versions':
      return trans.__('Remove old compiler versions');
    case 'prune':
      return trans.__('Prune to a size limit');
    case 'wipe':
      return trans.__('Wipe a root');
  }
}

/**
 * The clean request of an action.
 *
 * @throws Error when the target lacks what the action needs (entries, a
 *   root to wipe, a size limit)
 */
export function cleanRequestFor(
  action: CacheAction,
  target: ICacheActionTarget
): CacheAPI.CleanRequest {
  const roots = target.root ? [target.root.id] : [];
  switch (action) {
    case 'delete-selected':
      if (!target.entries || target.entries.length === 0) {
        throw new Error('No entry is selected.');
      }
      return { entries: [...target.entries] };
    case 'delete-failed':
      return { roots, failed: true };
    case 'clear-stale-locks':
      return { roots, stale_locks: true };
    case 'remove-old-versions':
      return { roots, old_versions: true };
    case 'prune':
      if (
        target.maxBytes === undefined ||
        !Number.isFinite(target.maxBytes) ||
        target.maxBytes < 0
      ) {
        throw new Error('A size limit is needed.');
      }
      return { roots, max_bytes: Math.floor(target.maxBytes) };
    case 'wipe':
      if (!target.root) {
        throw new Error('Wiping needs one root.');
      }
      return { roots, wipe: true };
  }
}

/**
 * A (translated) explanation of what an action does, for the dialog.
 */
export function actionIntro(
  action: CacheAction,
  target: ICacheActionTarget,
  trans: TranslationBundle,
  locale: string
): string {
  switch (action) {
    case 'delete-selected':
      return trans._n(
        'The %1 selected entry is removed. The compiler compiles its graph again the next time it is needed.',
        'The %1 selected entries are removed. The compiler compiles their graphs again the next time they are needed.',
        target.entries?.length ?? 0
      );
    case 'delete-failed':
      return trans.__(
        'Failed compiles stay in the cache and block compiling the same graph again until they are removed.'
      );
    case 'clear-stale-locks':
      return trans.__(
        'Only the lock files left by interrupted compiles are removed; the entries stay. Locks of running compiles are kept.'
      );
    case 'remove-old-versions':
      return trans.__(
        'Every compiler version except the newest one of each root is removed.'
      );
    case 'prune':
      return trans.__(
        'The least recently used entries are removed until each root holds at most %1.',
        formatBytes(target.maxBytes ?? 0, locale)
      );
    case 'wipe':
      return trans.__(
        'Everything in the root is removed. Every graph is compiled again the next time it is needed.'
      );
  }
}

/**
 * A (translated) line saying which roots an action applies to, or `null`
 * for the selected entries (they say it themselves).
 */
export function actionScope(
  action: CacheAction,
  target: ICacheActionTarget,
  trans: TranslationBundle
): string | null {
  if (action === 'delete-selected') {
    return null;
  }
  return target.root
    ? trans.__('Applies to: %1', target.root.path)
    : trans.__('Applies to: every compile cache root');
}

/**
 * The figures of a dry run, as the confirmation dialog shows them.
 */
export function planFigures(
  plan: CacheAPI.CleanResult,
  trans: TranslationBundle
): IDryRunFigures {
  let entries = 0;
  let locks = 0;
  let versions = 0;
  for (const item of plan.items) {
    if (item.kind === 'entry') {
      entries += 1;
    } else if (item.kind === 'lock') {
      locks += 1;
    } else {
      versions += 1;
    }
  }
  const parts: string[] = [];
  if (entries > 0) {
    parts.push(trans._n('%1 entry', '%1 entries', entries));
  }
  if (locks > 0) {
    parts.push(trans._n('%1 lock file', '%1 lock files', locks));
  }
  if (versions > 0) {
    parts.push(
      trans._n(
        '%1 emptied compiler-version folder',
        '%1 emptied compiler-version folders',
        versions
      )
    );
  }
  const notes = [
    ...plan.skipped.map(skipped =>
      trans.__('Kept: %1 (%2)', skipped.path, skipped.message)
    ),
    ...plan.warnings
  ];
  return {
    count: plan.items.length,
    bytes: plan.bytes_freed,
    summary: parts.length > 0 ? parts.join(trans.__(', ')) : undefined,
    notes,
    items: plan.items.map(item => ({
      key: item.id,
      label: planItemLabel(item),
      detail: planItemDetail(item, trans),
      bytes: item.kind === 'lock' ? undefined : item.bytes
    }))
  };
}

function planItemLabel(item: CacheAPI.PlanItem): string {
  if (item.kind === 'version') {
    return item.version;
  }
  if (item.kind === 'lock') {
    return item.path.split('/').pop() ?? item.path;
  }
  return item.module ?? item.path;
}

function planItemDetail(
  item: CacheAPI.PlanItem,
  trans: TranslationBundle
): string {
  switch (item.kind) {
    case 'version':
      return trans.__('Compiler-version folder in %1', item.root);
    case 'lock':
      return trans.__('Lock file of %1', item.module ?? item.version);
    case 'entry': {
      const state = isEntryState(item.state)
        ? stateLabel(item.state, trans)
        : null;
      return state ? `${item.version} · ${state}` : item.version;
    }
  }
}

function isEntryState(state: string | null): state is CacheAPI.EntryState {
  return (
    state === 'success' ||
    state === 'failed' ||
    state === 'compiling' ||
    state === 'stale_lock' ||
    state === 'empty' ||
    state === 'link'
  );
}

/**
 * Options of {@link runCacheAction}.
 */
export interface IRunCacheActionOptions {
  /** The compile-cache model that plans and cleans. */
  cache: INeuronCompileCache;
  /** The panel's translator (`INeuronI18n`). */
  translator: ITranslator;
  /** What the action applies to. */
  target: ICacheActionTarget;
  /** The dialog function (tests replace it). */
  showDialog?: typeof showDialog;
  /** Whether to announce the result in a notification (default true). */
  notify?: boolean;
}

/**
 * Run an action: its dry run is shown first, then, when confirmed, the real
 * run removes exactly that plan. A plan that went out of date (409) is made
 * again and shown with a message.
 */
export async function runCacheAction(
  action: CacheAction,
  options: IRunCacheActionOptions
): Promise<DryRunDialog.Outcome<CacheAPI.CleanResult, CacheAPI.CleanResult>> {
  const { cache, translator, target } = options;
  const trans = translator.load(TRANSLATION_DOMAIN);
  const locale = translator.languageCode ?? 'en';
  const request = cleanRequestFor(action, target);
  const scope = actionScope(action, target, trans);
  const outcome = await confirmWithDryRun({
    title: actionTitle(action, trans),
    translator,
    intro: (
      <>
        {scope && <p className="jp-Neuron-DryRun-scope">{scope}</p>}
        <p>{actionIntro(action, target, trans, locale)}</p>
      </>
    ),
    dryRun: () => cache.dryRun(request),
    run: plan => cache.clean(request, plan.plan_token),
    figures: plan => planFigures(plan, trans),
    confirmLabel: plan =>
      action === 'clear-stale-locks'
        ? trans._n(
            'Remove %1 lock file',
            'Remove %1 lock files',
            plan.items.length
          )
        : trans._n('Delete %1 item', 'Delete %1 items', plan.items.length),
    showDialog: options.showDialog
  });
  if (outcome.kind === 'done' && options.notify !== false) {
    announce(outcome.result, trans, locale);
  }
  return outcome;
}

/**
 * Say what a real run did, in a notification.
 */
function announce(
  result: CacheAPI.CleanResult,
  trans: TranslationBundle,
  locale: string
): void {
  const removed = trans._n(
    'Removed %1 item and freed %2.',
    'Removed %1 items and freed %2.',
    result.removed.length,
    formatBytes(result.bytes_freed, locale)
  );
  if (result.failed.length === 0) {
    Notification.success(removed, { autoClose: 5000 });
    return;
  }
  const failed = trans._n(
    '%1 item could not be removed and was left in place: %2',
    '%1 items could not be removed and were left in place: %2',
    result.failed.length,
    result.failed.map(item => `${item.path} (${item.message})`).join('; ')
  );
  Notification.warning(`${removed} ${failed}`, { autoClose: false });
}
