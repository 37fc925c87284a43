import React from 'react';

/**
 * One labelled value of a {@link Facts} list; `null` items are skipped.
 */
export type Fact = [label: string, value: React.ReactNode] | null;

/**
 * Properties of {@link Facts}.
 */
export interface IFactsProps {
  /** The (translated) labels and their values, in order. */
  items: Fact[];
}

/**
 * Label/value pairs that stay readable in a narrow sidebar: the value sits
 * beside its label when there is room and moves under it when there is not.
 */
export function Facts(props: IFactsProps): JSX.Element {
  return (
    <dl className="jp-Neuron-Facts">
      {props.items.map((item, index) =>
        item === null ? null : (
          <div className="jp-Neuron-Fact" key={index}>
            <dt>{item[0]}</dt>
            <dd>{item[1]}</dd>
          </div>
        )
      )}
    </dl>
  );
}
