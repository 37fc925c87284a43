import { Button, refreshIcon } from '@jupyterlab/ui-components';
import React from 'react';

/**
 * Properties of {@link RefreshButton}; the texts come translated from the caller.
 */
export interface IRefreshButtonProps {
  label: string;
  title: string;
  disabled: boolean;
  onClick: () => void;
}

/**
 * The small "refresh / rescan" button of the panel sections and views.
 */
export function RefreshButton(props: IRefreshButtonProps): JSX.Element {
  return (
    <Button
      small
      minimal
      className="jp-Neuron-RefreshButton"
      title={props.title}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      <refreshIcon.react tag="span" />
      <span>{props.label}</span>
    </Button>
  );
}
