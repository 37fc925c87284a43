import React from 'react';

/**
 * The look of a badge: how good or bad the state it names is.
 */
export type BadgeKind = 'ok' | 'info' | 'warning' | 'error' | 'simulated';

/**
 * Properties of {@link StateBadge}.
 */
export interface IStateBadgeProps {
  /** The look of the badge. */
  kind: BadgeKind;
  /** The (translated) text of the badge. */
  label: string;
  /** A longer (translated) explanation, shown as a tooltip. */
  title?: string;
}

/**
 * A short coloured label naming a state, e.g. "Simulated: trn1.2xlarge".
 */
export function StateBadge(props: IStateBadgeProps): JSX.Element {
  return (
    <span
      className={`jp-Neuron-StateBadge jp-Neuron-StateBadge-${props.kind}`}
      title={props.title}
      data-kind={props.kind}
    >
      {props.label}
    </span>
  );
}
