/**
 * The compile-cache section of the Neuron sidebar: totals, counts by state,
 * the roots with their state and free disk space.
 */

import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import React from 'react';

import {
  Facts,
  Notice,
  SectionToolbar,
  StateBadge,
  formatBytes,
  useRerenderOn
} from '../../components';
import { INeuronCompileCache, TRANSLATION_DOMAIN } from '../../tokens';
import {
  ENTRY_STATES,
  rootStateBadgeKind,
  rootStateLabel,
  stateBadgeKind,
  stateDescription,
  stateLabel
} from '../labels';
import { isLowOnDisk } from '../model';
import {
  CacheServerMissingNotice,
  RescanButton,
  SimulatedCacheBadge
} from './common';
import type * as CacheAPI from '../../api/cache';

/**
 * Properties of {@link CacheSummaryView}.
 */
export interface ICacheSummaryViewProps {
  /** The compile-cache model. */
  model: INeuronCompileCache;
  /** The panel's translator (`INeuronI18n`). */
  translator: ITranslator;
  /** Opens the cache view in the main area. */
  onOpenView?: () => void;
}

/**
 * Totals and roots of the compile caches, for the sidebar.
 */
export function CacheSummaryView(props: ICacheSummaryViewProps): JSX.Element {
  const { model, translator } = props;
  useRerenderOn(model.changed);
  const trans = translator.load(TRANSLATION_DOMAIN);
  const locale = translator.languageCode ?? 'en';
  const status = model.status;
  const number = new Intl.NumberFormat(locale);

  return (
    <div
      className="jp-Neuron-CacheSummary"
      data-state={model.state}
      aria-busy={model.isBusy}
    >
      <SectionToolbar
        start={
          <Button
            small
            className="jp-Neuron-OpenCacheView"
            onClick={() => props.onOpenView?.()}
            disabled={!props.onOpenView}
          >
            {trans.__('Open compile cache view')}
          </Button>
        }
      >
        <RescanButton cache={model} trans={trans} />
      </SectionToolbar>
      {model.state === 'loading' && (
        <p className="jp-Neuron-Muted" role="status">
          {trans.__('Scanning the compile caches…')}
        </p>
      )}
      {model.state === 'server-missing' && (
        <CacheServerMissingNotice trans={trans} />
      )}
      {model.state === 'error' && (
        <Notice
          kind="error"
          title={trans.__('Could not read the compile caches')}
          message={model.error}
        >
          <p>{trans.__('Retrying automatically.')}</p>
        </Notice>
      )}
      {status && (
        <>
          {status.simulated && <SimulatedCacheBadge trans={trans} />}
          <Facts
            items={[
              [trans.__('Entries'), number.format(status.totals.entries)],
              [trans.__('Total size'), formatBytes(status.totals.bytes, locale)]
            ]}
          />
          <ul
            className="jp-Neuron-CacheSummary-states"
            aria-label={trans.__('Entries by state')}
          >
            {ENTRY_STATES.map(state => (
              <li key={state} data-state={state}>
                <StateBadge
                  kind={
                    status.totals.counts[state] > 0
                      ? stateBadgeKind(state)
                      : 'info'
                  }
                  label={`${stateLabel(state, trans)} ${number.format(status.totals.counts[state])}`}
                  title={stateDescription(state, trans)}
                />
              </li>
            ))}
          </ul>
          {status.compiler_running && (
            <p className="jp-Neuron-Muted">
              {trans.__(
                'A Neuron compiler is running: entries with a lock file are treated as compiling.'
              )}
            </p>
          )}
          {status.roots.length === 0 ? (
            <p className="jp-Neuron-Muted">
              {trans.__('No compile cache root was found.')}
            </p>
          ) : (
            <ul className="jp-Neuron-CacheRoots">
              {status.roots.map(root => (
                <RootItem
                  key={root.id}
                  root={root}
                  model={model}
                  trans={trans}
                  locale={locale}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

/**
 * One root: path, where it comes from, state with its reason, size and
 * free disk space.
 */
function RootItem(props: {
  root: CacheAPI.RootSummary;
  model: INeuronCompileCache;
  trans: TranslationBundle;
  locale: string;
}): JSX.Element {
  const { root, model, trans, locale } = props;
  const low = isLowOnDisk(root, model.freeDiskThreshold);
  const number = new Intl.NumberFormat(locale);
  return (
    <li
      className="jp-Neuron-CacheRoot"
      data-root-state={root.state}
      data-low-disk={low}
    >
      <div className="jp-Neuron-CacheRoot-head">
        <code className="jp-Neuron-Path">{root.path}</code>
        <span className="jp-Neuron-CacheRoot-badges">
          <StateBadge
            kind={rootStateBadgeKind(root.state)}
            label={rootStateLabel(root.state, trans)}
          />
          {root.active && (
            <StateBadge
              kind="info"
              label={trans.__('In use by the compiler')}
              title={trans.__(
                "The Neuron compiler uses this root with the server's environment."
              )}
            />
          )}
          {root.simulated && (
            <StateBadge kind="simulated" label={trans.__('Simulated')} />
          )}
          {root.store === 's3' && (
            <StateBadge
              kind="info"
              label={trans.__('S3')}
              title={trans.__(
                'A compile cache shared on Amazon S3, read with boto3 and its usual credentials.'
              )}
            />
          )}
        </span>
      </div>
      {root.message && (
        <p
          className={`jp-Neuron-Message ${root.state === 'ok' ? 'jp-Neuron-Muted' : 'jp-Neuron-CacheRoot-reason'}`}
        >
          {root.message}
        </p>
      )}
      {root.scan_error && (
        <p className="jp-Neuron-Message jp-Neuron-CacheRoot-reason">
          {root.scan_error}
        </p>
      )}
      <Facts
        items={[
          [
            trans.__('Found in'),
            root.sources.map(source => sourceLabel(source, trans)).join(', ')
          ],
          root.scanned
            ? [
                trans.__('Entries'),
                trans.__(
                  '%1 (%2)',
                  number.format(root.entries),
                  formatBytes(root.total_bytes, locale)
                )
              ]
            : null,
          root.free_bytes !== null
            ? [
                trans.__('Free disk space'),
                <span className={low ? 'jp-Neuron-LowDisk' : undefined}>
                  {root.fs_total_bytes
                    ? trans.__(
                        '%1 of %2',
                        formatBytes(root.free_bytes, locale),
                        formatBytes(root.fs_total_bytes, locale)
                      )
                    : formatBytes(root.free_bytes, locale)}
                </span>
              ]
            : null
        ]}
      />
      {low && (
        <Notice kind="warning" title={trans.__('Little free disk space')}>
          {trans.__(
            'Compiles fail when the disk is full. Open the compile cache view to remove old compiler versions or prune the cache.'
          )}
        </Notice>
      )}
    </li>
  );
}

function sourceLabel(
  source: CacheAPI.RootSource,
  trans: TranslationBundle
): string {
  switch (source) {
    case 'default':
      return trans.__('Default');
    case 'settings':
      return trans.__('Server settings');
    case 'project':
      return trans.__('Project folder');
    case 'cli':
      return trans.__('Command line');
    default:
      return source;
  }
}
