import type { TranslationBundle } from '@jupyterlab/translation';
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
  /**
   * A message as it came (an error from the server, a tool's output), shown
   * first and kept as written: line breaks stay, long words wrap.
   */
  message?: string | null;
  /** What happened and what to do. */
  children?: React.ReactNode;
}

/**
 * A block explaining an error or an empty state, and what to do about it.
 */
export function Notice(props: INoticeProps): JSX.Element {
  const { message, children } = props;
  return (
    <div
      className={`jp-Neuron-Notice jp-Neuron-Notice-${props.kind}`}
      role={props.kind === 'error' ? 'alert' : 'status'}
    >
      <div className="jp-Neuron-Notice-title">{props.title}</div>
      {(message || children !== undefined) && (
        <div className="jp-Neuron-Notice-body">
          {message && <p className="jp-Neuron-Message">{message}</p>}
          {children}
        </div>
      )}
    </div>
  );
}

/**
 * Properties of {@link ServerMissingNotice}.
 */
export interface IServerMissingNoticeProps {
  /** The caller's bundle, for the headline. */
  trans: TranslationBundle;
  /** What the view cannot do without the server extension, and what to do. */
  children: React.ReactNode;
}

/**
 * The error every view shows when the server extension does not answer.
 */
export function ServerMissingNotice(
  props: IServerMissingNoticeProps
): JSX.Element {
  const { trans } = props;
  return (
    <Notice
      kind="error"
      title={trans.__(
        'The jupyterlab-neuron server extension is not available'
      )}
    >
      {props.children}
    </Notice>
  );
}
