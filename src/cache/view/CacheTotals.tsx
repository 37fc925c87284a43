/**
 * The head of the cache view: totals of the filtered root (or all), the
 * counts by state as filter buttons, and free disk space.
 */

import React from 'react';

import { Notice, StateBadge, formatBytes } from '../../components';
import {
  ENTRY_STATES,
  stateBadgeKind,
  stateDescription,
  stateLabel
} from '../labels';
import { isLowOnDisk } from '../model';
import { ICachePartProps, SimulatedCacheBadge } from './common';

/**
 * Totals, counts by state and low-disk warnings.
 */
export function CacheTotals(props: ICachePartProps): JSX.Element {
  const { list, trans, locale } = props;
  const cache = list.cache;
  const status = cache.status;
  const number = new Intl.NumberFormat(locale);
  if (!status) {
    return (
      <div className="jp-Neuron-CacheTotals jp-Neuron-Muted" role="status">
        {cache.state === 'loading'
          ? trans.__('Scanning the compile caches…')
          : ''}
      </div>
    );
  }
  const root = status.roots.find(summary => summary.id === list.filters.root);
  const entries = root ? root.entries : status.totals.entries;
  const bytes = root ? root.total_bytes : status.totals.bytes;
  const counts = root ? root.counts : status.totals.counts;
  const lowRoots = (root ? [root] : status.roots).filter(summary =>
    isLowOnDisk(summary, cache.freeDiskThreshold)
  );
  return (
    <div className="jp-Neuron-CacheTotals">
      {status.simulated && <SimulatedCacheBadge trans={trans} />}
      <span
        className="jp-Neuron-CacheTotals-figures"
        data-testid="cache-totals"
      >
        {trans.__(
          '%1 entries · %2',
          number.format(entries),
          formatBytes(bytes, locale)
        )}
      </span>
      <span className="jp-Neuron-CacheTotals-states">
        {ENTRY_STATES.map(state => (
          <button
            key={state}
            type="button"
            className="jp-Neuron-StateChip"
            data-state={state}
            aria-pressed={list.filters.state === state}
            disabled={counts[state] === 0 && list.filters.state !== state}
            title={stateDescription(state, trans)}
            onClick={() =>
              list.setFilters({
                state: list.filters.state === state ? null : state
              })
            }
          >
            <StateBadge
              kind={stateBadgeKind(state)}
              label={`${stateLabel(state, trans)} ${number.format(counts[state])}`}
            />
          </button>
        ))}
      </span>
      {lowRoots.map(summary => (
        <Notice
          key={summary.id}
          kind="warning"
          title={trans.__('Little free disk space for %1', summary.path)}
        >
          {trans.__(
            '%1 free of %2. Compiles fail when the disk is full: remove old compiler versions or prune the cache.',
            formatBytes(summary.free_bytes ?? 0, locale),
            formatBytes(summary.fs_total_bytes ?? NaN, locale)
          )}
        </Notice>
      ))}
    </div>
  );
}
