/**
 * The compile-cache view of the main area: totals, filters, the cleaning
 * actions, notices, the entry table and the detail of one entry. Each part
 * has its own file in this folder; this one puts them together and runs the
 * actions.
 */

import type { ITranslator } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { useRerenderOn } from '../../components';
import type { DryRunDialog } from '../../components';
import { TRANSLATION_DOMAIN } from '../../tokens';
import { CacheAction, ICacheActionTarget, runCacheAction } from '../actions';
import { CacheEntryListModel } from '../entries';
import { ActionBar } from './ActionBar';
import { CacheNotices } from './CacheNotices';
import { CacheTotals } from './CacheTotals';
import { ITargetQuestions, targetFor } from './dialogs';
import { EntryDetailPane } from './EntryDetail';
import { EntryTable } from './EntryTable';
import { FilterBar } from './FilterBar';
import type * as CacheAPI from '../../api/cache';

type CleanOutcome = DryRunDialog.Outcome<
  CacheAPI.CleanResult,
  CacheAPI.CleanResult
>;

/**
 * Properties of {@link CacheView}.
 */
export interface ICacheViewProps extends ITargetQuestions {
  /** The entry list (it holds the compile-cache model). */
  list: CacheEntryListModel;
  /** The panel's translator (`INeuronI18n`). */
  translator: ITranslator;
  /** Runs an action (default: dry run, confirmation dialog, real run). */
  runAction?: (
    action: CacheAction,
    target: ICacheActionTarget
  ) => Promise<CleanOutcome>;
  /** Table height before it can be measured (tests). */
  initialTableHeight?: number;
}

/**
 * The whole cache view.
 */
export function CacheView(props: ICacheViewProps): JSX.Element {
  const { list, translator } = props;
  const cache = list.cache;
  useRerenderOn(list.changed, cache.changed);
  const trans = translator.load(TRANSLATION_DOMAIN);
  const locale = translator.languageCode ?? 'en';
  const status = cache.status;
  const [running, setRunning] = useState<CacheAction | null>(null);
  const parts = { list, trans, locale };

  const run = async (action: CacheAction) => {
    const target = await targetFor(action, status, parts, props);
    if (target === null) {
      return;
    }
    setRunning(action);
    try {
      const outcome = await (props.runAction
        ? props.runAction(action, target)
        : runCacheAction(action, { cache, translator, target }));
      if (outcome.kind === 'done') {
        list.forget(outcome.result.removed);
        list.reload();
      }
    } finally {
      setRunning(null);
    }
  };

  return (
    <div
      className="jp-Neuron-CacheView"
      data-state={cache.state}
      aria-busy={cache.isBusy || list.isLoading}
    >
      <CacheTotals {...parts} />
      <FilterBar {...parts} />
      <ActionBar
        {...parts}
        running={running}
        onAction={action => void run(action)}
      />
      <CacheNotices {...parts} />
      <div className="jp-Neuron-CacheView-main">
        <EntryTable {...parts} initialHeight={props.initialTableHeight} />
        {list.activeId !== null && <EntryDetailPane {...parts} />}
      </div>
    </div>
  );
}
