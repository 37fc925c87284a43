/**
 * The entry table of the cache view: the entries that match the filters in
 * a virtualized table, sorted by the server, with selection by checkbox,
 * Space and Shift.
 */

import { lockIcon } from '@jupyterlab/ui-components';
import React, { useCallback, useState } from 'react';

import { StateBadge, formatBytes } from '../../components';
import {
  baseName,
  formatAge,
  formatDateTime,
  protectionLabel,
  stateBadgeKind,
  stateDescription,
  stateLabel
} from '../labels';
import { ICachePartProps } from './common';
import { IVirtualTableColumn, VirtualTable } from './VirtualTable';
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
  const selectedCount = list.selectedCount;
  const columns: IVirtualTableColumn<Entry>[] = [
    {
      id: 'select',
      header: (
        <input
          type="checkbox"
          aria-label={trans.__('Select every entry that matches the filters')}
          title={trans.__('Select every entry that matches the filters')}
          checked={selectedCount > 0}
          ref={node => {
            if (node) {
              node.indeterminate = selectedCount > 0 && selectedCount < total;
            }
          }}
          disabled={total === 0 && selectedCount === 0}
          onChange={() => {
            if (selectedCount > 0) {
              list.clearSelection();
            } else {
              void list.selectAllMatching();
            }
          }}
        />
      ),
      headerLabel: trans.__('Selected'),
      width: 32,
      render: (entry, index) => (
        <input
          type="checkbox"
          aria-label={trans.__('Select %1', entry.module)}
          checked={list.isSelected(entry.id)}
          disabled={entry.protected !== null}
          title={
            entry.protected
              ? protectionLabel(entry.protected, trans)
              : undefined
          }
          onClick={event => event.stopPropagation()}
          onChange={event =>
            toggleRow(
              entry,
              index,
              (event.nativeEvent as MouseEvent).shiftKey === true
            )
          }
        />
      )
    },
    {
      id: 'state',
      header: trans.__('State'),
      width: 120,
      grow: 0.8,
      sortKey: 'state',
      render: entry => (
        <span className="jp-Neuron-EntryState">
          <StateBadge
            kind={stateBadgeKind(entry.state)}
            label={stateLabel(entry.state, trans)}
            title={stateDescription(entry.state, trans)}
          />
          {entry.protected && (
            <span
              className="jp-Neuron-EntryProtected"
              title={protectionLabel(entry.protected, trans)}
              aria-label={protectionLabel(entry.protected, trans)}
            >
              <lockIcon.react tag="span" />
              {entry.protected === 'in_use' && (
                <span>{trans.__('In use')}</span>
              )}
            </span>
          )}
        </span>
      )
    },
    {
      id: 'module',
      header: trans.__('Module'),
      width: 220,
      grow: 2.4,
      sortKey: 'module',
      render: entry => (
        <span className="jp-Neuron-EntryModule" title={entry.path}>
          {entry.module}
        </span>
      )
    },
    {
      id: 'version',
      header: trans.__('Compiler version'),
      width: 170,
      grow: 1.5,
      sortKey: 'version',
      render: entry => (
        <span className="jp-Neuron-Ellipsis" title={entry.version}>
          {entry.version}
        </span>
      )
    },
    ...(multipleRoots
      ? [
          {
            id: 'root',
            header: trans.__('Root'),
            width: 110,
            grow: 1,
            render: (entry: Entry) => (
              <span className="jp-Neuron-Ellipsis" title={entry.root}>
                {baseName(entry.root)}
              </span>
            )
          }
        ]
      : []),
    {
      id: 'bytes',
      header: trans.__('Size'),
      width: 90,
      align: 'end',
      sortKey: 'bytes',
      render: entry => formatBytes(entry.bytes, locale)
    },
    {
      id: 'last_used',
      header: trans.__('Last used'),
      width: 120,
      grow: 0.9,
      sortKey: 'last_used',
      render: entry => (
        <span title={formatDateTime(entry.last_used, locale)}>
          {formatAge(entry.last_used, locale)}
        </span>
      )
    },
    {
      id: 'log',
      header: '',
      headerLabel: trans.__('Log'),
      width: 56,
      render: (entry, index) =>
        entry.has_log ? (
          <button
            type="button"
            className="jp-Neuron-LinkButton"
            onClick={event => {
              event.stopPropagation();
              setActiveIndex(index);
              list.setActive(entry.id);
            }}
          >
            {trans.__('Log')}
          </button>
        ) : null
    }
  ];

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
