import React from 'react';

/**
 * How serious a notice is.
 */
export type NoticeKind = 'ok' | 'info' | 'warning' | 'error';

/**
 * Properties of {@link Notice}.
 */
export interface INoticeProps {
  /** How serious the notice is; errors are announced to screen readers. */
  kind: NoticeKind;
  /** The (translated) headline. */
  title: string;
  /** What happened and what to do. */
  children?: React.ReactNode;
}

/**
 * A block explaining an error or an empty state, and what to do about it.
 */
export function Notice(props: INoticeProps): JSX.Element {
  return (
    <div
      className={`jp-Neuron-Notice jp-Neuron-Notice-${props.kind}`}
      role={props.kind === 'error' ? 'alert' : 'status'}
    >
      <div className="jp-Neuron-Notice-title">{props.title}</div>
      {props.children !== undefined && (
        <div className="jp-Neuron-Notice-body">{props.children}</div>
      )}
    </div>
  );
}
