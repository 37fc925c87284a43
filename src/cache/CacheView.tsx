/**
 * The compile-cache view of the main area: totals, filters, the entry table,
 * the cleaning actions and the detail of one entry.
 */

import { InputDialog } from '@jupyterlab/apputils';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { Button, closeIcon, lockIcon } from '@jupyterlab/ui-components';
import React, { useCallback, useState } from 'react';

import {
  Facts,
  Notice,
  RefreshButton,
  StateBadge,
  formatBytes,
  useRerenderOn
} from '../components';
import type { DryRunDialog } from '../components';
import { TRANSLATION_DOMAIN } from '../tokens';
import {
  CacheAction,
  ICacheActionTarget,
  actionTitle,
  runCacheAction
} from './actions';
import { CacheEntryListModel } from './entries';
import {
  ENTRY_STATES,
  baseName,
  formatAge,
  formatDateTime,
  formatDuration,
  protectionLabel,
  rootStateLabel,
  stateBadgeKind,
  stateDescription,
  stateLabel
} from './labels';
import { isLowOnDisk } from './model';
import { IVirtualTableColumn, VirtualTable } from './VirtualTable';
import type * as CacheAPI from '../api/cache';

type Entry = CacheAPI.Entry;
type CleanOutcome = DryRunDialog.Outcome<
  CacheAPI.CleanResult,
  CacheAPI.CleanResult
>;

/**
 * Properties of {@link CacheView}.
 */
export interface ICacheViewProps {
  /** The entry list (it holds the compile-cache model). */
  list: CacheEntryListModel;
  /** The panel's translator (`INeuronI18n`). */
  translator: ITranslator;
  /** Runs an action (default: dry run, confirmation dialog, real run). */
  runAction?: (
    action: CacheAction,
    target: ICacheActionTarget
  ) => Promise<CleanOutcome>;
  /** Asks for the size limit of a prune, in bytes (default: a number dialog in GiB). */
  askMaxBytes?: (suggested: number) => Promise<number | null>;
  /** Asks which root to wipe (default: a list dialog). */
  askRoot?: (
    roots: CacheAPI.RootSummary[]
  ) => Promise<CacheAPI.RootSummary | null>;
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

  const run = async (action: CacheAction) => {
    const target = await targetFor(action, list, status, trans, locale, props);
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
      <CacheTotals list={list} trans={trans} locale={locale} />
      <FilterBar list={list} status={status} trans={trans} />
      <ActionBar
        list={list}
        status={status}
        trans={trans}
        locale={locale}
        running={running}
        onAction={action => void run(action)}
      />
      <CacheStateNotice list={list} trans={trans} />
      <div className="jp-Neuron-CacheView-main">
        <EntryTable
          list={list}
          trans={trans}
          locale={locale}
          initialHeight={props.initialTableHeight}
        />
        {list.activeId !== null && (
          <EntryDetailPane list={list} trans={trans} locale={locale} />
        )}
      </div>
    </div>
  );
}

interface IPartProps {
  list: CacheEntryListModel;
  trans: TranslationBundle;
}

/**
 * Ask what an action needs; `null` when the user cancels.
 */
async function targetFor(
  action: CacheAction,
  list: CacheEntryListModel,
  status: CacheAPI.Status | null,
  trans: TranslationBundle,
  locale: string,
  props: ICacheViewProps
): Promise<ICacheActionTarget | null> {
  const root =
    status?.roots.find(summary => summary.id === list.filters.root) ?? null;
  switch (action) {
    case 'delete-selected':
      return { entries: [...list.selectedIds] };
    case 'prune': {
      const size = root ? root.total_bytes : largestRoot(status);
      const suggested = Math.max(GIB, Math.round(size / 2 / GIB) * GIB);
      const maxBytes = await (props.askMaxBytes
        ? props.askMaxBytes(suggested)
        : askMaxBytes(suggested, trans, locale));
      return maxBytes === null ? null : { root, maxBytes };
    }
    case 'wipe': {
      if (root) {
        return { root };
      }
      const candidates = (status?.roots ?? []).filter(isCleanable);
      const chosen = await (props.askRoot
        ? props.askRoot(candidates)
        : askRoot(candidates, trans));
      return chosen ? { root: chosen } : null;
    }
    default:
      return { root };
  }
}

const GIB = 1024 ** 3;

function largestRoot(status: CacheAPI.Status | null): number {
  return Math.max(0, ...(status?.roots ?? []).map(root => root.total_bytes));
}

/** Whether a root can be cleaned at all. */
function isCleanable(root: CacheAPI.RootSummary): boolean {
  return root.managed && root.scanned && root.writable;
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

/* ---------------------------------------------------------------- totals -- */

/**
 * Totals of the filtered root (or all), counts by state as filter buttons,
 * and free disk space.
 */
function CacheTotals(props: IPartProps & { locale: string }): JSX.Element {
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
      {status.simulated && (
        <StateBadge
          kind="simulated"
          label={trans.__('Simulated compile cache')}
          title={trans.__(
            "Generated by 'jupyter neuron simulate cache': not a real compile cache."
          )}
        />
      )}
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

/* --------------------------------------------------------------- filters -- */

function FilterBar(
  props: IPartProps & { status: CacheAPI.Status | null }
): JSX.Element {
  const { list, status, trans } = props;
  const filters = list.filters;
  const roots = status?.roots ?? [];
  const versionNames = new Set<string>();
  for (const root of roots) {
    if (filters.root === null || root.id === filters.root) {
      for (const version of root.versions) {
        versionNames.add(version.name);
      }
    }
  }
  if (filters.version) {
    versionNames.add(filters.version);
  }
  return (
    <div className="jp-Neuron-CacheFilters" role="search">
      <FilterSelect
        label={trans.__('Root')}
        ariaLabel={trans.__('Filter by root')}
        value={filters.root}
        allLabel={trans.__('All roots')}
        options={roots.map(root => [root.id, root.path])}
        onChange={root => list.setFilters({ root, version: null })}
      />
      <FilterSelect
        label={trans.__('Compiler version')}
        ariaLabel={trans.__('Filter by compiler version')}
        value={filters.version}
        allLabel={trans.__('All versions')}
        options={[...versionNames].map(name => [name, name])}
        onChange={version => list.setFilters({ version })}
      />
      <FilterSelect
        label={trans.__('State')}
        ariaLabel={trans.__('Filter by state')}
        value={filters.state}
        allLabel={trans.__('All states')}
        options={ENTRY_STATES.map(state => [state, stateLabel(state, trans)])}
        onChange={state =>
          list.setFilters({
            state: state as CacheAPI.EntryState | null
          })
        }
      />
      <label className="jp-Neuron-CacheFilters-text">
        <span>{trans.__('Search')}</span>
        <input
          type="search"
          className="jp-mod-styled"
          aria-label={trans.__('Search entries')}
          placeholder={trans.__('Module or version name')}
          value={filters.text}
          onChange={event => list.setFilters({ text: event.target.value })}
        />
      </label>
    </div>
  );
}

/**
 * One filter: "all" (`null`) or one of the options (`[value, label]`).
 */
function FilterSelect(props: {
  label: string;
  ariaLabel: string;
  value: string | null;
  allLabel: string;
  options: [string, string][];
  onChange: (value: string | null) => void;
}): JSX.Element {
  return (
    <label>
      <span>{props.label}</span>
      <select
        className="jp-mod-styled"
        aria-label={props.ariaLabel}
        value={props.value ?? ''}
        onChange={event => props.onChange(event.target.value || null)}
      >
        <option value="">{props.allLabel}</option>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

/* --------------------------------------------------------------- actions -- */

function ActionBar(
  props: IPartProps & {
    status: CacheAPI.Status | null;
    locale: string;
    running: CacheAction | null;
    onAction: (action: CacheAction) => void;
  }
): JSX.Element {
  const { list, status, trans, locale, running, onAction } = props;
  const cache = list.cache;
  const selected = list.selectedCount;
  const cleanable = (status?.roots ?? []).some(isCleanable);
  const disabled = running !== null || !status || !cleanable;
  const button = (action: CacheAction, label: string, enabled = true) => (
    <Button
      key={action}
      small
      className={`jp-Neuron-CacheAction${action === 'wipe' || action === 'delete-selected' ? ' jp-mod-warn' : ''}`}
      data-action={action}
      disabled={disabled || !enabled}
      onClick={() => onAction(action)}
    >
      {label}
    </Button>
  );
  return (
    <div className="jp-Neuron-CacheActions">
      <span className="jp-Neuron-CacheActions-selection" aria-live="polite">
        {selected > 0
          ? trans._n(
              '%1 selected (%2)',
              '%1 selected (%2)',
              selected,
              formatBytes(list.selectedBytes, locale)
            )
          : trans.__('No entry selected')}
      </span>
      {selected > 0 && (
        <Button small minimal onClick={() => list.clearSelection()}>
          {trans.__('Clear selection')}
        </Button>
      )}
      {button('delete-selected', trans.__('Delete selected…'), selected > 0)}
      {button('delete-failed', trans.__('Delete failed…'))}
      {button('clear-stale-locks', trans.__('Clear stale locks…'))}
      {button('remove-old-versions', trans.__('Remove old versions…'))}
      {button('prune', trans.__('Prune to size…'))}
      {button('wipe', trans.__('Wipe root…'))}
      <span className="jp-Neuron-CacheActions-spacer" />
      {running && (
        <span className="jp-Neuron-Muted" role="status">
          {actionTitle(running, trans)}…
        </span>
      )}
      <RefreshButton
        label={trans.__('Rescan')}
        title={trans.__('Scan the compile caches again now')}
        disabled={cache.isBusy}
        onClick={() => void cache.refresh()}
      />
    </div>
  );
}

/* --------------------------------------------------------------- notices -- */

function CacheStateNotice(props: IPartProps): JSX.Element | null {
  const { list, trans } = props;
  const cache = list.cache;
  const status = cache.status;
  const notices: JSX.Element[] = [];
  if (cache.state === 'server-missing') {
    notices.push(
      <Notice
        key="server"
        kind="error"
        title={trans.__(
          'The jupyterlab-neuron server extension is not available'
        )}
      >
        {trans.__(
          'The compile caches are read by the server extension. Install it in the Python environment that runs JupyterLab, then restart JupyterLab.'
        )}
      </Notice>
    );
  } else if (cache.state === 'error' && cache.error) {
    notices.push(
      <Notice
        key="status"
        kind="error"
        title={trans.__('Could not read the compile caches')}
      >
        <p className="jp-Neuron-Message">{cache.error}</p>
      </Notice>
    );
  }
  if (list.error) {
    notices.push(
      <Notice
        key="list"
        kind="error"
        title={trans.__('Could not load the entries')}
      >
        <p className="jp-Neuron-Message">{list.error}</p>
      </Notice>
    );
  }
  if (status?.compiler_running) {
    notices.push(
      <Notice
        key="compiler"
        kind="info"
        title={trans.__('A Neuron compiler is running')}
      >
        {trans.__(
          'Entries with a lock file are treated as compiling and are not removed.'
        )}
      </Notice>
    );
  }
  for (const root of status?.roots ?? []) {
    // A root not created yet is normal (the sidebar lists it): no notice.
    if ((root.state !== 'ok' && root.state !== 'missing') || root.scan_error) {
      notices.push(
        <Notice
          key={`root-${root.id}`}
          kind={root.state === 'remote' ? 'info' : 'warning'}
          title={`${root.path}: ${rootStateLabel(root.state, trans)}`}
        >
          {root.message && <p className="jp-Neuron-Message">{root.message}</p>}
          {root.scan_error && (
            <p className="jp-Neuron-Message">{root.scan_error}</p>
          )}
        </Notice>
      );
    }
  }
  return notices.length > 0 ? (
    <div className="jp-Neuron-CacheView-notices">{notices}</div>
  ) : null;
}

/* ----------------------------------------------------------------- table -- */

function EntryTable(
  props: IPartProps & { locale: string; initialHeight?: number }
): JSX.Element {
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

/* ---------------------------------------------------------------- detail -- */

function EntryDetailPane(props: IPartProps & { locale: string }): JSX.Element {
  const { list, trans, locale } = props;
  const detail = list.detail;
  return (
    <aside
      className="jp-Neuron-EntryDetail"
      aria-label={trans.__('Entry details')}
      data-state={list.detailState}
    >
      <div className="jp-Neuron-EntryDetail-header">
        <h3 className="jp-Neuron-EntryModule">
          {detail?.module ?? list.activeId}
        </h3>
        <Button
          small
          minimal
          title={trans.__('Close the details')}
          aria-label={trans.__('Close the details')}
          onClick={() => list.setActive(null)}
        >
          <closeIcon.react tag="span" />
        </Button>
      </div>
      {list.detailState === 'loading' && (
        <p className="jp-Neuron-Muted" role="status">
          {trans.__('Loading…')}
        </p>
      )}
      {list.detailState === 'error' && (
        <Notice kind="error" title={trans.__('Could not load the entry')}>
          <p className="jp-Neuron-Message">{list.detailError}</p>
        </Notice>
      )}
      {detail && (
        <EntryDetailBody detail={detail} trans={trans} locale={locale} />
      )}
    </aside>
  );
}

function EntryDetailBody(props: {
  detail: CacheAPI.EntryDetail;
  trans: TranslationBundle;
  locale: string;
}): JSX.Element {
  const { detail, trans, locale } = props;
  const flags = detail.flags;
  return (
    <div className="jp-Neuron-EntryDetail-body">
      <p className="jp-Neuron-EntryDetail-state">
        <StateBadge
          kind={stateBadgeKind(detail.state)}
          label={stateLabel(detail.state, trans)}
        />{' '}
        {stateDescription(detail.state, trans)}
      </p>
      {detail.protected && (
        <Notice kind="info" title={trans.__('Protected')}>
          {protectionLabel(detail.protected, trans)}
        </Notice>
      )}
      <Facts
        items={[
          [trans.__('Compiler version'), detail.version],
          [
            trans.__('Root'),
            <code className="jp-Neuron-Path">{detail.root}</code>
          ],
          [
            trans.__('Path'),
            <code className="jp-Neuron-Path">{detail.path}</code>
          ],
          [trans.__('Size'), formatBytes(detail.bytes, locale)],
          [trans.__('On disk'), formatBytes(detail.disk_bytes, locale)],
          [
            trans.__('Files'),
            new Intl.NumberFormat(locale).format(detail.files)
          ],
          [trans.__('Created'), formatDateTime(detail.created, locale)],
          [trans.__('Last used'), formatDateTime(detail.last_used, locale)],
          detail.lock_age_seconds !== null
            ? [
                trans.__('Lock age'),
                formatDuration(detail.lock_age_seconds, locale)
              ]
            : null,
          detail.symlink
            ? [
                trans.__('Link'),
                trans.__('The entry folder is a symbolic link.')
              ]
            : null
        ]}
      />
      <h4>{trans.__('Compile flags')}</h4>
      {flags === null ? (
        <p className="jp-Neuron-Muted">{trans.__('No compile_flags.json.')}</p>
      ) : typeof flags === 'string' ? (
        <pre className="jp-Neuron-Command">{flags}</pre>
      ) : flags.length === 0 ? (
        <p className="jp-Neuron-Muted">
          {trans.__('No flags (the defaults).')}
        </p>
      ) : (
        <pre className="jp-Neuron-Command">{flags.join(' ')}</pre>
      )}
      {detail.log_tail !== null && (
        <>
          <h4>{trans.__('Compiler log (model.log)')}</h4>
          {detail.log_truncated && (
            <p className="jp-Neuron-Muted">
              {trans.__('Only the end of the log is shown.')}
            </p>
          )}
          <pre className="jp-Neuron-LogTail" tabIndex={0}>
            {detail.log_tail}
          </pre>
        </>
      )}
      {(detail.error || detail.detail_error) && (
        <Notice kind="warning" title={trans.__('Not everything could be read')}>
          <p className="jp-Neuron-Message">
            {[detail.error, detail.detail_error].filter(Boolean).join('\n')}
          </p>
        </Notice>
      )}
      <details className="jp-Neuron-EntryDetail-files">
        <summary>
          {trans._n('%1 file', '%1 files', detail.contents.length)}
        </summary>
        <ul>
          {detail.contents.map(item => (
            <li key={item.path}>
              <code>{item.path}</code>{' '}
              <span className="jp-Neuron-Muted">
                {item.kind === 'file'
                  ? formatBytes(item.bytes, locale)
                  : item.kind === 'symlink'
                    ? trans.__('link')
                    : item.kind === 'hardlink'
                      ? trans.__('hard link, not read')
                      : item.kind === 'dir'
                        ? trans.__('folder')
                        : ''}
              </span>
            </li>
          ))}
        </ul>
        {detail.contents_truncated && (
          <p className="jp-Neuron-Muted">
            {trans.__('The list is cut short.')}
          </p>
        )}
      </details>
    </div>
  );
}
