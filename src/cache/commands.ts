/**
 * The commands other capabilities use to clean the compile caches: the same
 * dry-run confirmation as the cache view, reached through the command
 * registry instead of an import.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';

import type { DryRunDialog } from '../components';
import { CommandIDs, INeuronCompileCache, INeuronI18n } from '../tokens';
import {
  CacheAction,
  ICacheActionTarget,
  actionTitle,
  runCacheAction
} from './actions';
import type * as CacheAPI from '../api/cache';

/**
 * The actions `CommandIDs.cleanCompileCache` takes as its `action` argument.
 */
export const CLEAN_ACTIONS: ReadonlyArray<CacheAction> = [
  'delete-selected',
  'delete-failed',
  'clear-stale-locks',
  'remove-old-versions',
  'prune',
  'wipe'
];

/**
 * What `CommandIDs.cleanCompileCache` resolves with: the dry-run dialog's
 * outcome, or `unknown-root` when the root it was given is not one the
 * server manages (nothing was planned nor removed).
 */
export type CleanCommandOutcome =
  | DryRunDialog.Outcome<CacheAPI.CleanResult, CacheAPI.CleanResult>
  | { kind: 'unknown-root'; root: string };

/**
 * Options of {@link addCacheCommands}.
 */
export interface ICacheCommandsOptions {
  /** The application's commands. */
  commands: CommandRegistry;
  /** The compile-cache model. */
  cache: INeuronCompileCache;
  /** The panel's language service. */
  i18n: INeuronI18n;
  /** The dialog function (tests replace it). */
  showDialog?: typeof showDialog;
}

/**
 * The model's viewer name while a cleaning dialog is open: the dialog shows
 * the caches, so their status is fetched (the roots are needed by name).
 */
const DIALOG_VIEWER = 'clean-compile-cache';

/**
 * Add `CommandIDs.cleanCompileCache`.
 *
 * @returns what removes it
 */
export function addCacheCommands(options: ICacheCommandsOptions): IDisposable {
  const { commands, cache, i18n } = options;
  const show = options.showDialog ?? showDialog;
  return commands.addCommand(CommandIDs.cleanCompileCache, {
    label: args => {
      const action = cleanActionOf(args);
      return action
        ? actionTitle(action, i18n.trans)
        : i18n.trans.__('Clean Compile Caches');
    },
    execute: async (args): Promise<CleanCommandOutcome> => {
      const action = cleanActionOf(args);
      if (!action) {
        throw new Error(
          `${CommandIDs.cleanCompileCache}: unknown action ${JSON.stringify(args.action)}`
        );
      }
      cache.setVisible(true, DIALOG_VIEWER);
      try {
        const rootName = typeof args.root === 'string' ? args.root : null;
        let root: CacheAPI.RootSummary | null = null;
        if (rootName !== null) {
          if (!findRoot(cache, rootName)) {
            await cache.refresh();
          }
          root = findRoot(cache, rootName);
          if (!root) {
            await show({
              title: actionTitle(action, i18n.trans),
              body: i18n.trans.__(
                'The compile cache %1 is not one this server manages, so nothing was cleaned. Clean it from a terminal, or add it to the compile cache roots in the server settings.',
                rootName
              ),
              buttons: [Dialog.okButton({ label: i18n.trans.__('Close') })]
            });
            return { kind: 'unknown-root', root: rootName };
          }
        }
        const target: ICacheActionTarget = {
          entries: stringsOf(args.entries),
          root,
          maxBytes:
            typeof args.maxBytes === 'number' ? args.maxBytes : undefined
        };
        return await runCacheAction(action, {
          cache,
          translator: i18n,
          target,
          showDialog: show
        });
      } finally {
        cache.setVisible(false, DIALOG_VIEWER);
      }
    }
  });
}

function cleanActionOf(args: ReadonlyPartialJSONObject): CacheAction | null {
  const action = args.action;
  return typeof action === 'string' &&
    (CLEAN_ACTIONS as ReadonlyArray<string>).includes(action)
    ? (action as CacheAction)
    : null;
}

function findRoot(
  cache: INeuronCompileCache,
  name: string
): CacheAPI.RootSummary | null {
  return (
    cache.status?.roots.find(root => root.id === name || root.path === name) ??
    null
  );
}

function stringsOf(value: unknown): string[] | undefined {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : undefined;
}
