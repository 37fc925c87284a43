/**
 * The detail pane of the cache view: one entry's state, facts, compile
 * flags, the end of its compiler log and its files.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, closeIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { Facts, Notice, StateBadge, formatBytes } from '../../components';
import {
  formatDateTime,
  formatDuration,
  protectionLabel,
  stateBadgeKind,
  stateDescription,
  stateLabel
} from '../labels';
import { ICachePartProps } from './common';
import type * as CacheAPI from '../../api/cache';

/**
 * The pane of the active entry, loading, failed or shown.
 */
export function EntryDetailPane(props: ICachePartProps): JSX.Element {
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
        <Notice
          kind="error"
          title={trans.__('Could not load the entry')}
          message={list.detailError}
        />
      )}
      {detail && (
        <EntryDetailBody detail={detail} trans={trans} locale={locale} />
      )}
    </aside>
  );
}

/**
 * What is known of one entry.
 */
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
        <Notice
          kind="warning"
          title={trans.__('Not everything could be read')}
          message={[detail.error, detail.detail_error]
            .filter(Boolean)
            .join('\n')}
        />
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
