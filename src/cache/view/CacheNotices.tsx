/**
 * The notices of the cache view: the server extension missing, the caches or
 * the entries not read, a compiler running, roots that are not plain folders.
 */

import React from 'react';

import { Notice } from '../../components';
import { rootStateLabel } from '../labels';
import { CacheServerMissingNotice, ICachePartProps } from './common';

/**
 * Every notice that applies, or nothing.
 */
export function CacheNotices(props: ICachePartProps): JSX.Element | null {
  const { list, trans } = props;
  const cache = list.cache;
  const status = cache.status;
  const notices: JSX.Element[] = [];
  if (cache.state === 'server-missing') {
    notices.push(<CacheServerMissingNotice key="server" trans={trans} />);
  } else if (cache.state === 'error' && cache.error) {
    notices.push(
      <Notice
        key="status"
        kind="error"
        title={trans.__('Could not read the compile caches')}
        message={cache.error}
      />
    );
  }
  if (list.error) {
    notices.push(
      <Notice
        key="list"
        kind="error"
        title={trans.__('Could not load the entries')}
        message={list.error}
      />
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
          message={root.message}
        >
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
