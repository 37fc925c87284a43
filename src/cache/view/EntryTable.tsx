/**
 * The entry table of the cache view: the entries that match the filters in
 * a virtualized table, sorted by the server, with selection by checkbox,
 * Space and Shift.
 */

import React, { useCallback, useState } from 'react';

import { ICachePartProps } from './common';
import { entryColumns } from './entryColumns';
import { VirtualTable } from './VirtualTable';
import type * as CacheAPI from '../../api/cache';

type Entry = CacheAPI.Entry;

/**
 * Properties of {@link EntryTable}.
 */
export interface IEntryTableProps extends ICachePartProps {
  /** Table height before it can be measured (tests). */
  initialHeight?: number;
}

/**
 * The count of matching entries and their table.
 */
export function EntryTable(props: IEntryTableProps): JSX.Element {
  const { list, trans, locale } = props;
  const [anchor, setAnchor] = useState(-1);
  const [activeIndex, setActiveIndex] = useState(-1);
  const [resetKey, setResetKey] = useState(0);
  const status = list.cache.status;
  const multipleRoots = (status?.roots.length ?? 0) > 1;

  // New filters start at the top, with no active row.
  React.useEffect(() => {
    const onQuery = () => {
      setResetKey(key => key + 1);
      setActiveIndex(-1);
      setAnchor(-1);
    };
    list.queryChanged.connect(onQuery);
    return () => {
      list.queryChanged.disconnect(onQuery);
    };
  }, [list]);

  const onRangeChange = useCallback(
    (start: number, end: number) => list.setRange(start, end),
    [list]
  );

  const toggleRow = (entry: Entry, index: number, shift: boolean) => {
    if (shift && anchor >= 0) {
      list.selectRange(anchor, index, !list.isSelected(entry.id));
    } else {
      list.toggle(entry);
    }
    setAnchor(index);
  };

  const total = list.total ?? 0;
  const columns = entryColumns(props, {
    multipleRoots,
    toggleRow,
    showLog: (entry, index) => {
      setActiveIndex(index);
      list.setActive(entry.id);
    }
  });

  const loading = list.total === null;
  return (
    <div className="jp-Neuron-EntryTable">
      <div className="jp-Neuron-EntryTable-caption" aria-live="polite">
        {loading
          ? list.error
            ? ''
            : trans.__('Loading entries…')
          : // %1 is the raw count (it picks the plural), %2 the same for the locale.
            trans._n(
              '%2 entry matches',
              '%2 entries match',
              total,
              new Intl.NumberFormat(locale).format(total)
            )}
      </div>
      <VirtualTable<Entry>
        label={trans.__('Compile cache entries')}
        rowCount={total}
        getRow={index => list.entryAt(index)}
        rowKey={entry => entry.id}
        columns={columns}
        onRangeChange={onRangeChange}
        sort={list.sort}
        onSort={key => list.setSort(key as CacheAPI.SortKey)}
        activeIndex={activeIndex}
        onActivate={(index, event) => {
          setActiveIndex(index);
          const entry = list.entryAt(index);
          if (entry) {
            list.setActive(entry.id);
            if (
              'shiftKey' in event &&
              event.shiftKey &&
              event.type === 'keydown'
            ) {
              list.toggle(entry, true);
            }
          }
        }}
        onKeyDown={(event, index) => {
          const entry = index >= 0 ? list.entryAt(index) : undefined;
          if (entry && (event.key === ' ' || event.key === 'Spacebar')) {
            event.preventDefault();
            toggleRow(entry, index, event.shiftKey);
          } else if (event.key === 'Escape') {
            list.setActive(null);
          }
        }}
        rowClassName={entry =>
          [
            list.isSelected(entry.id) ? 'jp-mod-selected' : '',
            entry.protected ? 'jp-mod-protected' : ''
          ]
            .filter(Boolean)
            .join(' ')
        }
        rowData={entry => ({
          state: entry.state,
          id: entry.id,
          ...(entry.protected ? { protected: entry.protected } : {})
        })}
        placeholder={
          <span className="jp-Neuron-Muted">{trans.__('Loading…')}</span>
        }
        empty={
          loading ? undefined : (
            <p className="jp-Neuron-Muted">
              {list.filters.root ||
              list.filters.version ||
              list.filters.state ||
              list.filters.text
                ? trans.__('No entry matches the filters.')
                : trans.__('The compile caches have no entries.')}
            </p>
          )
        }
        resetKey={resetKey}
        initialHeight={props.initialHeight}
      />
    </div>
  );
}
