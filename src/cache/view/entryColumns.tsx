/**
 * The columns of the entry table: selection, state, module, compiler
 * version, root (with more than one), size, last use and the log button.
 */

import { lockIcon } from '@jupyterlab/ui-components';
import React from 'react';

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
import { IVirtualTableColumn } from './VirtualTable';
import type * as CacheAPI from '../../api/cache';

type Entry = CacheAPI.Entry;

/**
 * What the columns do in the table.
 */
export interface IEntryColumnActions {
  /** Whether entries come from more than one root (a root column then). */
  multipleRoots: boolean;
  /** Select or unselect a row; with Shift, every row from the last one. */
  toggleRow: (entry: Entry, index: number, shift: boolean) => void;
  /** Show an entry's compiler log in the detail pane. */
  showLog: (entry: Entry, index: number) => void;
}

/**
 * The columns, for the entries and selection as they are now.
 */
export function entryColumns(
  parts: ICachePartProps,
  actions: IEntryColumnActions
): IVirtualTableColumn<Entry>[] {
  const { list, trans, locale } = parts;
  const total = list.total ?? 0;
  const selectedCount = list.selectedCount;
  return [
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
            actions.toggleRow(
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
    ...(actions.multipleRoots
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
              actions.showLog(entry, index);
            }}
          >
            {trans.__('Log')}
          </button>
        ) : null
    }
  ];
}
