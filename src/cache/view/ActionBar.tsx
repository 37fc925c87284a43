/**
 * The cleaning actions of the cache view, the selection they may apply to,
 * and the rescan button.
 */

import { Button } from '@jupyterlab/ui-components';
import React from 'react';

import { formatBytes } from '../../components';
import { CacheAction, actionTitle } from '../actions';
import { ICachePartProps, RescanButton } from './common';
import { isCleanable } from './dialogs';

/**
 * Properties of {@link ActionBar}.
 */
export interface IActionBarProps extends ICachePartProps {
  /** The action under way, if any (every action waits for it). */
  running: CacheAction | null;
  /** Called when an action's button is pressed. */
  onAction: (action: CacheAction) => void;
}

/**
 * One button per action; the destructive ones are marked.
 */
export function ActionBar(props: IActionBarProps): JSX.Element {
  const { list, trans, locale, running, onAction } = props;
  const cache = list.cache;
  const status = cache.status;
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
      <RescanButton cache={cache} trans={trans} />
    </div>
  );
}
